package io.couponengine.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A bad {@code coupon.*} value fails the start, and the failure names the property. */
class CouponPropertiesBindingTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(Boots.COUPON);

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "coupon.store|mongo",
      "coupon.reservation-timeout|-5s",
      "coupon.expiry-sweep|10ms",
      "coupon.generation-batch-size|0",
      "coupon.near-cache.maximum-size|0",
      "coupon.near-cache.ttl|0s",
      "coupon.near-cache.jitter-percent|100",
      "coupon.near-cache.stale-if-error|-1s",
      "coupon.redis.port|70000",
      "coupon.redis.prefix|a{b}",
      "coupon.jdbc.table-prefix|Coupon-",
      "coupon.metrics.percentiles|1.5"})
  void badValue_failureNamesTheProperty(String property, String value) {
    runner.withPropertyValues(property + "=" + value).run(context -> {
      assertThat(context).hasFailed();
      assertThat(Boots.messages(context.getStartupFailure()))
          .contains(property);
    });
  }
}
