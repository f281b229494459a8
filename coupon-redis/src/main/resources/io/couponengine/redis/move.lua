-- Moves codes between two sub-pools of a sharded template (see Shards), in three steps, each in one slot, so that a
-- process dying between any two loses and duplicates no code:
--  take  (donor's slot)    KEYS: 1 donor pool, 2 donor moves hash, 3 donor state hash.
--        ARGV: 2 receiver index, 3 donor index, 4 smallest batch, 5 largest batch.
--        Pops half the donor's pool (within the bounds, at most all of it) into a move record, atomically: the codes
--        are in the record or in the pool, never in neither. Answers {n, move id, record} ({0} when the donor is
--        empty): the record itself, since another engine may finish and delete it before the caller reads it.
--  apply (receiver's slot) KEYS: 1 receiver pool, 2 receiver's applied move ids, 3 receiver state hash.
--        ARGV: 2 move id, 3 the codes, space separated.
--        Appends the record's codes to the receiver's pool unless this move id was applied already (idempotent: the
--        id stays in the set for good, so even an apply arriving after the record was deleted is a no-op).
--  done  (donor's slot)    KEYS: 1 donor moves hash. ARGV: 2 move id. Deletes the record (after its apply).
local op = ARGV[1]
if op == 'take' then
  local n = redis.call('LLEN', KEYS[1])
  if n == 0 then return {0} end
  local b = math.floor(n / 2)
  if b < tonumber(ARGV[4]) then b = tonumber(ARGV[4]) end
  if b > tonumber(ARGV[5]) then b = tonumber(ARGV[5]) end
  if b > n then b = n end
  local codes = redis.call('LPOP', KEYS[1], b)
  local id = ARGV[3] .. '.' .. redis.call('HINCRBY', KEYS[3], 'mvseq', 1)
  local record = ARGV[2] .. '|' .. table.concat(codes, ' ')
  redis.call('HSET', KEYS[2], id, record)
  return {#codes, id, record}
elseif op == 'apply' then
  if redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 1 then return 0 end
  local codes = {}
  for c in string.gmatch(ARGV[3], '%S+') do codes[#codes + 1] = c end
  local i = 1
  while i <= #codes do
    local j = math.min(i + 4999, #codes) -- stay under Lua's unpack limit (8,000)
    redis.call('RPUSH', KEYS[1], unpack(codes, i, j))
    i = j + 1
  end
  redis.call('SADD', KEYS[2], ARGV[2])
  redis.call('HINCRBY', KEYS[3], 'mvin', 1)
  return #codes
elseif op == 'done' then
  return redis.call('HDEL', KEYS[1], ARGV[2])
end
return redis.error_reply('unknown operation ' .. tostring(op))
