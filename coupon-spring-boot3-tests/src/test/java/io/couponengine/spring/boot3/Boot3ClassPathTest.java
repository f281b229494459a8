package io.couponengine.spring.boot3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.core.SpringVersion;

/** The starter's tests in this module really run on Spring Boot 3.5 (Spring Framework 6.2, Micrometer 1.15). */
class Boot3ClassPathTest {

  @Test
  void classPath_isBoot35() {
    assertThat(SpringBootVersion.getVersion()).startsWith("3.5.");
    assertThat(SpringVersion.getVersion()).startsWith("6.2.");
    assertThat(MeterRegistry.class.getPackage().getImplementationVersion()).startsWith("1.15.");
    assertThatThrownBy(() -> Class.forName("org.springframework.boot.health.contributor.HealthIndicator"))
        .isInstanceOf(ClassNotFoundException.class); // Boot 4's health API is absent: the Boot 3 indicator is used
  }
}
