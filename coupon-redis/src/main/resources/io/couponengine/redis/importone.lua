-- An import in one script, on a standalone server only (the code index's buckets and the template are in different
-- slots, which only a standalone server lets one script touch): indexes and pools a batch atomically, all or none,
-- the new codes appended in the order given.
-- KEYS: 1 meta, 2 pool (list, CLAIM), 3 epool (sorted set by load serial, CODE_ENTRY), 4 imp, then the 64 code index
--       buckets in order (KEYS[5 + b] is bucket b)
-- ARGV: 1 the most 'added' may reach, 2 templateId, 3 each code's bucket, one character per code (48 + b), 4.. codes
-- An index entry 'i|T' is written here together with the pooling, so it means pooled: skipped without looking
-- further. 'n|T' (step 1 of a two-step import, see index.lua) means pooled only if in imp, as import.lua decides.
-- Absent: indexed and pooled now. Anything else: another template's or a shared code, skipped.
-- Returns {1, codes added} or {0, added count} when the total would pass the maximum (nothing changed).
if not redis.call('HGET', KEYS[1], 'status') then
  return redis.error_reply('CE_TEMPLATE_NOT_FOUND template does not exist')
end
local done, half, where = 'i|' .. ARGV[2], 'n|' .. ARGV[2], ARGV[3]
local n = #ARGV - 3
-- group the codes' positions by bucket
local groups, sizes = {}, {}
for p = 1, n do
  local b = string.byte(where, p) - 47
  local g = groups[b]
  if not g then
    g = {}
    groups[b] = g
    sizes[b] = 0
  end
  sizes[b] = sizes[b] + 1
  g[sizes[b]] = p
end
-- each code's state: true (new: pool it), 'n' (a two-step import's entry: check imp), nil (skip)
local state = {}
local maybe, m = {}, 0
for b, g in pairs(groups) do
  local s = 1
  while s <= sizes[b] do
    local e = math.min(s + 3999, sizes[b])
    local codes = {}
    for k = s, e do codes[k - s + 1] = ARGV[3 + g[k]] end
    local cur = redis.call('HMGET', KEYS[4 + b], unpack(codes))
    for k = s, e do
      local v = cur[k - s + 1]
      if not v then
        state[g[k]] = true
      elseif v == half then
        m = m + 1
        maybe[m] = g[k]
      end
    end
    s = e + 1
  end
end
local c = 1
while c <= m do
  local d = math.min(c + 3999, m)
  local codes = {}
  for k = c, d do codes[k - c + 1] = ARGV[3 + maybe[k]] end
  local seen = redis.call('SMISMEMBER', KEYS[4], unpack(codes))
  for k = c, d do
    if seen[k - c + 1] == 0 then state[maybe[k]] = true end
  end
  c = d + 1
end
local fresh, f = {}, 0
for p = 1, n do
  if state[p] then
    f = f + 1
    fresh[f] = ARGV[3 + p]
  end
end
local added = tonumber(redis.call('HGET', KEYS[1], 'added') or '0')
if added + f > tonumber(ARGV[1]) then return {0, added} end
if f == 0 then return {1, 0} end
-- index writes per bucket (HSET also turns an 'n|T' entry pooled here into 'i|T')
local writes, ws = {}, {}
for p = 1, n do
  if state[p] then
    local b = string.byte(where, p) - 47
    local w = writes[b]
    if not w then
      w = {}
      writes[b] = w
      ws[b] = 0
    end
    w[ws[b] + 1] = ARGV[3 + p]
    w[ws[b] + 2] = done
    ws[b] = ws[b] + 2
  end
end
for b, w in pairs(writes) do
  local i = 1
  while i <= ws[b] do
    local j = math.min(i + 3999, ws[b])
    redis.call('HSET', KEYS[4 + b], unpack(w, i, j))
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
