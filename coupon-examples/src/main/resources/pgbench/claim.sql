-- pgbench custom script: the claim of JdbcCouponStore on PostgreSQL, the one statement it sends per claim (autocommit):
-- SELECT * FROM <prefix>claim(...), the function the schema installs (schema-postgresql.sql). Set up with setup.sh
-- (tables and function prefix bench_, template PGBNCH). Per-user limit 2, a fresh idempotency key and coupon id per
-- transaction, the stripe of the template figures from the user number (the store takes it from the user id's hash).
-- Users: -D users=N picks user-1 .. user-N at random each time.
--   every claim a fresh user's, all on the success path (as JdbcClaimLoad --users = --claims):  -D users=2000000000
--   the older mix, users claiming up to the limit and then refused (JdbcClaimLoad --users 50000):  -D users=50000
\set u random(1, :users)
\set k random(1, 2000000000)
SELECT * FROM bench_claim('PGBNCH', 'user-' || :u, 'pk-' || :client_id || '-' || :k, NULL, 2, 'pb-' || :client_id || '-' || :k || '-' || :u, 0, 604800000000, NULL, :u % 16);
