-- Writes a user's rebuilt coupon list only if no claim deleted the rebuild's marker meanwhile (a claim deletes the
-- list key, marker or list, atomically with itself on a standalone server).
-- KEYS: 1 list. ARGV: 1 the marker this rebuild set before reading, 2 value, 3 TTL seconds
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
