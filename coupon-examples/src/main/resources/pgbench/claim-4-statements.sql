-- pgbench custom script: the claim transaction of JdbcCouponStore on PostgreSQL before the claim function (kept to
-- compare): lookup (template row share-locked), counter upsert, code DELETE ... SKIP LOCKED feeding the coupon INSERT
-- and the figures' upsert, commit. Same set-up (setup.sh) and users (-D users=N) as claim.sql.
\set u random(1, :users)
\set k random(1, 2000000000)
BEGIN;
SELECT t.status, c.id FROM bench_templates t LEFT JOIN bench_coupons c ON c.template_id = t.id AND c.user_id = 'user-' || :u AND c.idem_key = 'pk-' || :client_id || '-' || :k WHERE t.id = 'PGBNCH' FOR SHARE OF t;
WITH bump AS (INSERT INTO bench_user_claims AS uc (template_id, user_id, claimed) VALUES ('PGBNCH', 'user-' || :u, 1) ON CONFLICT (template_id, user_id) DO UPDATE SET claimed = uc.claimed + 1 WHERE uc.claimed < 2 RETURNING 1) SELECT count(*) AS ok FROM bump \gset
\if :ok
WITH taken AS (DELETE FROM bench_codes WHERE template_id = 'PGBNCH' AND seq = (SELECT seq FROM bench_codes WHERE template_id = 'PGBNCH' ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING code), ins AS (INSERT INTO bench_coupons (id, code, template_id, user_id, idem_key, claimed_at_us, expires_at_us, status, order_id, valid_from_us) SELECT 'pb-' || :client_id || '-' || :k || '-' || :u, code, 'PGBNCH', 'user-' || :u, 'pk-' || :client_id || '-' || :k, 0, 604800000000, 'USABLE', NULL, NULL FROM taken RETURNING code), counted AS (INSERT INTO bench_template_stats AS s (template_id, stripe, issued, reserved, used, expired, discount) SELECT 'PGBNCH', :u % 16, 1, 0, 0, 0, 0 FROM ins ON CONFLICT (template_id, stripe) DO UPDATE SET issued = s.issued + 1) SELECT code FROM ins;
\endif
END;
