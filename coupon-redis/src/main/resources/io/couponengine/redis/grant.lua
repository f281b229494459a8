-- Claims for many users of one template (an operator's grant), in the template's slot {t:<id>}: each command
-- exactly as claim.lua, in order, except that its idempotency key is kept for good (SET without EX).
-- KEYS: 1 meta, 2 pool, 3 uc, 4 cp, 5 dueb, 6 events, then n idempotency keys (one per command), then n expiry
--       bucket keys (one per command), then (standalone only, other slots) n list-cache keys, one per command's user
-- ARGV: 1 n, 2 stream MAXLEN, then 5 values per command: userId, perUserLimit, claim record, the expiry bucket's
--       start, the claim window's refusal ('' when none)
-- Returns 3 values per command: the outcome, the code (CLAIMED, DUPLICATE) or '', the earlier claim record
-- (DUPLICATE) or ''.
-- Reads and writes in bulk (one MGET of the keys, one HMGET of the users' codes, one LPOP of as many codes as the
-- batch takes, one variadic write per structure; XADD stays per coupon), deciding the commands one by one in
-- between on what the earlier ones of the batch did, so the outcome is the sequential one.
local n, maxlen = tonumber(ARGV[1]), ARGV[2]
local lists = #KEYS >= 6 + 3 * n
local status = redis.call('HGET', KEYS[1], 'status')
local refusal
if not status then refusal = 'TEMPLATE_NOT_FOUND'
elseif status == 'PAUSED' then refusal = 'TEMPLATE_PAUSED'
elseif status == 'EXPIRED' then refusal = 'TEMPLATE_EXPIRED'
elseif status ~= 'AVAILABLE' then refusal = 'TEMPLATE_NOT_READY' end
local prevs = redis.call('MGET', unpack(KEYS, 7, 6 + n))
local users = {}
for i = 0, n - 1 do users[#users + 1] = ARGV[3 + i * 5] end
local current = redis.call('HMGET', KEYS[3], unpack(users))
local held, codes = {}, {}
for i = 1, n do
  local u = users[i]
  if held[u] == nil then
    local c = current[i]
    if c then
      local _, spaces = string.gsub(c, ' ', ' ')
      held[u] = spaces + 1
    else
      held[u] = 0
    end
    codes[u] = c or false
  end
end
local avail = refusal and 0 or redis.call('LLEN', KEYS[2])
local outcome, value, record, taker = {}, {}, {}, {}
local byKey = {} -- idempotency key -> the command of this batch that claimed with it
local earlier, earlierAt = {}, {}
local takes = 0
for i = 1, n do
  local a = 3 + (i - 1) * 5
  local u, key = ARGV[a], KEYS[6 + i]
  if prevs[i] then
    outcome[i] = 'DUPLICATE'
    earlier[#earlier + 1] = prevs[i]
    earlierAt[#earlierAt + 1] = i
  elseif byKey[key] then
    outcome[i] = 'DUPLICATE'
    taker[i] = byKey[key]
  elseif refusal then
    outcome[i] = refusal
  elseif ARGV[a + 4] ~= '' then
    outcome[i] = ARGV[a + 4]
  elseif held[u] >= tonumber(ARGV[a + 1]) then
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
  for j, i in ipairs(earlierAt) do
    value[i] = prevs[i]
    record[i] = recs[j] or ''
  end
end
if takes > 0 then
  local popped = redis.call('LPOP', KEYS[2], takes)
  local recs, idems, dels, uc = {}, {}, {}, {}
  local due, dueOrder, dueStart = {}, {}, {}
  local recOf, codeOf, changed = {}, {}, {}
  for i = 1, n do
    if outcome[i] == 'CLAIMED' then
      local a = 3 + (i - 1) * 5
      local u, code = ARGV[a], popped[taker[i]]
      recOf[taker[i]] = ARGV[a + 2]
      codeOf[taker[i]] = code
      value[i] = code
      recs[#recs + 1] = code
      recs[#recs + 1] = ARGV[a + 2]
      idems[#idems + 1] = KEYS[6 + i]
      idems[#idems + 1] = code
      local dk = KEYS[6 + n + i]
      if not due[dk] then
        due[dk] = {}
        dueOrder[#dueOrder + 1] = dk
        dueStart[dk] = ARGV[a + 3]
      end
      table.insert(due[dk], code)
      if codes[u] then codes[u] = codes[u] .. ' ' .. code else codes[u] = code end
      if not changed[u] then
        changed[u] = true
        if lists then dels[#dels + 1] = KEYS[6 + 2 * n + i] end
      end
      redis.call('XADD', KEYS[6], 'MAXLEN', '~', maxlen, '*', 'c', code)
    end
  end
  for u in pairs(changed) do
    uc[#uc + 1] = u
    uc[#uc + 1] = codes[u]
  end
  redis.call('HSET', KEYS[4], unpack(recs))
  redis.call('HSET', KEYS[3], unpack(uc))
  for _, dk in ipairs(dueOrder) do
    if redis.call('RPUSH', dk, unpack(due[dk])) == #due[dk] then
      redis.call('ZADD', KEYS[5], dueStart[dk], dueStart[dk])
    end
  end
  redis.call('MSET', unpack(idems))
  -- standalone: the served users' list caches, deleted atomically with the claims (one variadic DEL)
  if #dels > 0 then redis.call('DEL', unpack(dels)) end
  for i = 1, n do
    if outcome[i] == 'DUPLICATE' and taker[i] then
      value[i] = codeOf[taker[i]]
      record[i] = recOf[taker[i]]
    end
  end
end
local out = {}
for i = 1, n do
  out[#out + 1] = outcome[i]
  out[#out + 1] = value[i] or ''
  out[#out + 1] = record[i] or ''
end
return out
