-- Claims for many users of one template (an operator's grant), in the template's slot {t:<id>}: each command
-- exactly as claim.lua, in order, except that its idempotency key is kept for good (SET without EX).
-- KEYS: 1 meta, 2 pool, 3 uc, 4 cp, 5 ids, 6 due, 7 events, then n idempotency keys (one per command), then
--       (standalone only, other slots) n list-cache generation keys, one per command's user
-- ARGV: 1 n, 2 stream MAXLEN, 3 templateId, then 8 values per command: userId, couponId, perUserLimit, record head,
--       record tail, expiresAt millis, claimedAt ISO, the claim window's refusal ('' when none)
-- Returns 2 values per command: the outcome, then the code (CLAIMED), the earlier claim record (DUPLICATE) or ''.
local n, maxlen, tpl = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local gens = #KEYS >= 7 + 2 * n
local status = redis.call('HGET', KEYS[1], 'status')
local refusal
if not status then refusal = 'TEMPLATE_NOT_FOUND'
elseif status == 'PAUSED' then refusal = 'TEMPLATE_PAUSED'
elseif status == 'EXPIRED' then refusal = 'TEMPLATE_EXPIRED'
elseif status ~= 'AVAILABLE' then refusal = 'TEMPLATE_NOT_READY' end
local out = {}
for i = 0, n - 1 do
  local a = 4 + i * 8
  local user, cid, idem = ARGV[a], ARGV[a + 1], KEYS[8 + i]
  local prev = redis.call('GET', idem)
  local outcome, value = nil, ''
  if prev then
    outcome, value = 'DUPLICATE', redis.call('HGET', KEYS[4], prev) or ''
  elseif refusal then
    outcome = refusal
  elseif ARGV[a + 7] ~= '' then
    outcome = ARGV[a + 7]
  else
    local nf = 'n:' .. user
    if tonumber(redis.call('HGET', KEYS[3], nf) or '0') >= tonumber(ARGV[a + 2]) then
      outcome = 'LIMIT_REACHED'
    else
      local code = redis.call('LPOP', KEYS[2])
      if not code then
        outcome = 'SOLD_OUT'
      else
        local rec = ARGV[a + 3] .. code .. ARGV[a + 4]
        redis.call('HSET', KEYS[4], code, rec)
        redis.call('HSET', KEYS[5], cid, code)
        redis.call('HINCRBY', KEYS[3], nf, 1)
        local cf = 'c:' .. user
        local codes = redis.call('HGET', KEYS[3], cf)
        if codes then codes = codes .. ' ' .. code else codes = code end
        redis.call('HSET', KEYS[3], cf, codes)
        redis.call('ZADD', KEYS[6], ARGV[a + 5], code)
        redis.call('SET', idem, code)
        redis.call('XADD', KEYS[7], 'MAXLEN', '~', maxlen, '*', 'id', 'CLAIMED:' .. cid, 'type', 'CLAIMED',
          'at', ARGV[a + 6], 'tpl', tpl, 'user', user, 'coupons', '[' .. rec .. ']')
        if gens then redis.call('INCR', KEYS[8 + n + i]) end
        outcome, value = 'CLAIMED', code
      end
    end
  end
  out[#out + 1] = outcome
  out[#out + 1] = value
end
return out
