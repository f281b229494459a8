package io.couponengine.spring.boot;

import io.couponengine.CouponEngine;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The Spring Boot 4 health indicator ({@code coupon} in {@code /actuator/health}): UP with the store's type and
 * the ping's time when {@link io.couponengine.spi.CouponStore#ping()} answers, DOWN with the error code
 * ({@code STORE_UNAVAILABLE}) and message when it fails. Each call pings the store once. Thread-safe.
 */
public final class CouponHealthIndicator implements HealthIndicator {
  private final CouponHealth health;

  /**
   * Creates the indicator.
   *
   * @param engine the engine whose store is pinged
   */
  public CouponHealthIndicator(CouponEngine engine) {
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
