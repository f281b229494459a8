/**
 * A Resilience4j circuit breaker and bulkhead in front of any coupon store, so a failing store is refused fast
 * instead of holding every caller for its timeout. Start at {@link io.couponengine.resilience4j.ResilientCouponStore}.
 */
module io.couponengine.resilience4j {
  requires transitive io.couponengine.core;
  requires transitive io.github.resilience4j.circuitbreaker;
  requires transitive io.github.resilience4j.bulkhead;
  requires transitive io.github.resilience4j.core;
  requires org.slf4j;

  exports io.couponengine.resilience4j;
}
