package io.couponengine.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.micrometer.CouponEngineMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** With a MeterRegistry, real claims show up as counts in it (bound by Spring Boot's own metrics support). */
class CouponMetricsAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(Boots.COUPON).withConfiguration(Boots.metrics());

  @Test
  void meterRegistry_claimsAreCounted() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(CouponEngineMetrics.class);
      CouponEngine engine = context.getBean(CouponEngine.class);
      assertThat(engine.config().observers()).contains(context.getBean(CouponEngineMetrics.class));
      String templateId = Boots.claimOne(engine, 2, "u1").coupon().orElseThrow().templateId();
      assertThat(engine.claim(new ClaimRequest("u2", templateId, "k2")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
      assertThat(engine.claim(new ClaimRequest("u3", templateId, "k3")).outcome()).isEqualTo(ClaimOutcome.SOLD_OUT);

      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(count(registry, "coupon.claims", "outcome", "CLAIMED")).isEqualTo(2.0);
      assertThat(count(registry, "coupon.claims", "outcome", "SOLD_OUT")).isEqualTo(1.0);
      assertThat(registry.get("coupon.claim").timer().count()).isEqualTo(3);
    });
  }

  @Test
  void bootMadeRegistry_claimsAreCounted() {
    new ApplicationContextRunner().withConfiguration(Boots.COUPON).withConfiguration(Boots.metricsWithRegistry())
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(CouponEngineMetrics.class);
          Boots.claimOne(context.getBean(CouponEngine.class), 2, "u1");
          assertThat(count(context.getBean(MeterRegistry.class), "coupon.claims", "outcome", "CLAIMED"))
              .isEqualTo(1.0);
        });
  }

  @Test
  void templateTagProperty_tagsByTemplate() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues("coupon.metrics.template-tag=true", "coupon.metrics.percentiles=0.5,0.99")
        .run(context -> {
          String templateId = Boots.claimOne(context.getBean(CouponEngine.class), 2, "u1").coupon().orElseThrow()
              .templateId();
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(count(registry, "coupon.claims", "template", templateId, "outcome", "CLAIMED")).isEqualTo(1.0);
        });
  }

  /** The COUNT of the matching meters, whether counters or function counters. */
  private static double count(MeterRegistry registry, String name, String... tags) {
    return registry.find(name).tags(tags).meters().stream()
        .flatMap(m -> java.util.stream.StreamSupport.stream(m.measure().spliterator(), false))
        .filter(ms -> ms.getStatistic() == io.micrometer.core.instrument.Statistic.COUNT)
        .mapToDouble(io.micrometer.core.instrument.Measurement::getValue).sum();
  }

  @Test
  void noMeterRegistry_noMetricsBean() {
    new ApplicationContextRunner().withConfiguration(Boots.COUPON).run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean(CouponEngineMetrics.class);
      assertThat(context.getBean(CouponEngine.class).config().observers()).isEmpty();
    });
  }

  @Test
  void metricsDisabled_noMetricsBean() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withPropertyValues("coupon.metrics.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(CouponEngineMetrics.class));
  }
}
