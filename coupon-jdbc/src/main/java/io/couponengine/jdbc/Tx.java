package io.couponengine.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Runs one unit of work as one transaction (READ COMMITTED, autocommit off), retrying transient failures a bounded
 * number of times with a short random back-off. Every unit the store runs is idempotent, which makes the retry
 * safe even when a commit's acknowledgement was lost. Thread-safe.
 */
final class Tx {
  /** A unit of work on a connection inside a transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final DataSource dataSource;
  private final int maxAttempts;

  Tx(DataSource dataSource, int maxAttempts) {
    this.dataSource = dataSource;
    this.maxAttempts = maxAttempts;
  }

  /**
   * Runs {@code work} and commits. A unit that wants its changes undone calls {@code c.rollback()} itself before
   * returning; the commit that follows is then empty.
   */
  <T> T run(String operation, Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return runOnce(work);
      } catch (SQLException e) {
        if (attempt >= maxAttempts || !SqlErrors.isTransient(e)) {
          throw SqlErrors.translate(operation, e);
        }
        // 1..(2^attempt) ms, so colliding transactions spread out
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1, (1L << Math.min(attempt, 6)) + 1) * 1_000_000L);
      }
    }
  }

  private <T> T runOnce(Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean restoreAutoCommit = c.getAutoCommit();
      int isolation = c.getTransactionIsolation();
      if (restoreAutoCommit) {
        c.setAutoCommit(false);
      }
      if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      }
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        try {
          c.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      } finally {
        restore(c, restoreAutoCommit, isolation);
      }
    }
  }

  private static void restore(Connection c, boolean autoCommit, int isolation) {
    try {
      if (!c.isClosed()) {
        if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
          c.setTransactionIsolation(isolation);
        }
        if (autoCommit) {
          c.setAutoCommit(true);
        }
      }
    } catch (SQLException ignored) {
      // a broken connection: the pool discards it
    }
  }
}
