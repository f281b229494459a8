-- The status and bookkeeping of a sharded template's sub-pools (see Shards). One slot per call.
-- ARGV[1] is the operation:
--  init  KEYS: 1 the shard's state hash, 2 (shards 1..k-1) the shard's meta. ARGV: 2 the template's status.
--        Creates what a shard needs if absent (never overwrites: a late init after a status change changes nothing).
--  cas   KEYS: 1 the template's meta (shard 0). ARGV: 2 expected status, 3 next status, 4 JSON with the next status.
--        status.lua's compare-and-set plus a version (meta field 'sv', +1 per change), so shards apply changes in
--        order. Answers {1|0, version, current status}: a refused CAS still answers the current pair, so the caller
--        can propagate it (repairing shards a caller that died after its CAS left behind).
--  set   KEYS: 1 the shard's meta, 2 the shard's state hash. ARGV: 2 status, 3 version. Applies a status only when
--        its version is newer than the shard's, so two changes propagated concurrently end in the newer one.
--  raise KEYS: 1 the template's meta. ARGV: 2 a loaded count. Raises 'loaded' to it (never lowers); answers it.
local op = ARGV[1]
if op == 'init' then
  redis.call('HSETNX', KEYS[1], 'status', 'SHARD')
  if KEYS[2] then
    redis.call('HSETNX', KEYS[2], 'status', ARGV[2])
    redis.call('HSETNX', KEYS[2], 'sv', '0')
  end
  return 1
elseif op == 'cas' then
  local cur = redis.call('HGET', KEYS[1], 'status')
  if not cur then return {0, 0, ''} end
  if cur ~= ARGV[2] then
    return {0, tonumber(redis.call('HGET', KEYS[1], 'sv') or '0'), cur}
  end
  redis.call('HSET', KEYS[1], 'status', ARGV[3], 'json', ARGV[4])
  return {1, redis.call('HINCRBY', KEYS[1], 'sv', 1), ARGV[3]}
elseif op == 'set' then
  redis.call('HSETNX', KEYS[2], 'status', 'SHARD')
  local v = tonumber(redis.call('HGET', KEYS[1], 'sv') or '-1')
  if v >= tonumber(ARGV[3]) then return 0 end
  redis.call('HSET', KEYS[1], 'status', ARGV[2], 'sv', ARGV[3])
  return 1
elseif op == 'raise' then
  if not redis.call('HGET', KEYS[1], 'status') then
    return redis.error_reply('CE_TEMPLATE_NOT_FOUND template does not exist')
  end
  local n = tonumber(ARGV[2])
  local loaded = tonumber(redis.call('HGET', KEYS[1], 'loaded') or '0')
  if loaded >= n then return loaded end
  redis.call('HSET', KEYS[1], 'loaded', n)
  return n
end
return redis.error_reply('unknown operation ' .. tostring(op))
