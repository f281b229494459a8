package io.couponengine.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.redis.RedisCouponStore;
import io.couponengine.redis.TestRedis;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/** {@code coupon.store=redis} on a real Redis (COUPON_REDIS_URL or a test-started redis-server). */
class RedisAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(Boots.COUPON);
  private final String prefix = TestRedis.uniquePrefix();

  @AfterEach
  void deleteKeys() {
    TestRedis.deleteKeys(TestRedis.target(), prefix);
  }

  @Test
  void threeProperties_redisEngineThatClaims() {
    HostAndPort hp = TestRedis.target();
    AtomicReference<UnifiedJedis> made = new AtomicReference<>();
    runner.withPropertyValues("coupon.store=redis", "coupon.redis.host=" + hp.getHost(),
        "coupon.redis.port=" + hp.getPort(), "coupon.redis.prefix=" + prefix).run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(RedisCouponStore.class).hasBean("couponJedis");
          made.set(context.getBean(UnifiedJedis.class));
          CouponEngine engine = context.getBean(CouponEngine.class);
          assertThat(((RedisCouponStore) engine.config().store()).prefix()).isEqualTo(prefix);
          assertThat(Boots.claimOne(engine, 5, "u1").outcome()).isEqualTo(ClaimOutcome.CLAIMED);
          Boots.HealthReport h = Boots.health(context.getBean("couponHealthIndicator"));
          assertThat(h.status()).isEqualTo("UP");
          assertThat(h.details()).containsEntry("store", "RedisCouponStore");
        });
    // the client the starter made is closed with the context
    assertThat(((RedisClient) made.get()).getPool().isClosed()).isTrue();
  }

  @Test
  void usersJedisBean_isUsedAndNotClosed() {
    HostAndPort hp = TestRedis.target();
    try (RedisClient own = RedisClient.create(hp.getHost(), hp.getPort())) {
      runner.withPropertyValues("coupon.store=redis", "coupon.redis.prefix=" + prefix,
              "coupon.redis.port=1") // ignored: the application's client is used
          .withBean("myJedis", RedisClient.class, () -> own, bd -> bd.setDestroyMethodName(""))
          .run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean("couponJedis");
            assertThat(Boots.claimOne(context.getBean(CouponEngine.class), 3, "u1").outcome())
                .isEqualTo(ClaimOutcome.CLAIMED);
          });
      assertThat(own.getPool().isClosed()).isFalse();
      assertThat(own.ping()).isEqualTo("PONG");
      assertThat(own.keys(prefix + ":*")).isNotEmpty();
    }
  }

  @Test
  void health_downWhenRedisDoesNotAnswer() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    runner.withPropertyValues("coupon.store=redis", "coupon.redis.host=127.0.0.1",
        "coupon.redis.port=" + closedPort, "coupon.redis.timeout=500ms", "coupon.redis.prefix=" + prefix)
        .run(context -> {
          assertThat(context).hasNotFailed(); // the engine starts; the health check tells
          Boots.HealthReport h = Boots.health(context.getBean("couponHealthIndicator"));
          assertThat(h.status()).isEqualTo("DOWN");
          assertThat(h.details()).containsEntry("error", "STORE_UNAVAILABLE");
        });
  }

  @Test
  void nearCache_healthStillPingsRedis() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    runner.withPropertyValues("coupon.store=redis", "coupon.redis.port=" + closedPort,
        "coupon.redis.timeout=500ms", "coupon.near-cache.enabled=true").run(context -> {
          Boots.HealthReport h = Boots.health(context.getBean("couponHealthIndicator"));
          assertThat(h.status()).isEqualTo("DOWN");
          assertThat(h.details()).containsEntry("store", "NearCachedStore").containsEntry("error",
              "STORE_UNAVAILABLE");
        });
  }
}
