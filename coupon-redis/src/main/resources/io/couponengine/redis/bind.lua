-- Binds one entered code of a CODE_ENTRY template to a user, atomically, in the template's slot {t:<id>}.
-- KEYS: 1 meta, 2 epool (codes not yet bound, by load serial), 3 uc, 4 cp, 5 ids, 6 due, 7 idem, 8 events,
--       9 (standalone only, another slot) the user's list-cache generation
-- ARGV: 1 userId, 2 couponId, 3 perUserLimit, 4 record head, 5 record tail, 6 expiresAt millis, 7 idempotency TTL
--       seconds, 8 stream MAXLEN, 9 claimedAt ISO, 10 templateId, 11 the code, 12 (optional) the claim window's
--       refusal, as in claim.lua
-- Order (CouponStore.claimCode): idempotency key, status, window, the code (held by this user: DUPLICATE with its
-- record; by another: CODE_TAKEN; not in the pool: CODE_NOT_FOUND), the per-user limit; then everything claim.lua
-- writes, with this code instead of the pool's head.
local prev = redis.call('GET', KEYS[7])
if prev then
  return {'DUPLICATE', redis.call('HGET', KEYS[4], prev) or ''}
end
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'TEMPLATE_NOT_FOUND'} end
if status ~= 'AVAILABLE' then
  if status == 'PAUSED' then return {'TEMPLATE_PAUSED'} end
  if status == 'EXPIRED' then return {'TEMPLATE_EXPIRED'} end
  return {'TEMPLATE_NOT_READY'}
end
if ARGV[12] then return {ARGV[12]} end
local code = ARGV[11]
if redis.call('HGET', KEYS[1], 'dist') ~= 'CODE_ENTRY' then return {'CODE_NOT_FOUND'} end
local held = redis.call('HGET', KEYS[4], code)
if held then
  if cjson.decode(held).userId == ARGV[1] then return {'DUPLICATE', held} end
  return {'CODE_TAKEN'}
end
if not redis.call('ZSCORE', KEYS[2], code) then return {'CODE_NOT_FOUND'} end
local nf = 'n:' .. ARGV[1]
if tonumber(redis.call('HGET', KEYS[3], nf) or '0') >= tonumber(ARGV[3]) then return {'LIMIT_REACHED'} end
redis.call('ZREM', KEYS[2], code)
local rec = ARGV[4] .. code .. ARGV[5]
redis.call('HSET', KEYS[4], code, rec)
redis.call('HSET', KEYS[5], ARGV[2], code)
redis.call('HINCRBY', KEYS[3], nf, 1)
local cf = 'c:' .. ARGV[1]
local codes = redis.call('HGET', KEYS[3], cf)
if codes then codes = codes .. ' ' .. code else codes = code end
redis.call('HSET', KEYS[3], cf, codes)
redis.call('ZADD', KEYS[6], ARGV[6], code)
redis.call('SET', KEYS[7], code, 'EX', ARGV[7])
redis.call('XADD', KEYS[8], 'MAXLEN', '~', ARGV[8], '*', 'id', 'CLAIMED:' .. ARGV[2], 'type', 'CLAIMED',
  'at', ARGV[9], 'tpl', ARGV[10], 'user', ARGV[1], 'coupons', '[' .. rec .. ']')
if KEYS[9] then redis.call('INCR', KEYS[9]) end
return {'CLAIMED', rec}
