-- Expires one coupon if it is USABLE and due, in the user's slot. Exactly one caller sees 'EXPIRED'.
-- KEYS: 1 st, 2 events, 3 stats (bucket: '<templateId>:e' counts the coupons expired here, see finish.lua). ARGV: 1 code, 2 claim record, 3 expiresAt millis, 4 now millis, 5 now ISO, 6 MAXLEN
local c = cjson.decode(redis.call('HGET', KEYS[1], ARGV[1]) or ARGV[2])
if c.status == 'USABLE' then
  if tonumber(ARGV[4]) < tonumber(ARGV[3]) then return {'NOTDUE'} end
  c.status = 'EXPIRED'
  c.orderId = cjson.null
  local e = cjson.encode(c)
  redis.call('HSET', KEYS[1], ARGV[1], e)
  redis.call('HINCRBY', KEYS[3], c.templateId .. ':e', 1)
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'id', 'EXPIRED:' .. c.id, 'type', 'EXPIRED',
    'at', ARGV[5], 'tpl', c.templateId, 'user', c.userId, 'coupons', '[' .. e .. ']')
  return {'EXPIRED', e}
elseif c.status == 'RESERVED' then
  return {'HELD'}
end
return {'GONE'}
