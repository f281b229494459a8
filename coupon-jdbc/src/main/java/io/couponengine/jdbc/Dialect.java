package io.couponengine.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The SQL dialects {@link JdbcCouponStore} speaks. Detected from the connection metadata unless given.
 *
 * <pre>{@code
 * JdbcCouponStore store = JdbcCouponStore.builder(dataSource).dialect(Dialect.POSTGRESQL).build();
 * }</pre>
 */
public enum Dialect {
  /** H2 2.x: claims lock the template row (a correct, serial alternative to SKIP LOCKED for an embedded database). */
  H2("h2"),
  /** PostgreSQL 9.5+: {@code FOR UPDATE SKIP LOCKED}, {@code ON CONFLICT DO NOTHING}, {@code DELETE ... RETURNING}. */
  POSTGRESQL("postgresql"),
  /** MariaDB 10.6+ or MySQL 8.0+ (InnoDB): {@code FOR UPDATE SKIP LOCKED}, {@code INSERT IGNORE}. */
  MYSQL("mysql");

  private final String scriptName;

  Dialect(String scriptName) {
    this.scriptName = scriptName;
  }

  /** The classpath resource holding this dialect's schema script, with {@code ${prefix}} placeholders. */
  String schemaResource() {
    return "schema-" + scriptName + ".sql";
  }

  /**
   * Detects the dialect of a connection from its metadata.
   *
   * @param connection an open connection
   * @return the dialect
   * @throws SQLException when the metadata cannot be read
   * @throws IllegalArgumentException when the database is none of H2, PostgreSQL, MySQL or MariaDB
   */
  public static Dialect detect(Connection connection) throws SQLException {
    DatabaseMetaData meta = connection.getMetaData();
    String product = meta.getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("h2")) {
      return H2;
    }
    if (product.contains("postgres")) {
      return POSTGRESQL;
    }
    if (product.contains("mariadb") || product.contains("mysql")) {
      return MYSQL;
    }
    throw new IllegalArgumentException("unsupported database: " + meta.getDatabaseProductName());
  }
}
