-- Flyway migration V2 (location classpath:db/migration/h2), after V1__coupon_schema.sql; without Flyway, run it
-- once yourself with the placeholder replaced.
-- Coupon engine schema migration 0.1 -> 0.2, H2 2.x. ${coupon_prefix} is the table prefix (default coupon_).
-- Run once on a schema created by coupon-jdbc 0.1 (schema-h2.sql of that version); see docs/jdbc.md.
-- What 0.2 adds:
--   coupons.valid_from_us: the first instant a coupon can be used; NULL (every existing coupon) means usable from
--   its claim. A nullable column without default: a metadata-only change, no table rewrite.
--   order_codes.saving: what the coupon saves in the order (a priced reservation); NULL (every existing order)
--   means reserved without a cart, read as no savings. Nullable without default as well.
--   templates.added_count: codes added after creation (engine.addCodes); every existing template has none, so
--   NOT NULL DEFAULT 0 (metadata-only on PostgreSQL 11+, MariaDB 10.3+, MySQL 8.0.12+; older PostgreSQL
--   rewrites the templates table, one row per template).
--   templates.code_key: the template's code-permutation key, set by the next generation that needs it (more
--   stock); NULL for existing templates. Nullable without default.
--   template_stats: the template figures (engine.stats), kept from now on by every write that changes them; the
--   INSERT ... SELECT below fills them once from the coupons (one pass over the coupons table, in stripe 0: stats
--   sums the stripes) so a migrated template answers its real figures rather than counting from zero. Run it in
--   the migration, before 0.2 stores write: a claim or redemption between the CREATE and the INSERT would be
--   counted twice. discount: what USED coupons saved in their order (order_codes.saving, NULL for 0.1 orders: 0).
--   PAUSED templates and REVERTED orders: status columns are unconstrained VARCHAR(16), nothing to change.
--   code_index, entry_codes and code_failures: shared and imported codes, the pool position of CODE_ENTRY codes and
--   the failed-entry counter. New tables, empty: no 0.1 template has a shared, imported or entered code.
ALTER TABLE ${coupon_prefix}coupons ADD COLUMN valid_from_us BIGINT;
ALTER TABLE ${coupon_prefix}order_codes ADD COLUMN saving NUMERIC(19,2);
ALTER TABLE ${coupon_prefix}templates ADD COLUMN added_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ${coupon_prefix}templates ADD COLUMN code_key VARCHAR(128);
CREATE TABLE ${coupon_prefix}template_stats (
  template_id VARCHAR(16)   NOT NULL,
  stripe      INT           NOT NULL,
  issued      BIGINT        NOT NULL,
  reserved    BIGINT        NOT NULL,
  used        BIGINT        NOT NULL,
  expired     BIGINT        NOT NULL,
  discount    NUMERIC(38,2) NOT NULL,
  PRIMARY KEY (template_id, stripe)
);
INSERT INTO ${coupon_prefix}template_stats (template_id, stripe, issued, reserved, used, expired, discount)
  SELECT c.template_id, 0, COUNT(*),
         SUM(CASE WHEN c.status = 'RESERVED' THEN 1 ELSE 0 END),
         SUM(CASE WHEN c.status = 'USED' THEN 1 ELSE 0 END),
         SUM(CASE WHEN c.status = 'EXPIRED' THEN 1 ELSE 0 END),
         COALESCE(SUM(oc.saving), 0)
  FROM ${coupon_prefix}coupons c
  LEFT JOIN ${coupon_prefix}order_codes oc ON c.status = 'USED' AND oc.order_id = c.order_id AND oc.code = c.code
  GROUP BY c.template_id;
-- where each code of a CODE_ENTRY template sits in its pool (schema 0.2): an entered code is found here, then its
-- pool row by (template_id, seq); written with the pool rows of CODE_ENTRY templates only, so generating and
-- importing the codes of other templates pays for no index by code; a row outlives its pool row (seq is never reused)
CREATE TABLE ${coupon_prefix}entry_codes (
  template_id VARCHAR(16)  NOT NULL,
  code        VARCHAR(128) NOT NULL,
  seq         BIGINT       NOT NULL,
  PRIMARY KEY (template_id, code)
);

-- the store-wide code index (schema 0.2): every shared code (taken with its template's insert) and every imported
-- code (taken by importCodes before it enters the pool), naming its template; the primary key keeps codes unique
-- across templates, whoever inserts first wins
CREATE TABLE ${coupon_prefix}code_index (
  code        VARCHAR(128) NOT NULL PRIMARY KEY,
  template_id VARCHAR(16)  NOT NULL
);

-- failed code entries (CODE_NOT_FOUND, CODE_TAKEN) per user in the current fixed window (schema 0.2): one row per
-- user, locked by the entry that counts a failure; a row of an older window_index counts as 0 failures
CREATE TABLE ${coupon_prefix}code_failures (
  user_id      VARCHAR(128) NOT NULL PRIMARY KEY,
  window_index BIGINT       NOT NULL,
  failures     INT          NOT NULL
);
