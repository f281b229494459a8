-- An import in one script, on a standalone server only (the code index's buckets and the template are in different
-- slots, which only a standalone server lets one script touch): indexes and pools a batch atomically, all or none,
-- the new codes appended in the order given.
-- KEYS: 1 meta, 2 pool (list, CLAIM), 3 epool (sorted set by load serial, CODE_ENTRY), 4 imp, 5.. the code index
--       buckets of the batch
-- ARGV: 1 the most 'added' may reach, 2 templateId, 3 each code's position in the order given (0-based), two bytes
--       per code (high * 128 + low), in the order the codes follow, then per bucket key (KEYS[5..] in order): the
--       number of its codes, then the codes
-- An index entry 'i|T' is written here together with the pooling, so it means pooled: skipped without looking
-- further. 'n|T' (step 1 of a two-step import, see index.lua) means pooled only if in imp, as import.lua decides.
-- Absent: indexed and pooled now. Anything else: another template's or a shared code, skipped.
-- Returns {1, codes added} or {0, added count} when the total would pass the maximum (nothing changed).
if not redis.call('HGET', KEYS[1], 'status') then
  return redis.error_reply('CE_TEMPLATE_NOT_FOUND template does not exist')
end
local done, half, order = 'i|' .. ARGV[2], 'n|' .. ARGV[2], ARGV[3]
local n = #order / 2
local new = {}
for p = 1, n do new[p] = false end -- the array part, filled in place below
local sets, ss = {}, {}           -- per bucket the index writes
local maybe, mq, mb, m = {}, {}, {}, 0
local a, q = 4, 0
for b = 5, #KEYS do
  local cnt = tonumber(ARGV[a])
  local set, s = {}, 0
  local i = a + 1
  while i <= a + cnt do
    local j = math.min(i + 3999, a + cnt)
    local cur = redis.call('HMGET', KEYS[b], unpack(ARGV, i, j))
    for k = 1, j - i + 1 do
      q = q + 1
      local v = cur[k]
      if not v then
        local hi, lo = string.byte(order, 2 * q - 1, 2 * q)
        new[hi * 128 + lo + 1] = ARGV[i + k - 1]
        set[s + 1] = ARGV[i + k - 1]
        set[s + 2] = done
        s = s + 2
      elseif v == half then
        m = m + 1
        maybe[m] = ARGV[i + k - 1]
        mq[m] = q
        mb[m] = b
      end
    end
    i = j + 1
  end
  sets[b] = set
  ss[b] = s
  a = a + cnt + 1
end
local c = 1
while c <= m do
  local d = math.min(c + 3999, m)
  local seen = redis.call('SMISMEMBER', KEYS[4], unpack(maybe, c, d))
  for k = c, d do
    if seen[k - c + 1] == 0 then
      -- pooled here: its entry becomes 'i|T' with the others
      local hi, lo = string.byte(order, 2 * mq[k] - 1, 2 * mq[k])
      new[hi * 128 + lo + 1] = maybe[k]
      local b = mb[k]
      sets[b][ss[b] + 1] = maybe[k]
      sets[b][ss[b] + 2] = done
      ss[b] = ss[b] + 2
    end
  end
  c = d + 1
end
local fresh, f = {}, 0
for p = 1, n do
  if new[p] then
    f = f + 1
    fresh[f] = new[p]
  end
end
local added = tonumber(redis.call('HGET', KEYS[1], 'added') or '0')
if added + f > tonumber(ARGV[1]) then return {0, added} end
if f == 0 then return {1, 0} end
for b = 5, #KEYS do
  local i = 1
  while i <= ss[b] do
    local j = math.min(i + 3999, ss[b])
    redis.call('HSET', KEYS[b], unpack(sets[b], i, j))
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
