package io.couponengine.resilience4j;

import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.spi.CouponStore;
import io.couponengine.testing.CouponStoreContractTest;

/**
 * The storage contract through the decorator over the embedded store, with every default: a healthy store never
 * opens the breaker, and the decorator changes no answer.
 */
class ResilientInMemoryContractTest extends CouponStoreContractTest {
  private InMemoryCouponStore shared;

  @Override
  protected CouponStore newStore() {
    shared = new InMemoryCouponStore();
    return ResilientCouponStore.builder(shared).name("memory").build();
  }

  @Override
  protected CouponStore newStoreSharingWith(CouponStore store) {
    return ResilientCouponStore.builder(shared).name("memory-2").build(); // a second process: its own breaker
  }
}
