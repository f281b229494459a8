-- Coupon engine schema migration 0.1 -> 0.2, PostgreSQL 9.5+. ${prefix} is the table prefix (default coupon_).
-- Run once on a schema created by coupon-jdbc 0.1 (schema-postgresql.sql of that version); see docs/jdbc.md.
-- What 0.2 adds:
--   coupons.valid_from_us: the first instant a coupon can be used; NULL (every existing coupon) means usable from
--   its claim. A nullable column without default: a metadata-only change, no table rewrite.
--   order_codes.saving: what the coupon saves in the order (a priced reservation); NULL (every existing order)
--   means reserved without a cart, read as no savings. Nullable without default as well.
--   PAUSED templates and REVERTED orders: status columns are unconstrained VARCHAR(16), nothing to change.
ALTER TABLE ${prefix}coupons ADD COLUMN valid_from_us BIGINT;
ALTER TABLE ${prefix}order_codes ADD COLUMN saving NUMERIC(19,2);
