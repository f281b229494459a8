-- Adds to a template's added count (count 0 only reads) and answers the codes loaded. KEYS: 1 meta.
-- ARGV: 1 count, 2 the most the added count may reach (MAX_TOTAL_COUNT - the spec's total; immutable)
-- Reply: {1, loaded}, or {0, added} when the total would pass the maximum (nothing changed)
if not redis.call('HGET', KEYS[1], 'status') then
  return redis.error_reply('CE_TEMPLATE_NOT_FOUND template does not exist')
end
local n = tonumber(ARGV[1])
if n > 0 then
  local added = tonumber(redis.call('HGET', KEYS[1], 'added') or '0')
  if added + n > tonumber(ARGV[2]) then return {0, added} end
  redis.call('HINCRBY', KEYS[1], 'added', n)
end
return {1, tonumber(redis.call('HGET', KEYS[1], 'loaded') or '0')}
