-- Stores a new template unless its id is taken. KEYS: 1 meta. ARGV: 1 json, 2 status, 3 added count,
-- 4 (optional) 'CODE_ENTRY' for a template whose codes are bound by entry: the field 'dist' tells the scripts that
-- load codes (append, import) and bind them to keep its pool in the sorted set 'epool' instead of the list 'pool'
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'status', ARGV[2], 'loaded', 0, 'added', ARGV[3])
if ARGV[4] then redis.call('HSET', KEYS[1], 'dist', ARGV[4]) end
return 1
