-- One claim, atomically, in the template's slot {t:<id>}.
-- KEYS: 1 meta, 2 pool, 3 uc (per-user counts "n:<u>" and codes "c:<u>"), 4 cp (code -> claim record),
--       5 ids (coupon id -> code), 6 due (code by expiry millis), 7 idem (this user's idempotency key), 8 events,
--       9 (standalone only, another slot) the user's list-cache generation, bumped on a new coupon
-- ARGV: 1 userId, 2 couponId, 3 perUserLimit, 4 record head (JSON up to the code), 5 record tail,
--       6 expiresAt millis, 7 idempotency TTL seconds, 8 stream MAXLEN, 9 claimedAt ISO, 10 templateId,
--       11 (only when the claim instant is outside the template's claim window) the refusal, NOT_STARTED or
--          CLAIM_CLOSED: a pure function of the command (ClaimCommand.windowRefusal(), exact to the nanosecond),
--          decided by the caller and applied here, after the idempotency key and the status
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
if ARGV[11] then return {ARGV[11]} end
local nf = 'n:' .. ARGV[1]
local held = tonumber(redis.call('HGET', KEYS[3], nf) or '0')
if held >= tonumber(ARGV[3]) then return {'LIMIT_REACHED'} end
local code = redis.call('LPOP', KEYS[2])
if not code then return {'SOLD_OUT'} end
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
