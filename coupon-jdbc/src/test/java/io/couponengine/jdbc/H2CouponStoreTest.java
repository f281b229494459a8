package io.couponengine.jdbc;

import java.util.concurrent.atomic.AtomicInteger;

/** The contract suite, the JDBC tests and the distribution tests against in-process H2 (always runs). */
class H2CouponStoreTest extends AbstractJdbcDistributionTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private final String url = "jdbc:h2:mem:coupon" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=20000";

  @Override
  protected String url() {
    return url;
  }

  @Override
  protected Dialect expectedDialect() {
    return Dialect.H2;
  }

  /** H2 claims take turns on the template row; 20,000 keeps the run short and still races 64 threads. */
  @Override
  protected int concurrentClaims() {
    return 20_000;
  }
}
