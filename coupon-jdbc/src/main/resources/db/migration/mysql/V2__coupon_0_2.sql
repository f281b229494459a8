-- Flyway migration V2 (location classpath:db/migration/mysql), after V1__coupon_schema.sql; without Flyway, run it
-- once yourself with the placeholder replaced.
-- Coupon engine schema migration 0.1 -> 0.2, MariaDB 10.6+ or MySQL 8.0+. ${coupon_prefix} is the table prefix (default coupon_).
-- Run once on a schema created by coupon-jdbc 0.1 (schema-mysql.sql of that version); see docs/jdbc.md.
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- the store-wide code index (schema 0.2): every shared code (taken with its template's insert) and every imported
-- code (taken by importCodes before it enters the pool), naming its template; the primary key keeps codes unique
-- across templates, whoever inserts first wins
CREATE TABLE ${coupon_prefix}code_index (
  code        VARCHAR(128) NOT NULL PRIMARY KEY,
  template_id VARCHAR(16)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- failed code entries (CODE_NOT_FOUND, CODE_TAKEN) per user in the current fixed window (schema 0.2): one row per
-- user, locked by the entry that counts a failure; a row of an older window_index counts as 0 failures
CREATE TABLE ${coupon_prefix}code_failures (
  user_id      VARCHAR(128) NOT NULL PRIMARY KEY,
  window_index BIGINT       NOT NULL,
  failures     INT          NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- the claim in one call (schema 0.2): key, template status (share-locked until commit, so a pause waits for it),
-- claim window, per-user limit, a free code (SKIP LOCKED), the coupon and its figure, in one round trip (CALL).
-- p_own_tx: the procedure runs its own READ COMMITTED transaction (START TRANSACTION ... COMMIT, whatever the
-- connection's autocommit); false: it runs inside the caller's transaction, which the caller commits. p_window: the
-- claim-window refusal (NOT_STARTED, CLAIM_CLOSED) or NULL, decided by the engine from the command. Answers one row:
-- the outcome, then for DUPLICATE the earlier coupon's columns, for CLAIMED the code (the rest is the caller's
-- command). A refusal re-reads the key (READ COMMITTED: the latest committed rows, so a claim with the same key that
-- committed while this one waited for the counter row is seen) and rolls back. Any error rolls back and is raised
-- again as it was (a duplicate key: the same key inserted by a claim that passed the counter first; the caller then
-- answers DUPLICATE with the earlier coupon). Parameters carry the tables' collation, so ids compare byte for byte.
DELIMITER //
CREATE PROCEDURE ${coupon_prefix}claim(
    IN p_template VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
    IN p_user VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
    IN p_key VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
    IN p_window VARCHAR(32), IN p_limit INT,
    IN p_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
    IN p_claimed_us BIGINT, IN p_expires_us BIGINT, IN p_valid_from_us BIGINT, IN p_stripe INT, IN p_own_tx BOOLEAN)
MODIFIES SQL DATA
proc: BEGIN
  DECLARE v_found INT DEFAULT 1;
  DECLARE v_status VARCHAR(16);
  DECLARE v_outcome VARCHAR(32);
  DECLARE v_seq BIGINT;
  DECLARE o_id, o_code, o_user_id, o_order_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
  DECLARE o_template_id VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
  DECLARE o_status VARCHAR(16);
  DECLARE o_claimed_at_us, o_expires_at_us, o_valid_from_us BIGINT;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_found = 0;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    RESIGNAL;
  END;
  IF p_own_tx THEN
    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
    START TRANSACTION;
  END IF;
  decide: BEGIN
    SELECT t.status, c.id, c.code, c.template_id, c.user_id, c.claimed_at_us, c.expires_at_us, c.status, c.order_id,
           c.valid_from_us
      INTO v_status, o_id, o_code, o_template_id, o_user_id, o_claimed_at_us, o_expires_at_us, o_status, o_order_id,
           o_valid_from_us
      FROM ${coupon_prefix}templates t
      LEFT JOIN ${coupon_prefix}coupons c ON c.template_id = t.id AND c.user_id = p_user AND c.idem_key = p_key
      WHERE t.id = p_template LOCK IN SHARE MODE;
    IF v_found = 0 THEN
      SET v_outcome = 'TEMPLATE_NOT_FOUND';
      LEAVE decide;
    END IF;
    IF o_id IS NOT NULL THEN
      SET v_outcome = 'DUPLICATE';
      LEAVE decide;
    END IF;
    IF v_status <> 'AVAILABLE' THEN
      SET v_outcome = CASE v_status WHEN 'EXPIRED' THEN 'TEMPLATE_EXPIRED' WHEN 'PAUSED' THEN 'TEMPLATE_PAUSED'
                      ELSE 'TEMPLATE_NOT_READY' END;
      LEAVE decide;
    END IF;
    IF p_window IS NOT NULL THEN
      SET v_outcome = p_window;
      LEAVE decide;
    END IF;
    -- the counter row, locked until the end: bumped while below the limit, else created at 1, else (a concurrent
    -- claim created it meanwhile) bumped again
    UPDATE ${coupon_prefix}user_claims SET claimed = claimed + 1
      WHERE template_id = p_template AND user_id = p_user AND claimed < p_limit;
    IF ROW_COUNT() = 0 THEN
      INSERT IGNORE INTO ${coupon_prefix}user_claims (template_id, user_id, claimed) VALUES (p_template, p_user, 1);
      IF ROW_COUNT() = 0 THEN
        UPDATE ${coupon_prefix}user_claims SET claimed = claimed + 1
          WHERE template_id = p_template AND user_id = p_user AND claimed < p_limit;
        IF ROW_COUNT() = 0 THEN
          SET v_outcome = 'LIMIT_REACHED';
          LEAVE decide;
        END IF;
      ELSEIF p_limit < 1 THEN
        SET v_outcome = 'LIMIT_REACHED';
        LEAVE decide;
      END IF;
    END IF;
    SELECT seq, code INTO v_seq, o_code FROM ${coupon_prefix}codes WHERE template_id = p_template
      ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF v_found = 0 THEN
      SET v_outcome = 'SOLD_OUT';
      LEAVE decide;
    END IF;
    DELETE FROM ${coupon_prefix}codes WHERE template_id = p_template AND seq = v_seq;
    INSERT INTO ${coupon_prefix}coupons (id, code, template_id, user_id, idem_key, claimed_at_us, expires_at_us, status,
        order_id, valid_from_us)
      VALUES (p_id, o_code, p_template, p_user, p_key, p_claimed_us, p_expires_us, 'USABLE', NULL, p_valid_from_us);
    INSERT INTO ${coupon_prefix}template_stats (template_id, stripe, issued, reserved, used, expired, discount)
      VALUES (p_template, p_stripe, 1, 0, 0, 0, 0) ON DUPLICATE KEY UPDATE issued = issued + 1;
    IF p_own_tx THEN
      COMMIT;
    END IF;
    SELECT 'CLAIMED', NULL, o_code, NULL, NULL, NULL, NULL, NULL, NULL, NULL;
    LEAVE proc;
  END decide;
  -- a refusal (or the key found): the key as it is now, then nothing of this claim stays
  IF v_outcome <> 'DUPLICATE' THEN
    SET v_found = 1;
    SELECT c.id, c.code, c.template_id, c.user_id, c.claimed_at_us, c.expires_at_us, c.status, c.order_id,
           c.valid_from_us
      INTO o_id, o_code, o_template_id, o_user_id, o_claimed_at_us, o_expires_at_us, o_status, o_order_id,
           o_valid_from_us
      FROM ${coupon_prefix}coupons c WHERE c.template_id = p_template AND c.user_id = p_user AND c.idem_key = p_key;
    IF v_found = 1 THEN
      SET v_outcome = 'DUPLICATE';
    END IF;
  END IF;
  ROLLBACK;
  SELECT v_outcome, o_id, o_code, o_template_id, o_user_id, o_claimed_at_us, o_expires_at_us, o_status, o_order_id,
         o_valid_from_us;
END //
DELIMITER ;
