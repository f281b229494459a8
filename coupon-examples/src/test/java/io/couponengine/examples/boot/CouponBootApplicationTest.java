package io.couponengine.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.redis.RedisCouponStore;
import io.couponengine.redis.RedisServer;
import io.couponengine.redis.TestRedis;
import io.couponengine.spi.CouponStore;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** The example Boot application starts and claims: on the in-memory default, and on Redis from three properties. */
class CouponBootApplicationTest {

  @Test
  void noProperties_inMemoryEngineClaims() {
    try (ConfigurableApplicationContext context = SpringApplication.run(CouponBootApplication.class,
        "--spring.main.banner-mode=off", "--user=bob")) {
      assertThat(context.getBean(CouponBootApplication.Welcome.class).lastClaim().outcome())
          .isEqualTo(ClaimOutcome.CLAIMED);
      assertThat(context.getBean(CouponEngine.class).coupons("bob", CouponStatus.USABLE)).hasSize(1);
    }
  }

  @Test
  void threeProperties_redisEngineClaims() {
    // a redis-server of this test's own, so the default key prefix is safe to use
    try (RedisServer redis = TestRedis.startOwnServer();
         ConfigurableApplicationContext context = SpringApplication.run(CouponBootApplication.class,
             "--coupon.store=redis",
             "--coupon.redis.host=" + redis.hostAndPort().getHost(),
             "--coupon.redis.port=" + redis.port())) {
      CouponEngine engine = context.getBean(CouponEngine.class);
      assertThat(context.getBean(CouponStore.class)).isInstanceOf(RedisCouponStore.class);
      assertThat(context.getBean(CouponBootApplication.Welcome.class).lastClaim().outcome())
          .isEqualTo(ClaimOutcome.CLAIMED);
      assertThat(engine.coupons("alice", CouponStatus.USABLE)).hasSize(1);
    }
  }
}
