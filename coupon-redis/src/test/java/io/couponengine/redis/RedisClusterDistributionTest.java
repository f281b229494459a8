package io.couponengine.redis;

import org.junit.jupiter.api.AfterAll;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link RedisDistributionTest} on the 3-master cluster of {@link RedisClusterContractTest}: the code index, the
 * failure counters and the templates live in different slots, and every script must stay in one (CROSSSLOT
 * otherwise).
 */
class RedisClusterDistributionTest extends RedisDistributionTest {
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
