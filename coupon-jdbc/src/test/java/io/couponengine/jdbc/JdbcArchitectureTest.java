package io.couponengine.jdbc;

import io.couponengine.testing.AdapterArchitectureTest;

/** coupon-jdbc uses core only through its exports and imports no other adapter. */
class JdbcArchitectureTest extends AdapterArchitectureTest {
  @Override
  protected String adapterPackage() {
    return "io.couponengine.jdbc";
  }
}
