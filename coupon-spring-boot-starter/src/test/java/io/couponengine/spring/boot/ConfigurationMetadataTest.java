package io.couponengine.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration metadata IDEs read: every coupon.* property, with descriptions, defaults and store hints. */
class ConfigurationMetadataTest {

  @Test
  void metadata_listsThePropertiesAndHints() throws Exception {
    String json = read("META-INF/spring-configuration-metadata.json");
    assertThat(json).contains("\"coupon.store\"", "\"coupon.expiry-sweep\"", "\"coupon.reservation-timeout\"",
        "\"coupon.near-cache.enabled\"", "\"coupon.near-cache.maximum-size\"", "\"coupon.near-cache.ttl\"",
        "\"coupon.redis.host\"", "\"coupon.redis.port\"", "\"coupon.redis.prefix\"", "\"coupon.jdbc.table-prefix\"",
        "\"coupon.jdbc.create-schema\"", "\"coupon.metrics.template-tag\"", "\"coupon.metrics.percentiles\"",
        "\"management.health.coupon.enabled\"");
    assertThat(json).contains("\"defaultValue\": 6379", "\"defaultValue\": \"coupon_\"");
    assertThat(json).contains("\"value\": \"redis\"", "\"value\": \"jdbc\"", "\"value\": \"memory\"");
    assertThat(json).contains("The Redis port.");
  }

  @Test
  void autoConfigurationImports_listBothConfigurations() throws Exception {
    String imports = read("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");
    assertThat(imports).contains(CouponAutoConfiguration.class.getName(),
        CouponHealthAutoConfiguration.class.getName());
  }

  /** The starter's copy of a resource (the one beside CouponProperties). */
  private static String read(String name) throws Exception {
    String own = CouponProperties.class.getProtectionDomain().getCodeSource().getLocation().toString();
    List<URL> all = Collections.list(CouponProperties.class.getClassLoader().getResources(name));
    URL url = all.stream().filter(u -> u.toString().contains(own.replace("file:", ""))).findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in " + own + ": " + all));
    try (InputStream in = url.openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
