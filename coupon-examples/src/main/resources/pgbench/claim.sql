-- pgbench custom script: the claim transaction of JdbcCouponStore (PostgreSQL dialect), one random user of 50,000
-- and a fresh idempotency key per transaction, per-user limit 2. Set up with setup.sh (tables prefix bench_).
\set u random(1, 50000)
\set k random(1, 2000000000)
BEGIN;
SELECT t.status, c.id FROM bench_templates t LEFT JOIN bench_coupons c ON c.template_id = t.id AND c.user_id = 'user-' || :u AND c.idem_key = 'pk-' || :client_id || '-' || :k WHERE t.id = 'PGBNCH';
WITH bump AS (INSERT INTO bench_user_claims (template_id, user_id, claimed) VALUES ('PGBNCH', 'user-' || :u, 1) ON CONFLICT (template_id, user_id) DO UPDATE SET claimed = bench_user_claims.claimed + 1 WHERE bench_user_claims.claimed < 2 RETURNING 1) SELECT count(*) AS ok FROM bump \gset
\if :ok
WITH taken AS (DELETE FROM bench_codes WHERE template_id = 'PGBNCH' AND seq = (SELECT seq FROM bench_codes WHERE template_id = 'PGBNCH' ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING code) INSERT INTO bench_coupons (id, code, template_id, user_id, idem_key, claimed_at_us, expires_at_us, status) SELECT 'pb-' || :client_id || '-' || :k || '-' || :u, code, 'PGBNCH', 'user-' || :u, 'pk-' || :client_id || '-' || :k, 0, 604800000000, 'USABLE' FROM taken;
\endif
END;
