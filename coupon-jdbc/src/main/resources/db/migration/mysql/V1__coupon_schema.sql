-- Flyway migration V1 (location classpath:db/migration/mysql): the coupon-jdbc 0.1 schema exactly as 0.1 shipped it
-- (git show 67fe2c3:coupon-jdbc/src/main/resources/io/couponengine/jdbc/schema-mysql.sql) with the placeholder renamed. Never edit
-- a released migration: later changes go into V2, V3, ... Set the placeholder coupon_prefix to the store's table
-- prefix (JdbcCouponStore's default: coupon_); see docs/jdbc.md.
-- Coupon engine schema, MariaDB 10.6+ or MySQL 8.0+ (InnoDB; utf8mb4_nopad_bin so ids compare byte for byte, trailing spaces included). ${coupon_prefix} is the table prefix (default coupon_).
-- Instants are BIGINT microseconds since the epoch (UTC): exact, portable and index-friendly.
CREATE TABLE ${coupon_prefix}templates (
  id             VARCHAR(16)   NOT NULL PRIMARY KEY,
  status         VARCHAR(16)   NOT NULL,
  failure_reason VARCHAR(4000),
  loaded         BIGINT        NOT NULL DEFAULT 0,
  created_at_us  BIGINT        NOT NULL,
  template_json  MEDIUMTEXT    NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX ${coupon_prefix}templates_status ON ${coupon_prefix}templates (status);

-- the pool: a row per code not yet issued; a claim deletes the row it took
CREATE TABLE ${coupon_prefix}codes (
  template_id VARCHAR(16)  NOT NULL,
  seq         BIGINT       NOT NULL,
  code        VARCHAR(128) NOT NULL,
  PRIMARY KEY (template_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- the per-(template, user) counter a claim locks to enforce the per-user limit
CREATE TABLE ${coupon_prefix}user_claims (
  template_id VARCHAR(16)  NOT NULL,
  user_id     VARCHAR(128) NOT NULL,
  claimed     INT          NOT NULL,
  PRIMARY KEY (template_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE ${coupon_prefix}coupons (
  claim_no      BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  id            VARCHAR(128) NOT NULL,
  code          VARCHAR(128) NOT NULL,
  template_id   VARCHAR(16)  NOT NULL,
  user_id       VARCHAR(128) NOT NULL,
  idem_key      VARCHAR(128),
  claimed_at_us BIGINT       NOT NULL,
  expires_at_us BIGINT       NOT NULL,
  status        VARCHAR(16)  NOT NULL,
  order_id      VARCHAR(128)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE UNIQUE INDEX ${coupon_prefix}coupons_id ON ${coupon_prefix}coupons (id);
CREATE UNIQUE INDEX ${coupon_prefix}coupons_code ON ${coupon_prefix}coupons (code);
CREATE UNIQUE INDEX ${coupon_prefix}coupons_idem ON ${coupon_prefix}coupons (template_id, user_id, idem_key);
CREATE INDEX ${coupon_prefix}coupons_user ON ${coupon_prefix}coupons (user_id, claim_no);
CREATE INDEX ${coupon_prefix}coupons_due ON ${coupon_prefix}coupons (status, expires_at_us);

CREATE TABLE ${coupon_prefix}orders (
  order_id          VARCHAR(128) NOT NULL PRIMARY KEY,
  user_id           VARCHAR(128) NOT NULL,
  status            VARCHAR(16)  NOT NULL,
  reserved_until_us BIGINT       NOT NULL,
  updated_at_us     BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX ${coupon_prefix}orders_stale ON ${coupon_prefix}orders (status, reserved_until_us);

CREATE TABLE ${coupon_prefix}order_codes (
  order_id VARCHAR(128) NOT NULL,
  pos      INT          NOT NULL,
  code     VARCHAR(128) NOT NULL,
  PRIMARY KEY (order_id, pos)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- events applied by JdbcEventApplier, inserted in the same transaction as their change
CREATE TABLE ${coupon_prefix}applied_events (
  event_id      VARCHAR(255) NOT NULL PRIMARY KEY,
  type          VARCHAR(32)  NOT NULL,
  applied_at_us BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
