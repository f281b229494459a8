package io.couponengine.jdbc;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Prepare, bind, execute, close: how every statement of the store runs on a connection of a {@link Tx} unit.
 * Parameters bind by their Java type: {@link String} (and {@code null}, a VARCHAR null), {@link Long},
 * {@link Integer}, {@link BigDecimal}, {@link Array}, {@link #NULL_BIGINT} and {@link #NULL_DECIMAL}; instants are
 * passed as {@link Micros}.
 */
final class Jdbc {
  /** A BIGINT null (a plain {@code null} binds as a VARCHAR null, which PostgreSQL refuses for a BIGINT column). */
  static final Object NULL_BIGINT = new Object() {
    @Override
    public String toString() {
      return "NULL_BIGINT";
    }
  };

  /** A DECIMAL null (PostgreSQL refuses a VARCHAR null for a NUMERIC column as well). */
  static final Object NULL_DECIMAL = new Object() {
    @Override
    public String toString() {
      return "NULL_DECIMAL";
    }
  };

  /** Rows per {@code executeBatch}; with the driver's rewrite option a batch travels as multi-row statements. */
  static final int BATCH_SIZE = 5_000;

  /** Reads one row of a result set. */
  @FunctionalInterface
  interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private Jdbc() {}

  /** Runs an INSERT, UPDATE or DELETE and answers its update count. */
  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    }
  }

  /** Runs a query (or a statement with RETURNING) and reads every row. */
  static <T> List<T> query(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.map(rs));
        }
      }
      return out;
    }
  }

  /** Runs a query and reads its first row; null when there is none. */
  static <T> T queryOne(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? row.map(rs) : null;
      }
    }
  }

  /**
   * Runs one statement for rows {@code 0..rows-1} as JDBC batches of at most {@link #BATCH_SIZE} and answers the
   * update counts of all rows (each may be {@link java.sql.Statement#SUCCESS_NO_INFO}).
   */
  static int[] batch(Connection c, String sql, int rows, IntFunction<Object[]> args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int[] counts = new int[0];
      int inBatch = 0;
      for (int i = 0; i < rows; i++) {
        bind(ps, args.apply(i));
        ps.addBatch();
        if (++inBatch == BATCH_SIZE) {
          counts = concat(counts, ps.executeBatch());
          inBatch = 0;
        }
      }
      if (inBatch > 0) {
        counts = concat(counts, ps.executeBatch());
      }
      return counts;
    }
  }

  /**
   * Runs one prepared statement once per row {@code 0..rows-1} (not batched, so each update count is exact) and
   * answers the counts.
   */
  static int[] each(Connection c, String sql, int rows, IntFunction<Object[]> args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int[] counts = new int[rows];
      for (int i = 0; i < rows; i++) {
        bind(ps, args.apply(i));
        counts[i] = ps.executeUpdate();
      }
      return counts;
    }
  }

  private static int[] concat(int[] a, int[] b) {
    if (a.length == 0) {
      return b;
    }
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a == null || a instanceof String) {
        ps.setString(i + 1, (String) a);
      } else if (a instanceof Long l) {
        ps.setLong(i + 1, l);
      } else if (a instanceof Integer n) {
        ps.setInt(i + 1, n);
      } else if (a instanceof BigDecimal d) {
        ps.setBigDecimal(i + 1, d);
      } else if (a == NULL_BIGINT) {
        ps.setNull(i + 1, Types.BIGINT);
      } else if (a == NULL_DECIMAL) {
        ps.setNull(i + 1, Types.DECIMAL);
      } else if (a instanceof Array array) {
        ps.setArray(i + 1, array);
      } else {
        throw new IllegalArgumentException("cannot bind a " + a.getClass().getName() + " (parameter " + (i + 1) + ")");
      }
    }
  }
}
