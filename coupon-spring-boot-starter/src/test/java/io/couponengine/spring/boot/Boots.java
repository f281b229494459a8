package io.couponengine.spring.boot;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.Validity;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;

/**
 * What differs between the Spring Boot generations these tests run on (4.0 here, 3.5 in coupon-spring-boot3-tests),
 * looked up by name so the same compiled tests run on both, and a claim flow.
 */
final class Boots {
  private Boots() {}

  static final AutoConfigurations COUPON =
      AutoConfigurations.of(CouponAutoConfiguration.class, CouponHealthAutoConfiguration.class);

  static boolean boot4() {
    return SpringBootVersion.getVersion().startsWith("4.");
  }

  /** Boot's MetricsAutoConfiguration (binds MeterBinder beans to registries), whichever generation is present. */
  static AutoConfigurations metrics() {
    String name = boot4()
        ? "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration"
        : "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration";
    try {
      return AutoConfigurations.of(Class.forName(name));
    } catch (ClassNotFoundException e) {
      throw new AssertionError(name + " missing on Boot " + SpringBootVersion.getVersion(), e);
    }
  }

  /**
   * Boot's metrics auto-configurations that make the registry themselves (a SimpleMeterRegistry inside a
   * composite), as an application without a registry bean of its own has them.
   */
  static AutoConfigurations metricsWithRegistry() {
    String base = boot4() ? "org.springframework.boot.micrometer.metrics.autoconfigure."
        : "org.springframework.boot.actuate.autoconfigure.metrics.";
    try {
      return AutoConfigurations.of(Class.forName(base + "MetricsAutoConfiguration"),
          Class.forName(base + "CompositeMeterRegistryAutoConfiguration"),
          Class.forName(base + "export.simple.SimpleMetricsExportAutoConfiguration"));
    } catch (ClassNotFoundException e) {
      throw new AssertionError("Boot " + SpringBootVersion.getVersion(), e);
    }
  }

  /** A health indicator's answer, read reflectively (Boot 3 and 4 have different Health types). */
  record HealthReport(String status, Map<String, Object> details) {}

  @SuppressWarnings("unchecked")
  static HealthReport health(Object indicator) {
    try {
      Object health = indicator.getClass().getMethod("health").invoke(indicator);
      Method getStatus = health.getClass().getMethod("getStatus");
      Object status = getStatus.invoke(health);
      String code = (String) status.getClass().getMethod("getCode").invoke(status);
      Map<String, Object> details = (Map<String, Object>) health.getClass().getMethod("getDetails").invoke(health);
      return new HealthReport(code, details);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** Creates a template of {@code codes} codes, waits for its codes and claims one for {@code user}. */
  static ClaimResult claimOne(CouponEngine engine, int codes, String user) {
    Template t = engine.createTemplate(TemplateSpec.builder()
        .name("boot test")
        .category(CouponCategory.DIRECT)
        .productLine("mall")
        .totalCount(codes)
        .perUserLimit(1)
        .validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.amountOff(new BigDecimal("5.00")))
        .build());
    engine.generation(t.id()).join();
    return engine.claim(new ClaimRequest(user, t.id(), user + "-key"));
  }

  /** Every message in a failure's cause chain, joined. */
  static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
    }
    return sb.toString();
  }
}
