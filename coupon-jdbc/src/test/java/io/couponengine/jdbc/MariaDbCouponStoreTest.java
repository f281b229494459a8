package io.couponengine.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/** The contract suite and JDBC tests against MariaDB: COUPON_MARIADB_URL, else embedded, else skipped. */
class MariaDbCouponStoreTest extends AbstractJdbcStoreTest {
  @BeforeAll
  static void database() {
    TestDatabases.Target t = TestDatabases.mariaDb();
    assumeTrue(t.url() != null, t.whyNot());
  }

  @Override
  protected String url() {
    return TestDatabases.mariaDb().url();
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.MYSQL;
  }
}
