/**
 * The Redis store of the coupon engine (Jedis): one Lua script per claim, Cluster-ready, events on Redis Streams.
 * Start at {@link io.couponengine.redis.RedisCouponStore}.
 */
module io.couponengine.redis {
  requires transitive io.couponengine.core;
  requires transitive redis.clients.jedis;
  requires com.fasterxml.jackson.core;
  requires org.slf4j;

  exports io.couponengine.redis;
}
