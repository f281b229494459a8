/**
 * Spring Boot auto-configuration of the coupon engine: {@link io.couponengine.spring.boot.CouponAutoConfiguration}
 * builds a {@link io.couponengine.CouponEngine} bean from {@link io.couponengine.spring.boot.CouponProperties}
 * ({@code coupon.*}), {@link io.couponengine.spring.boot.CouponHealthAutoConfiguration} adds the Actuator health
 * indicator. Works on Spring Boot 4.0 and 3.5.
 */
package io.couponengine.spring.boot;
