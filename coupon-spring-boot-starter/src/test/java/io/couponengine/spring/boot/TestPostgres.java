package io.couponengine.spring.boot;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL the tests use: COUPON_PG_URL when set, otherwise one embedded server (zonky) per JVM, otherwise the
 * test is skipped with the reason (as coupon-jdbc's tests do).
 */
final class TestPostgres {
  private static String url;
  private static String whyNot;

  private TestPostgres() {}

  static synchronized String url() {
    if (url == null && whyNot == null) {
      String env = System.getenv("COUPON_PG_URL");
      if (env != null && !env.isBlank()) {
        url = env.trim();
      } else {
        try {
          EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
              pg.close();
            } catch (Exception ignored) {
              // JVM exit
            }
          }));
          url = pg.getJdbcUrl("postgres", "postgres");
        } catch (Throwable e) {
          whyNot = "COUPON_PG_URL is not set and embedded PostgreSQL (zonky) did not start: " + e;
        }
      }
    }
    Assumptions.assumeTrue(url != null, whyNot);
    return url;
  }

  /** A small pool, as an application's DataSource bean would be. */
  static HikariDataSource pool() {
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(url());
    cfg.setMaximumPoolSize(4);
    cfg.setMinimumIdle(1);
    return new HikariDataSource(cfg);
  }
}
