package io.couponengine.spring.boot;

import io.couponengine.CouponEngine;
import io.couponengine.error.CouponException;
import io.couponengine.spi.CouponStore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The health check both Actuator indicators ({@link CouponHealthIndicator} on Boot 4,
 * {@link CouponBoot3HealthIndicator} on Boot 3) report: one {@link CouponStore#ping()} of the engine's store.
 */
final class CouponHealth {
  private final CouponEngine engine;

  CouponHealth(CouponEngine engine) {
    this.engine = engine;
  }

  /**
   * Pings the store.
   *
   * @return whether it answered, and the details to show
   */
  Result check() {
    CouponStore store = engine.config().store();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("store", store.getClass().getSimpleName());
    long t0 = System.nanoTime();
    try {
      store.ping();
      details.put("pingMillis", (System.nanoTime() - t0) / 1_000_000);
      return new Result(true, details);
    } catch (CouponException e) {
      details.put("error", e.code().name());
      details.put("message", String.valueOf(e.getMessage()));
      return new Result(false, details);
    } catch (RuntimeException e) {
      details.put("error", e.getClass().getName());
      details.put("message", String.valueOf(e.getMessage()));
      return new Result(false, details);
    }
  }

  /** A ping's outcome. */
  record Result(boolean up, Map<String, Object> details) {}
}
