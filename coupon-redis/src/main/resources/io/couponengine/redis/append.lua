-- Appends one batch of codes, idempotent by offset. KEYS: 1 meta, 2 pool, 3 epool. ARGV: 1 offset, 2.. codes
-- Any status: the first generation (CREATING) and added stock (AVAILABLE, PAUSED) while claims LPOP the pool's
-- head. Codes go to the tail (RPUSH); 'loaded' counts every code ever appended, never the pool's length. A
-- CODE_ENTRY template (meta 'dist') keeps its pool in the sorted set epool, scored by load serial (its offset).
if not redis.call('HGET', KEYS[1], 'status') then
  return redis.error_reply('CE_TEMPLATE_NOT_FOUND template does not exist')
end
local loaded = tonumber(redis.call('HGET', KEYS[1], 'loaded') or '0')
local off = tonumber(ARGV[1])
local n = #ARGV - 1
if off + n <= loaded then return loaded end
if off ~= loaded then
  return redis.error_reply('CE_CONFLICT template has ' .. loaded .. ' codes loaded; a batch at offset ' .. off
    .. ' does not fit')
end
local entry = redis.call('HGET', KEYS[1], 'dist') == 'CODE_ENTRY'
local step = entry and 2499 or 4999 -- ZADD takes two values per code: stay under Lua's unpack limit (8,000)
local i = 2
while i <= #ARGV do
  local j = math.min(i + step, #ARGV)
  if entry then
    local zs = {}
    for k = i, j do
      zs[#zs + 1] = off + k - 1 -- the code's load serial (offset + 1 for the first)
      zs[#zs + 1] = ARGV[k]
    end
    redis.call('ZADD', KEYS[3], unpack(zs))
  else
    redis.call('RPUSH', KEYS[2], unpack(ARGV, i, j))
  end
  i = j + 1
end
return redis.call('HINCRBY', KEYS[1], 'loaded', n)
