-- Binds one entered code of a CODE_ENTRY template to a user, atomically, in the template's slot {t:<id>}.
-- KEYS: 1 meta, 2 epool (codes not yet bound, by load serial), 3 uc, 4 cp, 5 the coupon's expiry bucket, 6 dueb,
--       7 idem, 8 events, 9 (standalone only, another slot) the user's list cache
-- ARGV: 1 userId, 2 perUserLimit, 3 claim record, 4 idempotency TTL seconds, 5 stream MAXLEN, 6 the expiry bucket's
--       start, 7 the code, 8 (optional) the claim window's refusal, as in claim.lua
-- Order (CouponStore.claimCode): idempotency key, status, window, the code (held by this user: DUPLICATE with its
-- record; by another: CODE_TAKEN; not in the pool: CODE_NOT_FOUND), the per-user limit; then everything claim.lua
-- writes, with this code instead of the pool's head. Returns as claim.lua.
local prev = redis.call('GET', KEYS[7])
if prev then
  return {'DUPLICATE', prev, redis.call('HGET', KEYS[4], prev) or ''}
end
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'TEMPLATE_NOT_FOUND'} end
if status ~= 'AVAILABLE' then
  if status == 'PAUSED' then return {'TEMPLATE_PAUSED'} end
  if status == 'EXPIRED' then return {'TEMPLATE_EXPIRED'} end
  return {'TEMPLATE_NOT_READY'}
end
if ARGV[8] then return {ARGV[8]} end
local code = ARGV[7]
if redis.call('HGET', KEYS[1], 'dist') ~= 'CODE_ENTRY' then return {'CODE_NOT_FOUND'} end
local codes = redis.call('HGET', KEYS[3], ARGV[1])
local held = redis.call('HGET', KEYS[4], code)
if held then
  -- held by this user when it is among the user's codes
  if codes and string.find(' ' .. codes .. ' ', ' ' .. code .. ' ', 1, true) then
    return {'DUPLICATE', code, held}
  end
  return {'CODE_TAKEN'}
end
if not redis.call('ZSCORE', KEYS[2], code) then return {'CODE_NOT_FOUND'} end
if codes then
  local _, spaces = string.gsub(codes, ' ', ' ')
  if spaces + 1 >= tonumber(ARGV[2]) then return {'LIMIT_REACHED'} end
end
redis.call('ZREM', KEYS[2], code)
redis.call('HSET', KEYS[4], code, ARGV[3])
redis.call('HSET', KEYS[3], ARGV[1], codes and (codes .. ' ' .. code) or code)
if redis.call('RPUSH', KEYS[5], code) == 1 then redis.call('ZADD', KEYS[6], ARGV[6], ARGV[6]) end
redis.call('SET', KEYS[7], code, 'EX', ARGV[4])
redis.call('XADD', KEYS[8], 'MAXLEN', '~', ARGV[5], '*', 'c', code)
if KEYS[9] then redis.call('DEL', KEYS[9]) end
return {'CLAIMED', code}
