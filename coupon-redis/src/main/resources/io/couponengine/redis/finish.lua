-- Commits, releases or reverts an order, idempotent by order id, in the user's slot.
-- KEYS: 1 st, 2 orders, 3 resv, 4 events, 5 stats (bucket hash of per-template figures, moved with the coupons:
--       '<templateId>:r' reserved, ':u' used, ':e' expired, ':d' discount given in hundredths (the saving's integer
--       digits and first two decimals, as an integer string), ':f' the rest of the discount in units of 1e-8
--       (decimals 3 to 8; only written when not zero). Always HINCRBY of integer strings built from v's decimal
--       strings: no Lua number, no float ever holds money)
-- ARGV: 1 orderId, 2 target order status (COMMITTED|RELEASED|REVERTED), 3 now ISO, 4 MAXLEN,
--       5 (optional) where `now` stands in each coupon's window, one letter per code of the order in order: E at or
--         past expiresAt, P before validFrom, U inside. The windows are immutable facts of the coupons, so the
--         caller computes them exactly; a step that needs them (a late commit of a RELEASED order, a revert) and
--         did not get them answers {'TIMES', status, '', '0', savings, current coupon JSONs...} and changes nothing.
-- Moves: RESERVED -> COMMITTED (coupons USED), RESERVED -> RELEASED (USABLE), RELEASED -> COMMITTED (a late
--        payment: only when every coupon is still USABLE and inside its window, else ORDER_EXPIRED and nothing
--        taken), COMMITTED -> REVERTED (USABLE, or EXPIRED when past expiresAt). Same status again: replayed.
-- Returns {outcome, order status, offending code, replayed '1'|'0'}; a success then adds the order's savings as
-- stored by reserve.lua (its field v, a JSON object of code -> decimal string; '' for an order without one, as every
-- order reserved unpriced or before v existed) and the coupons' JSON. v is carried along untouched.
local oid, target, times = ARGV[1], ARGV[2], ARGV[5]
local existing = redis.call('HGET', KEYS[2], oid)
if not existing then return {'ORDER_NOT_FOUND', '', '', '0'} end
local o = cjson.decode(existing)
local saved = o.v and cjson.encode(o.v) or ''
local function current(out)
  for _, code in ipairs(o.c) do out[#out + 1] = redis.call('HGET', KEYS[1], code) or '' end
  return out
end
if o.s == target then return current({target, o.s, '', '1', saved}) end
if target == 'REVERTED' then
  if o.s ~= 'COMMITTED' then return {'NOT_COMMITTED', o.s, '', '0'} end
elseif o.s ~= 'RESERVED' and not (target == 'COMMITTED' and o.s == 'RELEASED') then
  return {'ORDER_CONFLICT', o.s, '', '0'}
end
local late = o.s == 'RELEASED'
if (late or target == 'REVERTED') and not times then return current({'TIMES', o.s, '', '0', saved}) end
local coupons = {}
for i, code in ipairs(o.c) do
  local j = redis.call('HGET', KEYS[1], code)
  if late then
    -- re-take only what is still this user's, USABLE and inside its window; all or nothing
    if not j or string.sub(times, i, i) ~= 'U' then return {'ORDER_EXPIRED', o.s, '', '0'} end
    local c = cjson.decode(j)
    if c.status ~= 'USABLE' then return {'ORDER_EXPIRED', o.s, '', '0'} end
    coupons[i] = c
  else
    coupons[i] = cjson.decode(j)
  end
end
-- the template figures: one status's count to another's; a move to USED adds the coupon's saving, one from USED
-- takes it off (priced orders only)
local letter = {RESERVED = 'r', USED = 'u', EXPIRED = 'e'}
local function incr(field, digits, neg)
  digits = string.gsub(digits, '^0+', '')
  if digits ~= '' then redis.call('HINCRBY', KEYS[5], field, (neg and '-' or '') .. digits) end
end
local function discount(t, code, neg)
  local s = o.v and o.v[code]
  if type(s) ~= 'string' then return end
  local ip, fp = string.match(s, '^(%d*)%.?(%d*)$')
  if not ip then return end
  fp = fp .. '00000000'
  incr(t .. ':d', ip .. string.sub(fp, 1, 2), neg)
  incr(t .. ':f', string.sub(fp, 3, 8), neg)
end
local function count(t, from, to, code)
  if from == to then return end
  if letter[from] then redis.call('HINCRBY', KEYS[5], t .. ':' .. letter[from], -1) end
  if letter[to] then redis.call('HINCRBY', KEYS[5], t .. ':' .. letter[to], 1) end
  if to == 'USED' then discount(t, code, false) elseif from == 'USED' then discount(t, code, true) end
end
local out = {target, target, '', '0', saved}
local jsons = {}
for i, c in ipairs(coupons) do
  local from = c.status
  if target == 'COMMITTED' then
    c.status = 'USED'
    c.orderId = oid
  elseif target == 'RELEASED' then
    c.status = 'USABLE'
    c.orderId = cjson.null
  else
    if string.sub(times, i, i) == 'E' then c.status = 'EXPIRED' else c.status = 'USABLE' end
    c.orderId = cjson.null
  end
  count(c.templateId, from, c.status, o.c[i])
  local j = cjson.encode(c)
  redis.call('HSET', KEYS[1], o.c[i], j)
  out[#out + 1] = j
  jsons[#jsons + 1] = j
end
o.s = target
redis.call('HSET', KEYS[2], oid, cjson.encode(o))
redis.call('ZREM', KEYS[3], oid)
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*', 'id', target .. ':' .. oid, 'type', target,
  'at', ARGV[3], 'user', o.u, 'order', oid, 'coupons', '[' .. table.concat(jsons, ',') .. ']')
return out
