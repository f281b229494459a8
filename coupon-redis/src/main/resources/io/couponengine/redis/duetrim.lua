-- Removes the codes an expiry sweep is done with from one expiry bucket, if the bucket still holds what the sweep
-- read (compare-and-set: two sweepers never remove each other's unread codes), in the template's slot.
-- KEYS: 1 the bucket (list), 2 dueb. ARGV: 1 the bucket's start, 2 offset of the page read, 3 n (page length),
--       then the n codes read, then n flags ('1' keep: RESERVED or not due yet; '0' done)
-- The codes before the page and the kept ones go back to the head in their order; a bucket left empty leaves dueb.
-- Returns 1, or 0 when the bucket changed under the page (the sweep reads it again).
local off, n = tonumber(ARGV[2]), tonumber(ARGV[3])
if n > 0 then
  local cur = redis.call('LRANGE', KEYS[1], 0, off + n - 1)
  if #cur < off + n then return 0 end
  for i = 1, n do
    if cur[off + i] ~= ARGV[3 + i] then return 0 end
  end
  local back = {}
  for i = off + n, off + 1, -1 do
    if ARGV[3 + n + i - off] == '1' then back[#back + 1] = cur[i] end
  end
  for i = off, 1, -1 do back[#back + 1] = cur[i] end
  redis.call('LTRIM', KEYS[1], off + n, -1)
  if #back > 0 then redis.call('LPUSH', KEYS[1], unpack(back)) end
end
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[1]) end
return 1
