-- Step 1 of an import, in one code bucket's slot {c:<bucket>}: indexes codes to a template.
-- KEYS: 1 the bucket's index hash. ARGV: 1 op ('+' index, '-' take back), 2 value ('n|<templateId>': indexed,
--       pooled only if in the template's imp), 3.. codes
-- '+': each absent code gets the value (HMGET then HSET in one script: HSETNX for a chunk at a time). Returns one
--      character per code: '2' indexed by this call, '1' already indexed so to this template (an earlier run,
--      perhaps one that died before step 2), '0' another template's, a shared code, or one importone.lua indexed
--      and pooled ('i|<templateId>') (skipped).
-- '-': deletes the codes whose value is still ARGV[2] (an import refused by the total takes back what it indexed).
-- (Counters rather than #t: the length operator is a search in Lua 5.1.)
local op, mine, out, o = ARGV[1], ARGV[2], {}, 0
local i = 3
while i <= #ARGV do
  local j = math.min(i + 1999, #ARGV) -- HSET gets two values per code: stay under Lua's unpack limit (8,000)
  local cur = redis.call('HMGET', KEYS[1], unpack(ARGV, i, j))
  local set, s = {}, 0
  for k = 1, j - i + 1 do
    local v = cur[k]
    if op == '-' then
      if v == mine then
        s = s + 1
        set[s] = ARGV[i + k - 1]
      end
    elseif not v then
      set[s + 1] = ARGV[i + k - 1]
      set[s + 2] = mine
      s = s + 2
      o = o + 1
      out[o] = '2'
    else
      o = o + 1
      out[o] = v == mine and '1' or '0'
    end
  end
  if s > 0 then
    if op == '-' then redis.call('HDEL', KEYS[1], unpack(set, 1, s)) else redis.call('HSET', KEYS[1], unpack(set, 1, s)) end
  end
  i = j + 1
end
return table.concat(out)
