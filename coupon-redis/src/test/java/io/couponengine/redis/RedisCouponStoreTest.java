package io.couponengine.redis;

import io.couponengine.spi.CouponStore;
import io.couponengine.testing.CouponStoreContractTest;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.JedisPooled;

/**
 * The storage contract on Redis: {@code COUPON_REDIS_URL} when set, else a redis-server this JVM starts. Every test
 * gets its own key prefix, deleted afterwards (SCAN + UNLINK); a second engine gets its own connection pool.
 */
class RedisCouponStoreTest extends CouponStoreContractTest {
  private final List<JedisPooled> clients = new ArrayList<>();
  private String prefix;

  @Override
  protected CouponStore newStore() {
    prefix = TestRedis.uniquePrefix();
    JedisPooled client = TestRedis.newClient();
    clients.add(client);
    return new RedisCouponStore(client, prefix);
  }

  @Override
  protected CouponStore newStoreSharingWith(CouponStore store) {
    JedisPooled client = TestRedis.newClient();
    clients.add(client);
    return new RedisCouponStore(client, ((RedisCouponStore) store).prefix());
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
