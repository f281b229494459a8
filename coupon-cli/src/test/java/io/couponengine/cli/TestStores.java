package io.couponengine.cli;

import io.couponengine.redis.TestRedis;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.HostAndPort;

/**
 * The real stores the tests run the commands against: COUPON_REDIS_URL / COUPON_PG_URL when set, otherwise a
 * redis-server (coupon-redis test-jar) and an embedded PostgreSQL (zonky) started for this JVM, as the other modules'
 * tests do; skipped with the reason when neither is possible.
 */
final class TestStores {
  private static String pgUrl;
  private static String pgWhyNot;

  private TestStores() {}

  static String redisUrl() {
    HostAndPort hp = TestRedis.target();
    return "redis://" + hp.getHost() + ":" + hp.getPort();
  }

  static HostAndPort redis() {
    return TestRedis.target();
  }

  static synchronized String postgresUrl() {
    if (pgUrl == null && pgWhyNot == null) {
      String env = System.getenv("COUPON_PG_URL");
      if (env != null && !env.isBlank()) {
        pgUrl = env.trim();
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
          pgUrl = pg.getJdbcUrl("postgres", "postgres");
        } catch (Throwable e) {
          pgWhyNot = "COUPON_PG_URL is not set and embedded PostgreSQL (zonky) did not start: " + e;
        }
      }
    }
    Assumptions.assumeTrue(pgUrl != null, pgWhyNot);
    return pgUrl;
  }

  /** A table prefix of this test's own: {@code [a-z][a-z0-9_]*}, at most 24 characters. */
  static String tablePrefix() {
    return "cli" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT) + "_";
  }
}
