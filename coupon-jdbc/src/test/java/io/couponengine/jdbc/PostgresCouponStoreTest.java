package io.couponengine.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/**
 * The contract suite, the JDBC tests and the distribution tests against PostgreSQL: COUPON_PG_URL, else embedded, else
 * skipped.
 */
class PostgresCouponStoreTest extends AbstractJdbcDistributionTest {
  @BeforeAll
  static void database() {
    TestDatabases.Target t = TestDatabases.postgres();
    assumeTrue(t.url() != null, t.whyNot());
  }

  @Override
  protected String url() {
    return TestDatabases.postgres().url();
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.POSTGRESQL;
  }
}
