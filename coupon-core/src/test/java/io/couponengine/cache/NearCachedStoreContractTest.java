package io.couponengine.cache;

import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.spi.CouponStore;
import io.couponengine.testing.CouponStoreContractTest;

/**
 * The storage contract through the near-cache: every invariant of the in-memory store still holds when each engine
 * reads through its own {@link NearCachedStore}. The multi-engine tests get a new near-cache per engine over the
 * same in-memory store, so they run with separate caches, as separate processes would.
 *
 * <p>The TTL is the production default (10 seconds, longer than any test) on purpose: the suite then proves that
 * claims, redemptions and expiry stay correct with caches that only their own writes invalidate.
 */
class NearCachedStoreContractTest extends CouponStoreContractTest {
  private InMemoryCouponStore shared;

  @Override
  protected CouponStore newStore() {
    shared = new InMemoryCouponStore();
    return NearCachedStore.builder(shared).build();
  }

  @Override
  protected CouponStore newStoreSharingWith(CouponStore store) {
    return NearCachedStore.builder(shared).build();
  }
}
