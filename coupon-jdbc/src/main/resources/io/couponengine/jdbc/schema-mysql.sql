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
