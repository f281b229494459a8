/**
 * The near-cache: {@link io.couponengine.cache.NearCachedStore}, a Caffeine-backed decorator that serves template
 * and user-coupon reads from this JVM's heap in front of any {@link io.couponengine.spi.CouponStore}, while every
 * write still goes to the store.
 */
package io.couponengine.cache;
