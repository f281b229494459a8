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
local fresh, f = {}, 0
local i = 2
while i <= #ARGV do
  local j = math.min(i + 4999, #ARGV)
  local seen = redis.call('SMISMEMBER', KEYS[4], unpack(ARGV, i, j))
  for k = 1, j - i + 1 do
    if seen[k] == 0 then
      f = f + 1
      fresh[f] = ARGV[i + k - 1]
    end
  end
  i = j + 1
end
local added = tonumber(redis.call('HGET', KEYS[1], 'added') or '0')
if added + f > tonumber(ARGV[1]) then return {0, added} end
if f == 0 then return {1, 0} end
local entry = redis.call('HGET', KEYS[1], 'dist') == 'CODE_ENTRY'
local loaded = tonumber(redis.call('HGET', KEYS[1], 'loaded') or '0')
local step = entry and 2499 or 3999 -- ZADD takes two values per code: stay under Lua's unpack limit (8,000)
i = 1
while i <= f do
  local j = math.min(i + step, f)
  redis.call('SADD', KEYS[4], unpack(fresh, i, j))
  if entry then
    local zs = {}
    for k = i, j do
      zs[2 * (k - i) + 1] = loaded + k -- the load serial: unique, so the pool pages exactly once by score
      zs[2 * (k - i) + 2] = fresh[k]
    end
    redis.call('ZADD', KEYS[3], unpack(zs))
  else
    redis.call('RPUSH', KEYS[2], unpack(fresh, i, j))
  end
  i = j + 1
end
redis.call('HINCRBY', KEYS[1], 'loaded', f)
redis.call('HINCRBY', KEYS[1], 'added', f)
return {1, f}
