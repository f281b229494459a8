-- Writes a user's rebuilt coupon list only if no claim bumped the generation meanwhile.
-- KEYS: 1 gen, 2 list. ARGV: 1 generation read before the rebuild ('' = none), 2 value, 3 TTL seconds
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return 1
