-- Step 2 of an import, in the template's slot {t:<id>}: pools the codes step 1 indexed to this template.
-- KEYS: 1 meta, 2 pool (list, CLAIM), 3 epool (sorted set by load serial, CODE_ENTRY), 4 imp (every code ever
--       imported into the template)
-- ARGV: 1 the most 'added' may reach (MAX_TOTAL_COUNT - the spec's total; immutable), 2.. codes
-- A code already in imp was pooled by an earlier run (and may have been issued since): skipped, so a re-run never
-- pools a code twice, while a code step 1 indexed in a run that died before this step is pooled now.
-- Returns {1, codes added} or {0, added count} when the total would pass the maximum (nothing changed).
if not redis.call('HGET', KEYS[1], 'status') then
  return redis.error_reply('CE_TEMPLATE_NOT_FOUND template does not exist')
end
local fresh = {}
local i = 2
while i <= #ARGV do
  local j = math.min(i + 4999, #ARGV)
  local seen = redis.call('SMISMEMBER', KEYS[4], unpack(ARGV, i, j))
  for k = 1, j - i + 1 do
    if seen[k] == 0 then fresh[#fresh + 1] = ARGV[i + k - 1] end
  end
  i = j + 1
end
local added = tonumber(redis.call('HGET', KEYS[1], 'added') or '0')
if added + #fresh > tonumber(ARGV[1]) then return {0, added} end
if #fresh == 0 then return {1, 0} end
local entry = redis.call('HGET', KEYS[1], 'dist') == 'CODE_ENTRY'
local loaded = tonumber(redis.call('HGET', KEYS[1], 'loaded') or '0')
i = 1
while i <= #fresh do
  local j = math.min(i + 2499, #fresh)
  redis.call('SADD', KEYS[4], unpack(fresh, i, j))
  if entry then
    local zs = {}
    for k = i, j do
      zs[#zs + 1] = loaded + k -- the load serial: unique, so the pool pages exactly once by score
      zs[#zs + 1] = fresh[k]
    end
    redis.call('ZADD', KEYS[3], unpack(zs))
  else
    redis.call('RPUSH', KEYS[2], unpack(fresh, i, j))
  end
  i = j + 1
end
redis.call('HINCRBY', KEYS[1], 'loaded', #fresh)
redis.call('HINCRBY', KEYS[1], 'added', #fresh)
return {1, #fresh}
