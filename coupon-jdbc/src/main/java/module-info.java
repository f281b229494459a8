/**
 * The JDBC store of the coupon engine (H2, PostgreSQL, MySQL/MariaDB) over a {@link javax.sql.DataSource} the
 * application supplies. Start at {@link io.couponengine.jdbc.JdbcCouponStore}.
 */
module io.couponengine.jdbc {
  requires transitive io.couponengine.core;
  requires transitive java.sql;
  requires org.slf4j;

  exports io.couponengine.jdbc;
  // the Flyway migrations (resources only): open so Flyway finds them on the module path too
  opens db.migration.h2;
  opens db.migration.mysql;
  opens db.migration.postgresql;
}
