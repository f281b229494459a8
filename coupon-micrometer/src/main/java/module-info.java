/**
 * Micrometer meters for a coupon engine: claims by outcome, claim, reserve and settle latency, code generation,
 * sweeps and the near-cache's Caffeine statistics. Start at {@link io.couponengine.micrometer.CouponEngineMetrics}.
 */
module io.couponengine.micrometer {
  requires transitive io.couponengine.core;
  requires transitive micrometer.core;

  exports io.couponengine.micrometer;
}
