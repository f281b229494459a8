-- Commits, releases or reverts an order, idempotent by order id, in the user's slot.
-- KEYS: 1 st, 2 orders, 3 resv, 4 events
-- ARGV: 1 orderId, 2 target order status (COMMITTED|RELEASED|REVERTED), 3 now ISO, 4 MAXLEN,
--       5 (optional) where `now` stands in each coupon's window, one letter per code of the order in order: E at or
--         past expiresAt, P before validFrom, U inside. The windows are immutable facts of the coupons, so the
--         caller computes them exactly; a step that needs them (a late commit of a RELEASED order, a revert) and
--         did not get them answers {'TIMES', status, '', '0', current coupon JSONs...} and changes nothing.
-- Moves: RESERVED -> COMMITTED (coupons USED), RESERVED -> RELEASED (USABLE), RELEASED -> COMMITTED (a late
--        payment: only when every coupon is still USABLE and inside its window, else ORDER_EXPIRED and nothing
--        taken), COMMITTED -> REVERTED (USABLE, or EXPIRED when past expiresAt). Same status again: replayed.
local oid, target, times = ARGV[1], ARGV[2], ARGV[5]
local existing = redis.call('HGET', KEYS[2], oid)
if not existing then return {'ORDER_NOT_FOUND', '', '', '0'} end
local o = cjson.decode(existing)
local function current(out)
  for _, code in ipairs(o.c) do out[#out + 1] = redis.call('HGET', KEYS[1], code) or '' end
  return out
end
if o.s == target then return current({target, o.s, '', '1'}) end
if target == 'REVERTED' then
  if o.s ~= 'COMMITTED' then return {'NOT_COMMITTED', o.s, '', '0'} end
elseif o.s ~= 'RESERVED' and not (target == 'COMMITTED' and o.s == 'RELEASED') then
  return {'ORDER_CONFLICT', o.s, '', '0'}
end
local late = o.s == 'RELEASED'
if (late or target == 'REVERTED') and not times then return current({'TIMES', o.s, '', '0'}) end
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
local out = {target, target, '', '0'}
local jsons = {}
for i, c in ipairs(coupons) do
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
