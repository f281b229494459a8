package io.couponengine.jdbc;

import static io.couponengine.jdbc.Jdbc.queryOne;
import static io.couponengine.jdbc.Jdbc.update;

import io.couponengine.spi.CodeClaimCommand;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A user's failed code entries in {@code <prefix>code_failures}: one row per user holding the current fixed window
 * ({@link CodeClaimCommand#windowIndex()}) and its count; a row of another window counts as none. Counting a failure
 * locks the row inside the entry's transaction and re-checks the count under the lock, so however many entries of
 * one user run at once, on however many stores, no more than {@code maxFailures} failures are answered per window.
 * Entries that do not fail only read the row: a shared code claimed by many users writes no counter rows.
 */
final class Failures {
  private final Sql sql;
  private final Dialect dialect;

  Failures(Tables tables) {
    this.sql = tables.sql();
    this.dialect = tables.dialect();
  }

  /** The row read: its window and count. */
  private record Row(long window, int failures) {
    int in(long window) {
      return this.window == window ? failures : 0;
    }
  }

  /** Whether the user has used up the window's failures (a plain read; nothing is locked or written). */
  boolean exhausted(Connection c, CodeClaimCommand e) throws SQLException {
    Row row = queryOne(c, sql.readFailures, Failures::row, e.userId());
    return row != null && row.in(e.windowIndex()) >= e.maxFailures();
  }

  /**
   * Counts one failure unless the user has used up the window's failures: true when counted (answer the failure),
   * false when the limit was reached first (answer TOO_MANY_ATTEMPTS). The row is created if missing, then locked
   * until the caller's transaction ends.
   */
  boolean tryFail(Connection c, CodeClaimCommand e) throws SQLException {
    long window = e.windowIndex();
    // lock first, insert only when there is no row yet: on MySQL/MariaDB an INSERT IGNORE that meets an existing row
    // takes a shared lock on it, and many entries of one user each holding it and then asking for the exclusive
    // lock deadlock one another (40 racing entries exhausted the retries); a plain FOR UPDATE takes it at once
    Row row = queryOne(c, sql.lockFailures, Failures::row, e.userId());
    if (row == null) {
      insertIfMissing(c, e.userId(), window);
      row = queryOne(c, sql.lockFailures, Failures::row, e.userId());
    }
    if (row == null) {
      throw new SQLException("failure counter of " + e.userId() + " vanished under its lock", "40001");
    }
    int failures = row.in(window);
    if (failures >= e.maxFailures()) {
      return false;
    }
    update(c, sql.setFailures, window, failures + 1, e.userId());
    return true;
  }

  private void insertIfMissing(Connection c, String userId, long window) throws SQLException {
    if (dialect != Dialect.H2) {
      // ON CONFLICT DO NOTHING / INSERT IGNORE wait for a concurrent insert of the row and then skip it
      update(c, sql.insertFailures, userId, window);
      return;
    }
    try {
      update(c, sql.insertFailures, userId, window, userId);
    } catch (SQLException x) {
      if (!SqlErrors.isUniqueViolation(x)) {
        throw x;
      }
      // H2: a concurrent entry inserted the row first (committed by now); only this statement is undone
    }
  }

  private static Row row(java.sql.ResultSet rs) throws SQLException {
    return new Row(rs.getLong(1), rs.getInt(2));
  }
}
