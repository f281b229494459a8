-- A user's failed code entries in one fixed window, in the user's slot {u:<bucket>}.
-- KEYS: 1 the user's counter of this window (its key names the window). ARGV: 1 op, 2 maxFailures, 3 the window's
--       length in millis
-- 'take': reserves one failure; 0 (nothing changed) when the user already has maxFailures, else 1. An entry
--         reserves before it is decided and gives the failure back when it did not fail, so however many entries
--         run at once, no more than maxFailures failures are ever answered in one window.
-- 'peek': 0 when the user has maxFailures, else 1 (changes nothing)
-- 'give': gives one reserved failure back (only while the window's counter still exists)
-- The counter expires one window length after it was created: never before its window ends (it was created
-- inside it), and it is never read after (a later window is another key). Relative rather than PEXPIREAT at the
-- window's end: the window comes from the engine's clock, which need not be the server's.
if ARGV[1] == 'give' then
  if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('DECR', KEYS[1]) end
  return 1
end
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[2]) then return 0 end
if ARGV[1] == 'take' then
  if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
end
return 1
