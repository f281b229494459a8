-- Stores a new template unless its id is taken. KEYS: 1 meta. ARGV: 1 json, 2 status, 3 added count
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'status', ARGV[2], 'loaded', 0, 'added', ARGV[3])
return 1
