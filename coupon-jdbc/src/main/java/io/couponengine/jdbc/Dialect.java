package io.couponengine.jdbc;

import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.sql.Connection;
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
   * The classpath folder of this dialect's Flyway migrations ({@code V1__coupon_schema.sql}, the 0.1 schema;
   * {@code V2__coupon_0_2.sql}, 0.1 to 0.2), with {@code ${coupon_prefix}} placeholders; absolute, from the jar's root.
   */
  String migrationLocation() {
    return "/db/migration/" + scriptName;
  }

  /**
   * Detects the dialect of a connection from its metadata.
   *
   * @param connection an open connection
   * @return the dialect
   * @throws CouponException STORE_UNAVAILABLE when the metadata cannot be read
   * @throws CouponException INVALID_ARGUMENT naming {@code connection} when null or when the database is none of H2,
   *     PostgreSQL, MySQL or MariaDB
   */
  public static Dialect detect(Connection connection) {
    String product;
    try {
      product = Preconditions.requireArg(connection, "connection").getMetaData().getDatabaseProductName();
    } catch (SQLException e) {
      throw CouponException.storeUnavailable("detect dialect", e);
    }
    return ofProduct(product, "connection");
  }

  /** The dialect of a database product name, or INVALID_ARGUMENT naming {@code field} (where the name came from). */
  static Dialect ofProduct(String product, String field) {
    String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
    if (p.contains("h2")) {
      return H2;
    }
    if (p.contains("postgres")) {
      return POSTGRESQL;
    }
    if (p.contains("mariadb") || p.contains("mysql")) {
      return MYSQL;
    }
    throw CouponException.invalidField(field, "connects to %s, which is none of H2, PostgreSQL, MySQL or MariaDB",
        product);
  }
}
