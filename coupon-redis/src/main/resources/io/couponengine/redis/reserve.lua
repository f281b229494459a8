-- Reserves an order's coupons, all or none, in the user's slot {u:<bucket>}.
-- KEYS: 1 st (the user's code -> current coupon), 2 orders (bucket: order id -> order), 3 resv (bucket: order id by
--       reservedUntil millis), 4 events (bucket stream), 5 stats (bucket: '<templateId>:r' etc., see finish.lua)
-- ARGV: 1 userId, 2 orderId, 3 now millis (unused: see the window letters below), 4 reservedUntil millis,
--       5 now ISO, 6 MAXLEN, 7 n,
--       then per code: code, claim record ('' when no coupon has the code), owner, and where `now` stands in
--       the coupon's window: E at or past expiresAt, P before validFrom, U inside (the window is immutable, so the
--       caller computes this exactly from the claim record; the script combines it with the current status),
--       then, for a priced reservation only, what each code saves, in the codes' order, as a plain decimal string
--       (kept a string throughout: money is never a Lua number)
-- Stores the order as {u, s, c}, plus v (code -> saving) when the reservation was priced. Returns {outcome, order
-- status, offending code, replayed '1'|'0'}; a success then adds the order's savings as a JSON object ('' when it
-- has none) and the coupons' JSON.
local user, oid, n = ARGV[1], ARGV[2], tonumber(ARGV[7])
local existing = redis.call('HGET', KEYS[2], oid)
if existing then
  local o = cjson.decode(existing)
  if o.s == 'RESERVED' and o.u == user and #o.c == n then
    local set = {}
    for _, c in ipairs(o.c) do set[c] = true end
    local same = true
    for i = 0, n - 1 do
      if not set[ARGV[8 + i * 4]] then same = false end
    end
    if same then
      local out = {'RESERVED', 'RESERVED', '', '1', o.v and cjson.encode(o.v) or ''}
      for _, c in ipairs(o.c) do out[#out + 1] = redis.call('HGET', KEYS[1], c) end
      return out
    end
  end
  return {'ORDER_CONFLICT', o.s, '', '0'}
end
local picked = {}
for i = 0, n - 1 do
  local b = 8 + i * 4
  local code, rec, owner, when = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
  if rec == '' then return {'UNKNOWN_CODE', '', code, '0'} end
  if owner ~= user then return {'NOT_OWNER', '', code, '0'} end
  local c = cjson.decode(redis.call('HGET', KEYS[1], code) or rec)
  if c.status == 'EXPIRED' or (c.status == 'USABLE' and when == 'E') then return {'EXPIRED', '', code, '0'} end
  if c.status == 'USABLE' and when == 'P' then return {'NOT_YET_VALID', '', code, '0'} end
  if c.status ~= 'USABLE' then return {'NOT_USABLE', '', code, '0'} end
  picked[#picked + 1] = c
end
local saved, priced = {}, #ARGV >= 7 + n * 5
if priced then
  for i = 0, n - 1 do saved[ARGV[8 + i * 4]] = ARGV[8 + n * 4 + i] end
end
local out = {'RESERVED', 'RESERVED', '', '0', priced and cjson.encode(saved) or ''}
local codes, jsons = {}, {}
for _, c in ipairs(picked) do
  c.status = 'RESERVED'
  c.orderId = oid
  local j = cjson.encode(c)
  redis.call('HSET', KEYS[1], c.code, j)
  redis.call('HINCRBY', KEYS[5], c.templateId .. ':r', 1)
  out[#out + 1] = j
  jsons[#jsons + 1] = j
  codes[#codes + 1] = c.code
end
local order = {u = user, s = 'RESERVED', c = codes}
if priced then order.v = saved end
redis.call('HSET', KEYS[2], oid, cjson.encode(order))
redis.call('ZADD', KEYS[3], ARGV[4], oid)
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', 'id', 'RESERVED:' .. oid, 'type', 'RESERVED',
  'at', ARGV[5], 'user', user, 'order', oid, 'coupons', '[' .. table.concat(jsons, ',') .. ']')
return out
