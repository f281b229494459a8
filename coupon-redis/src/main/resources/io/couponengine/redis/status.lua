-- Compare-and-set of a template's status. KEYS: 1 meta. ARGV: 1 expected, 2 next, 3 json with the next status
if redis.call('HGET', KEYS[1], 'status') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'json', ARGV[3])
return 1
