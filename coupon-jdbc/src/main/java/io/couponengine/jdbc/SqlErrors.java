package io.couponengine.jdbc;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * The one place that reads SQLStates and vendor codes (the idea of Jedis {@code Protocol.processError}): which
 * failures are worth another attempt of an idempotent transaction, which are unique-key violations, and how the
 * rest becomes a {@link CouponException}.
 */
final class SqlErrors {
  private SqlErrors() {}

  /** MySQL/MariaDB ER_LOCK_DEADLOCK. */
  private static final int MYSQL_DEADLOCK = 1213;
  /** MySQL/MariaDB ER_LOCK_WAIT_TIMEOUT. */
  private static final int MYSQL_LOCK_WAIT_TIMEOUT = 1205;
  /** MySQL/MariaDB ER_DUP_ENTRY. */
  private static final int MYSQL_DUP_ENTRY = 1062;
  /** H2 LOCK_TIMEOUT_1 (SQLState HYT00 in H2 2.x) and CONCURRENT_UPDATE_1. */
  private static final int H2_LOCK_TIMEOUT = 50200;
  private static final int H2_CONCURRENT_UPDATE = 90131;

  /**
   * Whether another attempt of the whole transaction may succeed: serialization failure (40001), deadlock (40P01,
   * MySQL 1213), lock wait timeout (55P03, MySQL 1205, H2 50200), H2's concurrent update, and a lost connection
   * (class 08, 57P01 terminated by an administrator). A pool timeout without a connection failure behind it is not
   * retried. Retrying is safe only because every transaction of the store
   * is idempotent (claims by key, orders by id, code batches by offset): a commit whose acknowledgement was lost is
   * answered as a replay on the next attempt.
   */
  static boolean isTransient(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      if (isTransientOne(x)) {
        return true;
      }
      if (x.getCause() instanceof SQLException cause && cause != x && isTransientOne(cause)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isTransientOne(SQLException e) {
    String state = e.getSQLState();
    int vendor = e.getErrorCode();
    if (e instanceof SQLTransientConnectionException && (state == null || !state.startsWith("08"))) {
      return false; // the pool timed out handing out a connection: waiting again would only stack timeouts
    }
    if (vendor == MYSQL_DEADLOCK || vendor == MYSQL_LOCK_WAIT_TIMEOUT || vendor == H2_LOCK_TIMEOUT
        || vendor == H2_CONCURRENT_UPDATE) {
      return true;
    }
    if (state == null) {
      return false;
    }
    return state.equals("40001") || state.equals("40P01") || state.equals("55P03") || state.equals("57P01")
        || state.startsWith("08") || state.equals("HYT00");
  }

  /**
   * Whether the failure is a unique-key (or primary-key) violation: 23505 (PostgreSQL, H2), MySQL 1062.
   */
  static boolean isUniqueViolation(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      if ("23505".equals(x.getSQLState()) || x.getErrorCode() == MYSQL_DUP_ENTRY) {
        return true;
      }
    }
    return false;
  }

  /** MySQL/MariaDB ER_SP_DOES_NOT_EXIST. */
  private static final int MYSQL_NO_ROUTINE = 1305;

  /**
   * Whether the schema's claim routine is missing: 42883 undefined function (PostgreSQL), MySQL 1305 (a schema
   * created before the routine existed).
   */
  static boolean isMissingRoutine(SQLException e) {
    return "42883".equals(e.getSQLState()) || e.getErrorCode() == MYSQL_NO_ROUTINE;
  }

  /** Whether the PostgreSQL claim function refused to run outside READ COMMITTED (its own SQLSTATE, CE001). */
  static boolean isNotReadCommitted(SQLException e) {
    return "CE001".equals(e.getSQLState());
  }

  /**
   * The exception the store throws for a failure it did not handle: CONFLICT for a unique-key violation (an id
   * taken by a concurrent writer), STORE_UNAVAILABLE with the cause for everything else.
   */
  static CouponException translate(String operation, SQLException e) {
    if (isUniqueViolation(e)) {
      return CouponException.withCause(ErrorCode.CONFLICT, "store refused " + operation + ": " + e.getMessage(), e);
    }
    return CouponException.storeUnavailable(operation, e);
  }
}
