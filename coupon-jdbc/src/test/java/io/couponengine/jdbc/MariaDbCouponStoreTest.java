package io.couponengine.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.error.CouponException;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.template.Template;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract suite, the JDBC tests and the distribution tests against MariaDB (COUPON_MARIADB_URL, else embedded,
 * else skipped), each test on tables made by the shipped Flyway migrations (V1, V2) for its prefix.
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

  /** The tables come from the shipped Flyway migrations (V1, V2), as an application using Flyway gets them. */
  @Override
  protected void createTables(JdbcCouponStore s) {
    FlywaySchemas.migrate(s.tables().dataSource(), s.dialect(), s.tablePrefix(), null);
  }

  @Override
  protected void dropTables(JdbcCouponStore s) {
    FlywaySchemas.drop(s);
  }

  /**
   * Regression: after a duplicate key in the claim procedure (a claim racing another with its key), the store reads
   * the earlier coupon on the same connection; that read opened a transaction the store left to the pool to roll
   * back. On a pool that does not, the connection's next claim failed (MariaDB 1568: the procedure cannot set its
   * isolation level inside a transaction) and its reads at REPEATABLE READ kept an old snapshot. A coupon id used
   * twice reaches the same path deterministically (the earlier coupon by key is then missing: the claim fails).
   */
  @Test
  void claimRoutine_afterADuplicateKey_leavesNoTransactionOpenOnTheConnection() throws Exception {
    Template t = ready(engine(), 10, 1);
    Instant expires = T0.plus(Duration.ofDays(7));
    try (Connection physical = DriverManager.getConnection(url())) {
      physical.setAutoCommit(false);
      physical.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      JdbcCouponStore one = JdbcCouponStore.builder(withoutRollbackOnReturn(physical))
          .tablePrefix(jdbc().tablePrefix()).build();
      assertThat(one.claim(new ClaimCommand(t.id(), "u1", "k1", "same-id", 1, T0, expires)).outcome())
          .isEqualTo(ClaimOutcome.CLAIMED);
      assertThat(one.claimsByRoutine()).isTrue();
      assertThatThrownBy(() -> one.claim(new ClaimCommand(t.id(), "u2", "k2", "same-id", 1, T0, expires)))
          .isInstanceOf(CouponException.class);
      assertThat(one.claim(new ClaimCommand(t.id(), "u3", "k3", "id-3", 1, T0, expires)).outcome())
          .isEqualTo(ClaimOutcome.CLAIMED);
      assertThat(one.findCouponsByUser("u3")).hasSize(1);
    }
  }

  /** A pool of one connection that neither rolls back nor resets it when it is handed back (close does nothing). */
  private static DataSource withoutRollbackOnReturn(Connection physical) {
    Connection handle = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          if (method.getName().equals("close")) {
            return null;
          }
          try {
            return method.invoke(physical, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    return new DataSource() {
      @Override
      public Connection getConnection() {
        return handle;
      }

      @Override
      public Connection getConnection(String user, String password) {
        return handle;
      }

      @Override
      public PrintWriter getLogWriter() {
        return null;
      }

      @Override
      public void setLogWriter(PrintWriter out) {}

      @Override
      public void setLoginTimeout(int seconds) {}

      @Override
      public int getLoginTimeout() {
        return 0;
      }

      @Override
      public Logger getParentLogger() {
        return Logger.getGlobal();
      }

      @Override
      public <T> T unwrap(Class<T> iface) {
        throw new UnsupportedOperationException();
      }

      @Override
      public boolean isWrapperFor(Class<?> iface) {
        return false;
      }
    };
  }
}
