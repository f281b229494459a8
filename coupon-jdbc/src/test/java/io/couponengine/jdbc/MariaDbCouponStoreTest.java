package io.couponengine.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/**
 * The contract suite, the JDBC tests and the distribution tests against MariaDB: COUPON_MARIADB_URL, else embedded,
 * else skipped.
 */
class MariaDbCouponStoreTest extends AbstractJdbcDistributionTest {
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
