-- Claims for many users of one template (an operator's grant), in the template's slot {t:<id>}: each command
-- exactly as claim.lua, in order, except that its idempotency key is kept for good (SET without EX).
-- KEYS: 1 meta, 2 pool, 3 uc, 4 cp, 5 ids, 6 due, 7 events, then n idempotency keys (one per command), then
--       (standalone only, other slots) n list-cache generation keys, one per command's user
-- ARGV: 1 n, 2 stream MAXLEN, 3 templateId, then 8 values per command: userId, couponId, perUserLimit, record head,
--       record tail, expiresAt millis, claimedAt ISO, the claim window's refusal ('' when none)
-- Returns 2 values per command: the outcome, then the code (CLAIMED), the earlier claim record (DUPLICATE) or ''.
-- Reads and writes in bulk (one MGET of the keys, one HMGET of the users' counts and codes, one LPOP of as many
-- codes as the batch takes, one variadic write per structure; XADD and INCR stay per coupon), deciding the commands
-- one by one in between on what the earlier ones of the batch did, so the outcome is the sequential one.
local n, maxlen, tpl = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local gens = #KEYS >= 7 + 2 * n
local status = redis.call('HGET', KEYS[1], 'status')
local refusal
if not status then refusal = 'TEMPLATE_NOT_FOUND'
elseif status == 'PAUSED' then refusal = 'TEMPLATE_PAUSED'
elseif status == 'EXPIRED' then refusal = 'TEMPLATE_EXPIRED'
elseif status ~= 'AVAILABLE' then refusal = 'TEMPLATE_NOT_READY' end
local prevs = redis.call('MGET', unpack(KEYS, 8, 7 + n))
local fields = {}
for i = 0, n - 1 do
  local u = ARGV[4 + i * 8]
  fields[#fields + 1] = 'n:' .. u
  fields[#fields + 1] = 'c:' .. u
end
local current = redis.call('HMGET', KEYS[3], unpack(fields))
local held, codes = {}, {}
for i = 0, n - 1 do
  local u = ARGV[4 + i * 8]
  if held[u] == nil then
    held[u] = tonumber(current[2 * i + 1] or '0')
    codes[u] = current[2 * i + 2] or false
  end
end
local avail = refusal and 0 or redis.call('LLEN', KEYS[2])
local outcome, value, taker = {}, {}, {}
local byKey = {} -- idempotency key -> the command of this batch that claimed with it
local earlier, earlierAt = {}, {}
local takes = 0
for i = 1, n do
  local a = 4 + (i - 1) * 8
  local u, key = ARGV[a], KEYS[7 + i]
  if prevs[i] then
    outcome[i] = 'DUPLICATE'
    earlier[#earlier + 1] = prevs[i]
    earlierAt[#earlierAt + 1] = i
  elseif byKey[key] then
    outcome[i] = 'DUPLICATE'
    taker[i] = byKey[key]
  elseif refusal then
    outcome[i] = refusal
  elseif ARGV[a + 7] ~= '' then
    outcome[i] = ARGV[a + 7]
  elseif held[u] >= tonumber(ARGV[a + 2]) then
    outcome[i] = 'LIMIT_REACHED'
  elseif takes >= avail then
    outcome[i] = 'SOLD_OUT'
  else
    takes = takes + 1
    outcome[i] = 'CLAIMED'
    taker[i] = takes
    held[u] = held[u] + 1
    byKey[key] = takes
  end
end
if #earlier > 0 then
  local recs = redis.call('HMGET', KEYS[4], unpack(earlier))
  for j, i in ipairs(earlierAt) do value[i] = recs[j] or '' end
end
if takes > 0 then
  local popped = redis.call('LPOP', KEYS[2], takes)
  local recs, ids, idems, due, counts = {}, {}, {}, {}, {}
  local recOf = {}
  for i = 1, n do
    if outcome[i] == 'CLAIMED' then
      local a = 4 + (i - 1) * 8
      local u, cid, code = ARGV[a], ARGV[a + 1], popped[taker[i]]
      local rec = ARGV[a + 3] .. code .. ARGV[a + 4]
      recOf[taker[i]] = rec
      value[i] = code
      recs[#recs + 1] = code
      recs[#recs + 1] = rec
      ids[#ids + 1] = cid
      ids[#ids + 1] = code
      idems[#idems + 1] = KEYS[7 + i]
      idems[#idems + 1] = code
      due[#due + 1] = ARGV[a + 5]
      due[#due + 1] = code
      if codes[u] then codes[u] = codes[u] .. ' ' .. code else codes[u] = code end
      counts[u] = true
      redis.call('XADD', KEYS[7], 'MAXLEN', '~', maxlen, '*', 'id', 'CLAIMED:' .. cid, 'type', 'CLAIMED',
        'at', ARGV[a + 6], 'tpl', tpl, 'user', u, 'coupons', '[' .. rec .. ']')
    end
  end
  if gens then
    -- the list-cache generations: one MGET and one MSET of value + claims instead of an INCR per coupon (the
    -- script is atomic, so this is the same as the INCRs)
    local gk, bump = {}, {}
    for i = 1, n do
      if outcome[i] == 'CLAIMED' then
        local k = KEYS[7 + n + i]
        if not bump[k] then gk[#gk + 1] = k end
        bump[k] = (bump[k] or 0) + 1
      end
    end
    local gv = redis.call('MGET', unpack(gk))
    local set = {}
    for j, k in ipairs(gk) do
      set[#set + 1] = k
      set[#set + 1] = tonumber(gv[j] or '0') + bump[k]
    end
    redis.call('MSET', unpack(set))
  end
  local uc = {}
  for u in pairs(counts) do
    uc[#uc + 1] = 'n:' .. u
    uc[#uc + 1] = held[u]
    uc[#uc + 1] = 'c:' .. u
    uc[#uc + 1] = codes[u]
  end
  redis.call('HSET', KEYS[4], unpack(recs))
  redis.call('HSET', KEYS[5], unpack(ids))
  redis.call('HSET', KEYS[3], unpack(uc))
  redis.call('ZADD', KEYS[6], unpack(due))
  redis.call('MSET', unpack(idems))
  for i = 1, n do
    if outcome[i] == 'DUPLICATE' and taker[i] then value[i] = recOf[taker[i]] end
  end
end
local out = {}
for i = 1, n do
  out[#out + 1] = outcome[i]
  out[#out + 1] = value[i] or ''
end
return out
