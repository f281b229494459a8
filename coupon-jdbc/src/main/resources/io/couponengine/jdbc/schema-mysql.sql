-- Coupon engine schema, MariaDB 10.6+ or MySQL 8.0+ (InnoDB; utf8mb4_nopad_bin so ids compare byte for byte, trailing spaces included). ${prefix} is the table prefix (default coupon_).
-- Instants are BIGINT microseconds since the epoch (UTC): exact, portable and index-friendly.
-- status columns are unconstrained VARCHAR(16) holding the enum names: templates CREATING, AVAILABLE, PAUSED,
-- FAILED, EXPIRED; coupons USABLE, RESERVED, USED, EXPIRED; orders RESERVED, COMMITTED, RELEASED, REVERTED
-- loaded: codes appended so far (the offset appendCodes checks); added_count: codes added after creation
-- (engine.addCodes; the total is the spec's plus these); code_key: the code-permutation key, set once by the
-- first generation and shared by every engine (schema 0.2)
CREATE TABLE ${prefix}templates (
  id             VARCHAR(16)   NOT NULL PRIMARY KEY,
  status         VARCHAR(16)   NOT NULL,
  failure_reason VARCHAR(4000),
  loaded         BIGINT        NOT NULL DEFAULT 0,
  added_count    BIGINT        NOT NULL DEFAULT 0,
  code_key       VARCHAR(128),
  created_at_us  BIGINT        NOT NULL,
  template_json  MEDIUMTEXT    NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX ${prefix}templates_status ON ${prefix}templates (status);

-- the pool: a row per code not yet issued; a claim deletes the row it took
CREATE TABLE ${prefix}codes (
  template_id VARCHAR(16)  NOT NULL,
  seq         BIGINT       NOT NULL,
  code        VARCHAR(128) NOT NULL,
  PRIMARY KEY (template_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
-- where each code of a CODE_ENTRY template sits in its pool (schema 0.2): an entered code is found here, then its
-- pool row by (template_id, seq); written with the pool rows of CODE_ENTRY templates only, so generating and
-- importing the codes of other templates pays for no index by code; a row outlives its pool row (seq is never reused)
CREATE TABLE ${prefix}entry_codes (
  template_id VARCHAR(16)  NOT NULL,
  code        VARCHAR(128) NOT NULL,
  seq         BIGINT       NOT NULL,
  PRIMARY KEY (template_id, code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- the per-(template, user) counter a claim locks to enforce the per-user limit
CREATE TABLE ${prefix}user_claims (
  template_id VARCHAR(16)  NOT NULL,
  user_id     VARCHAR(128) NOT NULL,
  claimed     INT          NOT NULL,
  PRIMARY KEY (template_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- valid_from_us: the first instant the coupon can be used, NULL when usable from its claim (schema 0.2)
CREATE TABLE ${prefix}coupons (
  claim_no      BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  id            VARCHAR(128) NOT NULL,
  code          VARCHAR(128) NOT NULL,
  template_id   VARCHAR(16)  NOT NULL,
  user_id       VARCHAR(128) NOT NULL,
  idem_key      VARCHAR(128),
  claimed_at_us BIGINT       NOT NULL,
  expires_at_us BIGINT       NOT NULL,
  status        VARCHAR(16)  NOT NULL,
  order_id      VARCHAR(128),
  valid_from_us BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE UNIQUE INDEX ${prefix}coupons_id ON ${prefix}coupons (id);
CREATE UNIQUE INDEX ${prefix}coupons_code ON ${prefix}coupons (code);
CREATE UNIQUE INDEX ${prefix}coupons_idem ON ${prefix}coupons (template_id, user_id, idem_key);
CREATE INDEX ${prefix}coupons_user ON ${prefix}coupons (user_id, claim_no);
CREATE INDEX ${prefix}coupons_due ON ${prefix}coupons (status, expires_at_us);

CREATE TABLE ${prefix}orders (
  order_id          VARCHAR(128) NOT NULL PRIMARY KEY,
  user_id           VARCHAR(128) NOT NULL,
  status            VARCHAR(16)  NOT NULL,
  reserved_until_us BIGINT       NOT NULL,
  updated_at_us     BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX ${prefix}orders_stale ON ${prefix}orders (status, reserved_until_us);

-- saving: what the coupon saves in the order, as a priced reservation settled it; NULL when reserved without a
-- cart (schema 0.2)
CREATE TABLE ${prefix}order_codes (
  order_id VARCHAR(128)  NOT NULL,
  pos      INT           NOT NULL,
  code     VARCHAR(128)  NOT NULL,
  saving   NUMERIC(19,2),
  PRIMARY KEY (order_id, pos)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- events applied by JdbcEventApplier, inserted in the same transaction as their change
CREATE TABLE ${prefix}applied_events (
  event_id      VARCHAR(255) NOT NULL PRIMARY KEY,
  type          VARCHAR(32)  NOT NULL,
  applied_at_us BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- the template figures (engine.stats): deltas added by every write that changes them, in its transaction; a few
-- rows (stripes, chosen from the user id's hash) per template so claims of a hot template do not queue on one row;
-- stats() sums them; discount is wider than a saving (NUMERIC(19,2)) so the sum of many cannot overflow (schema 0.2)
CREATE TABLE ${prefix}template_stats (
  template_id VARCHAR(16)   NOT NULL,
  stripe      INT           NOT NULL,
  issued      BIGINT        NOT NULL,
  reserved    BIGINT        NOT NULL,
  used        BIGINT        NOT NULL,
  expired     BIGINT        NOT NULL,
  discount    NUMERIC(38,2) NOT NULL,
  PRIMARY KEY (template_id, stripe)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- the store-wide code index (schema 0.2): every shared code (taken with its template's insert) and every imported
-- code (taken by importCodes before it enters the pool), naming its template; the primary key keeps codes unique
-- across templates, whoever inserts first wins
CREATE TABLE ${prefix}code_index (
  code        VARCHAR(128) NOT NULL PRIMARY KEY,
  template_id VARCHAR(16)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- failed code entries (CODE_NOT_FOUND, CODE_TAKEN) per user in the current fixed window (schema 0.2): one row per
-- user, locked by the entry that counts a failure; a row of an older window_index counts as 0 failures
CREATE TABLE ${prefix}code_failures (
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
CREATE PROCEDURE ${prefix}claim(
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
      FROM ${prefix}templates t
      LEFT JOIN ${prefix}coupons c ON c.template_id = t.id AND c.user_id = p_user AND c.idem_key = p_key
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
    UPDATE ${prefix}user_claims SET claimed = claimed + 1
      WHERE template_id = p_template AND user_id = p_user AND claimed < p_limit;
    IF ROW_COUNT() = 0 THEN
      INSERT IGNORE INTO ${prefix}user_claims (template_id, user_id, claimed) VALUES (p_template, p_user, 1);
      IF ROW_COUNT() = 0 THEN
        UPDATE ${prefix}user_claims SET claimed = claimed + 1
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
    SELECT seq, code INTO v_seq, o_code FROM ${prefix}codes WHERE template_id = p_template
      ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF v_found = 0 THEN
      SET v_outcome = 'SOLD_OUT';
      LEAVE decide;
    END IF;
    DELETE FROM ${prefix}codes WHERE template_id = p_template AND seq = v_seq;
    INSERT INTO ${prefix}coupons (id, code, template_id, user_id, idem_key, claimed_at_us, expires_at_us, status,
        order_id, valid_from_us)
      VALUES (p_id, o_code, p_template, p_user, p_key, p_claimed_us, p_expires_us, 'USABLE', NULL, p_valid_from_us);
    INSERT INTO ${prefix}template_stats (template_id, stripe, issued, reserved, used, expired, discount)
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
      FROM ${prefix}coupons c WHERE c.template_id = p_template AND c.user_id = p_user AND c.idem_key = p_key;
    IF v_found = 1 THEN
      SET v_outcome = 'DUPLICATE';
    END IF;
  END IF;
  ROLLBACK;
  SELECT v_outcome, o_id, o_code, o_template_id, o_user_id, o_claimed_at_us, o_expires_at_us, o_status, o_order_id,
         o_valid_from_us;
END //
DELIMITER ;
