package io.couponengine.resilience4j;

import io.couponengine.redis.RedisCouponStore;
import io.couponengine.redis.TestRedis;
import io.couponengine.spi.CouponStore;
import io.couponengine.testing.CouponStoreContractTest;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.JedisPooled;

/**
 * The storage contract through the decorator over Redis ({@code COUPON_REDIS_URL}, else a redis-server this JVM
 * starts), with every default. Each test gets its own key prefix, deleted afterwards; a second engine gets its own
 * connection pool and its own breaker, as a second process would.
 */
class ResilientRedisContractTest extends CouponStoreContractTest {
  private final List<JedisPooled> clients = new ArrayList<>();
  private String prefix;

  @Override
  protected CouponStore newStore() {
    prefix = TestRedis.uniquePrefix();
    return ResilientCouponStore.builder(new RedisCouponStore(client(), prefix)).name("redis").closeDelegate().build();
  }

  @Override
  protected CouponStore newStoreSharingWith(CouponStore store) {
    return ResilientCouponStore.builder(new RedisCouponStore(client(), prefix)).name("redis-2").closeDelegate()
        .build();
  }

  private JedisPooled client() {
    JedisPooled client = TestRedis.newClient(TestRedis.target(), 64, 5_000);
    clients.add(client);
    return client;
  }

  @Override
  protected void cleanUp(CouponStore store) {
    try {
      TestRedis.deleteKeys(TestRedis.target(), prefix);
    } finally {
      clients.forEach(JedisPooled::close);
      clients.clear();
    }
  }
}
