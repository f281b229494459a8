-- Flyway migration V2 (location classpath:db/migration/postgresql), after V1__coupon_schema.sql; without Flyway, run it
-- once yourself with the placeholder replaced.
-- Coupon engine schema migration 0.1 -> 0.2, PostgreSQL 9.5+. ${coupon_prefix} is the table prefix (default coupon_).
-- Run once on a schema created by coupon-jdbc 0.1 (schema-postgresql.sql of that version); see docs/jdbc.md.
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

-- the claim in one call (schema 0.2): key, template status (share-locked until commit, so a pause waits for it),
-- claim window, per-user limit, a free code (SKIP LOCKED), the coupon and its figure, in one round trip. Called by
-- JdbcCouponStore as its own statement (autocommit) or inside a transaction of the store, always at READ COMMITTED
-- (anything else is refused with SQLSTATE CE001): each statement of the body then reads the latest committed rows,
-- so a refusal re-reads the key after the counter row's lock wait (a claim with the same key may have committed
-- meanwhile) and answers DUPLICATE, as the rolled-back multi-statement claim did. p_window: the claim-window
-- refusal (NOT_STARTED, CLAIM_CLOSED) or NULL, decided by the engine from the command. Answers one row: the outcome,
-- then for DUPLICATE the earlier coupon's columns, for CLAIMED the code (the rest is the caller's command). A refusal
-- gives the counter back, still locked by this transaction, so it leaves what a rollback would. A unique violation
-- (the same key inserted by a claim that passed the counter first) aborts the statement; the caller then answers
-- DUPLICATE with the earlier coupon.
CREATE FUNCTION ${coupon_prefix}claim(p_template VARCHAR, p_user VARCHAR, p_key VARCHAR, p_window VARCHAR, p_limit INT,
    p_id VARCHAR, p_claimed_us BIGINT, p_expires_us BIGINT, p_valid_from_us BIGINT, p_stripe INT,
    OUT o_outcome VARCHAR, OUT o_id VARCHAR, OUT o_code VARCHAR, OUT o_template_id VARCHAR, OUT o_user_id VARCHAR,
    OUT o_claimed_at_us BIGINT, OUT o_expires_at_us BIGINT, OUT o_status VARCHAR, OUT o_order_id VARCHAR,
    OUT o_valid_from_us BIGINT)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_status VARCHAR;
  v_claimed INT;
  v_refusal VARCHAR;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'the coupon claim needs READ COMMITTED, not %', current_setting('transaction_isolation')
      USING ERRCODE = 'CE001';
  END IF;
  <<decide>>
  BEGIN
    SELECT t.status, c.id, c.code, c.template_id, c.user_id, c.claimed_at_us, c.expires_at_us, c.status, c.order_id,
           c.valid_from_us
      INTO v_status, o_id, o_code, o_template_id, o_user_id, o_claimed_at_us, o_expires_at_us, o_status, o_order_id,
           o_valid_from_us
      FROM ${coupon_prefix}templates t
      LEFT JOIN ${coupon_prefix}coupons c ON c.template_id = t.id AND c.user_id = p_user AND c.idem_key = p_key
      WHERE t.id = p_template FOR SHARE OF t;
    IF NOT FOUND THEN
      o_outcome := 'TEMPLATE_NOT_FOUND';
      RETURN;
    END IF;
    IF o_id IS NOT NULL THEN
      o_outcome := 'DUPLICATE';
      RETURN;
    END IF;
    IF v_status <> 'AVAILABLE' THEN
      v_refusal := CASE v_status WHEN 'EXPIRED' THEN 'TEMPLATE_EXPIRED' WHEN 'PAUSED' THEN 'TEMPLATE_PAUSED'
                   ELSE 'TEMPLATE_NOT_READY' END;
      EXIT decide;
    END IF;
    IF p_window IS NOT NULL THEN
      v_refusal := p_window;
      EXIT decide;
    END IF;
    -- the counter row, locked until the end whether it is bumped or not (ON CONFLICT locks the row it meets and
    -- checks claimed on its latest version)
    INSERT INTO ${coupon_prefix}user_claims AS uc (template_id, user_id, claimed) VALUES (p_template, p_user, 1)
      ON CONFLICT (template_id, user_id) DO UPDATE SET claimed = uc.claimed + 1 WHERE uc.claimed < p_limit
      RETURNING uc.claimed INTO v_claimed;
    IF v_claimed IS NULL OR v_claimed > p_limit THEN
      v_refusal := 'LIMIT_REACHED';
      EXIT decide;
    END IF;
    -- the lowest free code: the scalar subquery runs once (an InitPlan)
    DELETE FROM ${coupon_prefix}codes WHERE template_id = p_template AND seq = (SELECT k.seq FROM ${coupon_prefix}codes k
      WHERE k.template_id = p_template ORDER BY k.seq LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING code INTO o_code;
    IF o_code IS NULL THEN
      v_refusal := 'SOLD_OUT';
      EXIT decide;
    END IF;
    INSERT INTO ${coupon_prefix}coupons (id, code, template_id, user_id, idem_key, claimed_at_us, expires_at_us, status,
        order_id, valid_from_us)
      VALUES (p_id, o_code, p_template, p_user, p_key, p_claimed_us, p_expires_us, 'USABLE', NULL, p_valid_from_us);
    INSERT INTO ${coupon_prefix}template_stats AS s (template_id, stripe, issued, reserved, used, expired, discount)
      VALUES (p_template, p_stripe, 1, 0, 0, 0, 0)
      ON CONFLICT (template_id, stripe) DO UPDATE SET issued = s.issued + 1;
    o_outcome := 'CLAIMED';
    RETURN;
  END;
  -- a refusal: the counter back (still locked by this transaction), then the key as it is now
  IF v_claimed = 1 THEN
    -- created (or raised from 0) by this claim: no claim counted, so no row, as after a rollback
    DELETE FROM ${coupon_prefix}user_claims WHERE template_id = p_template AND user_id = p_user;
  ELSIF v_claimed IS NOT NULL THEN
    UPDATE ${coupon_prefix}user_claims SET claimed = claimed - 1 WHERE template_id = p_template AND user_id = p_user;
  END IF;
  SELECT c.id, c.code, c.template_id, c.user_id, c.claimed_at_us, c.expires_at_us, c.status, c.order_id,
         c.valid_from_us
    INTO o_id, o_code, o_template_id, o_user_id, o_claimed_at_us, o_expires_at_us, o_status, o_order_id,
         o_valid_from_us
    FROM ${coupon_prefix}coupons c WHERE c.template_id = p_template AND c.user_id = p_user AND c.idem_key = p_key;
  o_outcome := CASE WHEN FOUND THEN 'DUPLICATE' ELSE v_refusal END;
END
$$;
