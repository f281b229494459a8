-- The template's code-permutation key, stored once: the first proposal wins. KEYS: 1 meta. ARGV: 1 proposed key
if not redis.call('HGET', KEYS[1], 'status') then
  return redis.error_reply('CE_TEMPLATE_NOT_FOUND template does not exist')
end
redis.call('HSETNX', KEYS[1], 'key', ARGV[1])
return redis.call('HGET', KEYS[1], 'key')
