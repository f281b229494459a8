package io.couponengine.spring.boot;

import io.couponengine.CouponEngine;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The Spring Boot 3 health indicator ({@code coupon} in {@code /actuator/health}), registered instead of
 * {@link CouponHealthIndicator} when the application runs on Boot 3: UP with the store's type and the ping's time,
 * DOWN with the error code and message. Each call pings the store once. Thread-safe.
 */
public final class CouponBoot3HealthIndicator implements HealthIndicator {
  private final CouponHealth health;

  /**
   * Creates the indicator.
   *
   * @param engine the engine whose store is pinged
   */
  public CouponBoot3HealthIndicator(CouponEngine engine) {
    this.health = new CouponHealth(engine);
  }

  /**
   * Pings the store.
   *
   * @return UP or DOWN, with details
   */
  @Override
  public Health health() {
    CouponHealth.Result r = health.check();
    return (r.up() ? Health.up() : Health.down()).withDetails(r.details()).build();
  }
}
