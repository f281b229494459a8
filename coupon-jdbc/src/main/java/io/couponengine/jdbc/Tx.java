package io.couponengine.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Runs one unit of work as one transaction (READ COMMITTED, autocommit off; or, for the claim routine, as one
 * autocommit statement or a procedure that runs its own transaction: {@link Mode}), retrying transient failures a
 * bounded number of times with a short random back-off. Every unit the store runs is idempotent, which makes the retry
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

  /** How a unit of work meets its connection. */
  enum Mode {
    /** A transaction of the store: autocommit off, READ COMMITTED, committed after the work. */
    TRANSACTION,
    /**
     * One statement that is its own transaction: autocommit on (PostgreSQL's driver switches it without a round
     * trip), isolation as the connection has it (the statement checks what it needs itself).
     */
    AUTOCOMMIT,
    /**
     * The connection as the pool hands it out: the work (a stored procedure) runs and ends its own transaction;
     * whatever the work's reads left open afterwards is rolled back.
     */
    AS_IS
  }

  /**
   * Runs {@code work} and commits. A unit that wants its changes undone calls {@code c.rollback()} itself before
   * returning; the commit that follows is then empty.
   */
  <T> T run(String operation, Work<T> work) {
    return run(operation, Mode.TRANSACTION, work);
  }

  /** Runs {@code work} in the given mode, retried as {@link #run(String, Work)} is. */
  <T> T run(String operation, Mode mode, Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return switch (mode) {
          case TRANSACTION -> runOnce(work);
          case AUTOCOMMIT -> runAutoCommit(work);
          case AS_IS -> runAsIs(work);
        };
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

  private <T> T runAutoCommit(Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      if (!autoCommit) {
        c.setAutoCommit(true);
      }
      try {
        return work.run(c);
      } finally {
        if (!autoCommit) {
          restore(c, false, Connection.TRANSACTION_READ_COMMITTED);
        }
      }
    }
  }

  private <T> T runAsIs(Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try {
        return work.run(c);
      } finally {
        // the procedure ends its own transaction, but a read after it (the earlier coupon after a duplicate key)
        // opens one on a connection without autocommit: end it here rather than trust the pool to (a pool that
        // does not roll back on return would hand out a connection whose next CALL fails with MariaDB/MySQL
        // 1568, "transaction characteristics can't be changed", and whose reads at REPEATABLE READ keep an old
        // snapshot); a no-op when nothing is open
        endOpenTransaction(c);
      }
    }
  }

  private static void endOpenTransaction(Connection c) {
    try {
      if (!c.isClosed() && !c.getAutoCommit()) {
        c.rollback();
      }
    } catch (SQLException ignored) {
      // a broken connection: the pool discards it
    }
  }

  private static void restore(Connection c, boolean autoCommit, int isolation) {
    try {
      if (!c.isClosed()) {
        if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
          c.setTransactionIsolation(isolation);
        }
        if (autoCommit != c.getAutoCommit()) {
          c.setAutoCommit(autoCommit);
        }
      }
    } catch (SQLException ignored) {
      // a broken connection: the pool discards it
    }
  }
}
