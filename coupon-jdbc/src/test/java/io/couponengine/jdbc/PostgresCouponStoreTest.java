package io.couponengine.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/** The contract suite and JDBC tests against PostgreSQL: COUPON_PG_URL, else embedded, else skipped. */
class PostgresCouponStoreTest extends AbstractJdbcStoreTest {
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
