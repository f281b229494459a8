/**
 * Redis storage adapter: {@link io.couponengine.redis.RedisCouponStore} (the {@code CouponStore} SPI on Lua scripts,
 * one hash slot per script, standalone or Cluster) and {@link io.couponengine.redis.RedisEventConsumer} (the
 * script-written event streams, read at least once by a consumer group). Everything else here is package-private.
 * See {@code docs/redis.md}.
 */
package io.couponengine.redis;
