-- One claim, atomically, in the template's slot {t:<id>}.
-- KEYS: 1 meta, 2 pool, 3 uc (user -> the user's codes, space separated), 4 cp (code -> claim record),
--       5 the expiry bucket of this claim's coupon (list of codes), 6 dueb (bucket starts), 7 idem (this user's
--       idempotency key), 8 events,
--       9 (standalone only, another slot) the user's list cache, deleted on a new coupon
-- ARGV: 1 userId, 2 perUserLimit, 3 claim record (CouponRecord: everything but the code), 4 idempotency TTL
--       seconds, 5 stream MAXLEN, 6 the expiry bucket's start,
--       7 (only when the claim instant is outside the template's claim window) the refusal, NOT_STARTED or
--          CLAIM_CLOSED: a pure function of the command (ClaimCommand.windowRefusal(), exact to the nanosecond),
--          decided by the caller and applied here, after the idempotency key and the status
-- Returns {outcome} or {CLAIMED, code} or {DUPLICATE, code, the earlier claim record}.
local prev = redis.call('GET', KEYS[7])
if prev then
  return {'DUPLICATE', prev, redis.call('HGET', KEYS[4], prev) or ''}
end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'AVAILABLE' then
  if not status then return {'TEMPLATE_NOT_FOUND'} end
  if status == 'PAUSED' then return {'TEMPLATE_PAUSED'} end
  if status == 'EXPIRED' then return {'TEMPLATE_EXPIRED'} end
  return {'TEMPLATE_NOT_READY'}
end
if ARGV[7] then return {ARGV[7]} end
-- the user's codes are the count: one HGET and one HSET do what a counter and a code list did in two fields each
local codes = redis.call('HGET', KEYS[3], ARGV[1])
if codes then
  local _, spaces = string.gsub(codes, ' ', ' ')
  if spaces + 1 >= tonumber(ARGV[2]) then return {'LIMIT_REACHED'} end
end
local code = redis.call('LPOP', KEYS[2])
if not code then return {'SOLD_OUT'} end
redis.call('HSET', KEYS[4], code, ARGV[3])
redis.call('HSET', KEYS[3], ARGV[1], codes and (codes .. ' ' .. code) or code)
if redis.call('RPUSH', KEYS[5], code) == 1 then redis.call('ZADD', KEYS[6], ARGV[6], ARGV[6]) end
redis.call('SET', KEYS[7], code, 'EX', ARGV[4])
-- the event names the code; the consumer reads the claim record (immutable) beside it
redis.call('XADD', KEYS[8], 'MAXLEN', '~', ARGV[5], '*', 'c', code)
if KEYS[9] then redis.call('DEL', KEYS[9]) end
return {'CLAIMED', code}
