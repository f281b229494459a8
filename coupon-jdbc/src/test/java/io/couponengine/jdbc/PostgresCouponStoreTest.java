package io.couponengine.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/**
 * The contract suite, the JDBC tests and the distribution tests against PostgreSQL (COUPON_PG_URL, else embedded, else
 * skipped), each test on tables made by the shipped Flyway migrations (V1, V2) for its prefix.
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

  /** The tables come from the shipped Flyway migrations (V1, V2), as an application using Flyway gets them. */
  @Override
  protected void createTables(JdbcCouponStore s) {
    FlywaySchemas.migrate(s.tables().dataSource(), s.dialect(), s.tablePrefix(), null);
  }

  @Override
  protected void dropTables(JdbcCouponStore s) {
    FlywaySchemas.drop(s);
  }
}
