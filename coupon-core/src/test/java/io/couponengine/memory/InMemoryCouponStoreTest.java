package io.couponengine.memory;

import io.couponengine.spi.CouponStore;
import io.couponengine.testing.CouponStoreContractTest;

/** The storage contract on the embedded default store. */
class InMemoryCouponStoreTest extends CouponStoreContractTest {
  @Override
  protected CouponStore newStore() {
    return new InMemoryCouponStore();
  }
}
