package io.couponengine.memory;

import io.couponengine.spi.CouponStore;
import io.couponengine.testing.CouponStoreContractTest;

/** The storage contract on the embedded default store. */
class InMemoryCouponStoreTest extends CouponStoreContractTest {
  @Override
  protected CouponStore newStore() {
    return new InMemoryCouponStore();
  }

  /** Races in memory are cheap and their windows narrow: run many rounds. */
  @Override
  protected int raceRounds() {
    return 20_000;
  }
}
