package io.couponengine.redis;

import io.couponengine.testing.AdapterArchitectureTest;

/** coupon-redis uses core only through its exports and imports no other adapter. */
class RedisArchitectureTest extends AdapterArchitectureTest {
  @Override
  protected String adapterPackage() {
    return "io.couponengine.redis";
  }
}
