-- Coupon engine schema migration 0.1 -> 0.2, H2 2.x. ${prefix} is the table prefix (default coupon_).
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
--   PAUSED templates and REVERTED orders: status columns are unconstrained VARCHAR(16), nothing to change.
ALTER TABLE ${prefix}coupons ADD COLUMN valid_from_us BIGINT;
ALTER TABLE ${prefix}order_codes ADD COLUMN saving NUMERIC(19,2);
ALTER TABLE ${prefix}templates ADD COLUMN added_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ${prefix}templates ADD COLUMN code_key VARCHAR(128);
