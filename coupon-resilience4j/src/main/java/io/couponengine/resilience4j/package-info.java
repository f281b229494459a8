/**
 * {@link io.couponengine.resilience4j.ResilientCouponStore}: a {@link io.couponengine.spi.CouponStore} decorator
 * that passes every call through a Resilience4j bulkhead and circuit breaker, answering {@code STORE_UNAVAILABLE}
 * at once while the store is down, and publishing {@code STORE_STATE_CHANGED} events when the breaker moves.
 */
package io.couponengine.resilience4j;
