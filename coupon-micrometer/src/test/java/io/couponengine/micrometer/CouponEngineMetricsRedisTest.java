package io.couponengine.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.CouponEngine;
import io.couponengine.cache.NearCachedStore;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.redis.RedisCouponStore;
import io.couponengine.redis.TestRedis;
import io.couponengine.template.Template;
import io.couponengine.testing.Specs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * The meters over the real Redis store ({@code COUPON_REDIS_URL}, else a redis-server this JVM starts) behind a
 * near-cache: concurrent claims on a small pool are counted exactly, and the cache statistics are the near-cache's.
 */
class CouponEngineMetricsRedisTest {

  @Test
  void concurrentClaimsOnRedis_areCountedExactly() throws Exception {
    String prefix = TestRedis.uniquePrefix();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CouponEngineMetrics metrics = CouponEngineMetrics.builder().build();
    metrics.bindTo(registry);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (JedisPooled client = TestRedis.newClient();
        NearCachedStore store = NearCachedStore.builder(new RedisCouponStore(client, prefix)).build();
        CouponEngine engine = CouponEngine.builder().store(store).observer(metrics).build()) {
      Template t = engine.generation(engine.createTemplate(Specs.threshold(30, 1)).id()).join();
      // 40 users claim a pool of 30 concurrently, and 10 of them again with a new key
      ConcurrentLinkedQueue<ClaimOutcome> outcomes = new ConcurrentLinkedQueue<>();
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String user = "u" + i;
        done.add(pool.submit(() -> outcomes.add(engine.claim(new ClaimRequest(user, t.id(), "k")).outcome())));
      }
      for (Future<?> f : done) {
        f.get();
      }
      for (int i = 0; i < 10; i++) {
        outcomes.add(engine.claim(new ClaimRequest("u" + i, t.id(), "again")).outcome());
      }
      long soldOut = outcomes.stream().filter(o -> o == ClaimOutcome.SOLD_OUT).count();
      long limit = outcomes.stream().filter(o -> o == ClaimOutcome.LIMIT_REACHED).count();
      assertThat(outcomes.stream().filter(o -> o == ClaimOutcome.CLAIMED)).hasSize(30);
      assertThat(soldOut + limit).isEqualTo(20);

      assertThat(count(registry, "CLAIMED")).isEqualTo(30);
      assertThat(count(registry, "SOLD_OUT")).isEqualTo(soldOut);
      assertThat(count(registry, "LIMIT_REACHED")).isEqualTo(limit);
      assertThat(registry.get("coupon.claim").timer().count()).isEqualTo(50);
      assertThat(registry.get("coupon.generation.codes").functionCounter().count()).isEqualTo(30);

      engine.coupons("u0", CouponStatus.USABLE);
      engine.coupons("u0", CouponStatus.USABLE);
      double hits = registry.get("cache.gets").tags("cache", "coupon.users", "result", "hit").functionCounter()
          .count();
      assertThat(hits).isGreaterThanOrEqualTo(1);
    } finally {
      pool.shutdownNow();
      TestRedis.deleteKeys(TestRedis.target(), prefix);
    }
  }

  private static double count(SimpleMeterRegistry registry, String outcome) {
    return registry.get("coupon.claims").tag("outcome", outcome).functionCounter().count();
  }
}
