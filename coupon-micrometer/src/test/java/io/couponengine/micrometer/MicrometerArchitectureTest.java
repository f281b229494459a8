package io.couponengine.micrometer;

import io.couponengine.testing.AdapterArchitectureTest;

/** coupon-micrometer uses core only through its exports and imports no adapter. */
class MicrometerArchitectureTest extends AdapterArchitectureTest {
  @Override
  protected String adapterPackage() {
    return "io.couponengine.micrometer";
  }
}
