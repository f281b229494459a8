-- An import in one script, on a standalone server only (the code index's buckets and the template are in different
-- slots, which only a standalone server lets one script touch): indexes and pools a batch atomically, all or none.
-- KEYS: 1 meta, 2 pool (list, CLAIM), 3 epool (sorted set by load serial, CODE_ENTRY), 4 imp, 5.. the code index
--       buckets of the batch
-- ARGV: 1 the most 'added' may reach, 2 templateId, then per bucket key (KEYS[5..] in order): the number of its
--       codes, then the codes
-- An index entry 'i|T' is written here together with the pooling, so it means pooled: skipped without looking
-- further. 'n|T' (step 1 of a two-step import, see index.lua) means pooled only if in imp, as import.lua decides.
-- Absent: indexed and pooled now. Anything else: another template's or a shared code, skipped.
-- Returns {1, codes added} or {0, added count} when the total would pass the maximum (nothing changed).
if not redis.call('HGET', KEYS[1], 'status') then
  return redis.error_reply('CE_TEMPLATE_NOT_FOUND template does not exist')
end
local done, half = 'i|' .. ARGV[2], 'n|' .. ARGV[2]
local fresh, f = {}, 0           -- codes to pool, in the order given per bucket
local sets, maybe, m = {}, {}, 0 -- per bucket the index writes; codes of a two-step import to check against imp
local maybeAt = {}
local a = 3
for b = 5, #KEYS do
  local n = tonumber(ARGV[a])
  local set, s = {}, 0
  local i = a + 1
  while i <= a + n do
    local j = math.min(i + 3999, a + n)
    local cur = redis.call('HMGET', KEYS[b], unpack(ARGV, i, j))
    for k = 1, j - i + 1 do
      local v = cur[k]
      if not v then
        f = f + 1
        fresh[f] = ARGV[i + k - 1]
        set[s + 1] = ARGV[i + k - 1]
        set[s + 2] = done
        s = s + 2
      elseif v == half then
        m = m + 1
        maybe[m] = ARGV[i + k - 1]
        maybeAt[m] = b
      end
    end
    i = j + 1
  end
  sets[b] = {set, s}
  a = a + n + 1
end
local c = 1
while c <= m do
  local d = math.min(c + 3999, m)
  local seen = redis.call('SMISMEMBER', KEYS[4], unpack(maybe, c, d))
  for k = c, d do
    if seen[k - c + 1] == 0 then
      f = f + 1
      fresh[f] = maybe[k]
      local e = sets[maybeAt[k]]
      e[1][e[2] + 1] = maybe[k]
      e[1][e[2] + 2] = done
      e[2] = e[2] + 2
    end
  end
  c = d + 1
end
local added = tonumber(redis.call('HGET', KEYS[1], 'added') or '0')
if added + f > tonumber(ARGV[1]) then return {0, added} end
if f == 0 then return {1, 0} end
for b = 5, #KEYS do
  local e = sets[b]
  local i = 1
  while i <= e[2] do
    local j = math.min(i + 3999, e[2])
    redis.call('HSET', KEYS[b], unpack(e[1], i, j))
    i = j + 1
  end
end
local entry = redis.call('HGET', KEYS[1], 'dist') == 'CODE_ENTRY'
local loaded = tonumber(redis.call('HGET', KEYS[1], 'loaded') or '0')
local step = entry and 2499 or 4999 -- ZADD takes two values per code: stay under Lua's unpack limit (8,000)
local i = 1
while i <= f do
  local j = math.min(i + step, f)
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
