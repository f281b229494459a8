-- Compare-and-set of one entry of the store-wide code index, in the code's bucket slot {c:<bucket>}.
-- KEYS: 1 the bucket's index hash (code -> 'i|<templateId>' imported, 's|<templateId>' a shared code,
--       'p|<templateId>' a shared code whose template insert has not confirmed it yet)
-- ARGV: 1 code, 2 expected value ('' = absent), 3 new value ('' = delete)
-- Returns {1, new value} when set, else {0, current value or ''} and nothing changes.
local cur = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if cur ~= ARGV[2] then return {0, cur} end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
return {1, ARGV[3]}
