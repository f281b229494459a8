package io.couponengine.redis;

import org.junit.jupiter.api.AfterAll;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link RedisPromotionCalendarTest} on the 3-master cluster of {@link RedisClusterContractTest}: every script must
 * stay in one slot (CROSSSLOT otherwise).
 */
class RedisClusterPromotionCalendarTest extends RedisPromotionCalendarTest {
  @Override
  protected UnifiedJedis newClient() {
    return RedisClusterClient.create(RedisClusterContractTest.cluster());
  }

  @Override
  protected void deleteKeys(String prefix) {
    for (HostAndPort node : RedisClusterContractTest.cluster()) {
      TestRedis.deleteKeys(node, prefix);
    }
  }

  @AfterAll
  static void stopCluster() {
    RedisClusterContractTest.stopCluster();
  }
}
