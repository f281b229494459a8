-- Puts a code back among its template's expiry candidates (a revert made its coupon USABLE again), in the
-- template's slot, exactly as a claim does: the code into its expiry bucket, a new bucket into the index.
-- KEYS: 1 the bucket (list), 2 dueb. ARGV: 1 the bucket's start, 2 the code
if redis.call('RPUSH', KEYS[1], ARGV[2]) == 1 then redis.call('ZADD', KEYS[2], ARGV[1], ARGV[1]) end
return 1
