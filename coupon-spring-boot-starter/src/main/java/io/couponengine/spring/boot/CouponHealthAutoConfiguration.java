package io.couponengine.spring.boot;

import io.couponengine.CouponEngine;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the {@code coupon} health indicator (bean {@code couponHealthIndicator}) when Actuator's health API is
 * on the class path and there is a {@link CouponEngine}: {@link CouponHealthIndicator} on Spring Boot 4
 * ({@code spring-boot-health}), {@link CouponBoot3HealthIndicator} on Spring Boot 3 ({@code spring-boot-actuator}).
 * {@code management.health.coupon.enabled=false} turns it off; a bean of that name of the application's wins.
 */
@AutoConfiguration(after = CouponAutoConfiguration.class)
@ConditionalOnBean(CouponEngine.class)
@ConditionalOnProperty(name = "management.health.coupon.enabled", havingValue = "true", matchIfMissing = true)
public class CouponHealthAutoConfiguration {

  /** Created by Spring. */
  public CouponHealthAutoConfiguration() {}

  /** Spring Boot 4: {@code org.springframework.boot.health.contributor}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class Boot4Health {

    @Bean
    @ConditionalOnMissingBean(name = "couponHealthIndicator")
    CouponHealthIndicator couponHealthIndicator(CouponEngine couponEngine) {
      return new CouponHealthIndicator(couponEngine);
    }
  }

  /** Spring Boot 3: {@code org.springframework.boot.actuate.health}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
  static class Boot3Health {

    @Bean
    @ConditionalOnMissingBean(name = "couponHealthIndicator")
    CouponBoot3HealthIndicator couponHealthIndicator(CouponEngine couponEngine) {
      return new CouponBoot3HealthIndicator(couponEngine);
    }
  }
}
