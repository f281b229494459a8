-- Commits or releases a reserved order, idempotent by order id, in the user's slot.
-- KEYS: 1 st, 2 orders, 3 resv, 4 events
-- ARGV: 1 orderId, 2 target order status (COMMITTED|RELEASED), 3 target coupon status (USED|USABLE), 4 now ISO,
--       5 MAXLEN
local oid = ARGV[1]
local existing = redis.call('HGET', KEYS[2], oid)
if not existing then return {'ORDER_NOT_FOUND', '', '', '0'} end
local o = cjson.decode(existing)
if o.s == ARGV[2] then
  local out = {ARGV[2], o.s, '', '1'}
  for _, c in ipairs(o.c) do out[#out + 1] = redis.call('HGET', KEYS[1], c) end
  return out
end
if o.s ~= 'RESERVED' then return {'ORDER_CONFLICT', o.s, '', '0'} end
local out = {ARGV[2], ARGV[2], '', '0'}
local jsons = {}
for _, code in ipairs(o.c) do
  local c = cjson.decode(redis.call('HGET', KEYS[1], code))
  c.status = ARGV[3]
  if ARGV[3] == 'USED' then c.orderId = oid else c.orderId = cjson.null end
  local j = cjson.encode(c)
  redis.call('HSET', KEYS[1], code, j)
  out[#out + 1] = j
  jsons[#jsons + 1] = j
end
o.s = ARGV[2]
redis.call('HSET', KEYS[2], oid, cjson.encode(o))
redis.call('ZREM', KEYS[3], oid)
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], '*', 'id', ARGV[2] .. ':' .. oid, 'type', ARGV[2],
  'at', ARGV[4], 'user', o.u, 'order', oid, 'coupons', '[' .. table.concat(jsons, ',') .. ']')
return out
