package io.couponengine.redis;

import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/** The same cluster contract through Jedis 7's {@link RedisClusterClient}, which the store must also see as a cluster. */
class RedisClusterClientContractTest extends RedisClusterContractTest {
  @Override
  protected UnifiedJedis newClusterClient() {
    return RedisClusterClient.create(cluster());
  }
}
