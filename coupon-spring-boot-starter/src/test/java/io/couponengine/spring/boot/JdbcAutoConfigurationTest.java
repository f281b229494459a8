package io.couponengine.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.jdbc.JdbcCouponStore;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code coupon.store=jdbc} on a real PostgreSQL through the application's DataSource bean. */
class JdbcAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(Boots.COUPON);
  private final String prefix = "boot" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
  private HikariDataSource dataSource;

  @BeforeEach
  void pool() {
    dataSource = TestPostgres.pool();
  }

  @AfterEach
  void drop() {
    JdbcCouponStore.builder(dataSource).tablePrefix(prefix).build().dropSchema();
    dataSource.close();
  }

  @Test
  void dataSourceBean_schemaCreatedOnce_engineClaims() {
    ApplicationContextRunner jdbc = runner.withBean(DataSource.class, () -> dataSource, bd -> bd.setDestroyMethodName(""))
        .withPropertyValues("coupon.store=jdbc", "coupon.jdbc.table-prefix=" + prefix);
    jdbc.run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(JdbcCouponStore.class);
      CouponEngine engine = context.getBean(CouponEngine.class);
      assertThat(((JdbcCouponStore) engine.config().store()).tablePrefix()).isEqualTo(prefix);
      assertThat(Boots.claimOne(engine, 5, "u1").outcome()).isEqualTo(ClaimOutcome.CLAIMED);
      Boots.HealthReport h = Boots.health(context.getBean("couponHealthIndicator"));
      assertThat(h.status()).isEqualTo("UP");
      assertThat(h.details()).containsEntry("store", "JdbcCouponStore");
    });
    // a second start finds the tables and keeps them (and their data)
    jdbc.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(CouponEngine.class).coupons("u1", io.couponengine.coupon.CouponStatus.USABLE)).hasSize(1);
    });
    assertThat(dataSource.isClosed()).isFalse(); // the application's pool is the application's
  }

  @Test
  void createSchemaOff_tablesMissing_claimFails_healthStillUp() {
    runner.withBean(DataSource.class, () -> dataSource, bd -> bd.setDestroyMethodName(""))
        .withPropertyValues("coupon.store=jdbc", "coupon.jdbc.table-prefix=" + prefix,
            "coupon.jdbc.create-schema=false")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(JdbcStoreTables.exist(dataSource, prefix)).isFalse();
          assertThat(Boots.health(context.getBean("couponHealthIndicator")).status()).isEqualTo("UP");
        });
  }

  @Test
  void noDataSource_startFailsNamingIt() {
    runner.withPropertyValues("coupon.store=jdbc").run(context -> {
      assertThat(context).hasFailed();
      assertThat(Boots.messages(context.getStartupFailure())).contains("javax.sql.DataSource");
    });
  }

  /** Reaches the auto-configuration's table check. */
  static final class JdbcStoreTables {
    static boolean exist(DataSource ds, String prefix) {
      return io.couponengine.jdbc.JdbcCouponStore.builder(ds).tablePrefix(prefix).build().schemaExists();
    }
  }
}
