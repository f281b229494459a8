package io.couponengine.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.couponengine.jdbc.JdbcCouponStore;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.redis.RedisCouponStore;
import io.couponengine.spi.CouponStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/** Opens the store a {@code --store} value names: {@code memory}, {@code redis://...} or {@code jdbc:...}. */
final class Stores {
  /** The default store: an H2 file database in the working directory, so a session of commands keeps its state. */
  static final String DEFAULT = "jdbc:h2:file:./coupon-data/coupons";

  private Stores() {}

  /** An open store and what to close after it. */
  static final class Opened implements AutoCloseable {
    final CouponStore store;
    final String description;
    private final AutoCloseable resource;

    Opened(CouponStore store, String description, AutoCloseable resource) {
      this.store = store;
      this.description = description;
      this.resource = resource;
    }

    @Override
    public void close() {
      try {
        store.close();
      } catch (Exception ignored) {
        // closing on the way out
      }
      if (resource != null) {
        try {
          resource.close();
        } catch (Exception ignored) {
          // closing on the way out
        }
      }
    }
  }

  static Opened open(String spec, String prefix, String tablePrefix) {
    String s = spec == null ? "" : spec.trim();
    if (s.isEmpty()) {
      throw CliFailure.invalid("--store must not be blank (memory, redis://host:port[/db] or jdbc:...)");
    }
    if (s.equals("memory")) {
      return new Opened(new InMemoryCouponStore(), "memory (state lasts this one command)", null);
    }
    if (s.startsWith("redis://")) {
      return redis(s, prefix);
    }
    if (s.startsWith("jdbc:")) {
      return jdbc(s, tablePrefix);
    }
    throw CliFailure.invalid("--store '%s' is not memory, redis://host:port[/db] or a jdbc: URL", s);
  }

  private static Opened redis(String url, String prefix) {
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw CliFailure.invalid("--store '%s' is not a redis:// URL: %s", url, e.getMessage());
    }
    if (u.getHost() == null) {
      throw CliFailure.invalid("--store '%s' names no host (redis://host:port[/db])", url);
    }
    DefaultJedisClientConfig.Builder cfg = DefaultJedisClientConfig.builder().timeoutMillis(10_000);
    String path = u.getPath() == null ? "" : u.getPath().replace("/", "");
    if (!path.isEmpty()) {
      try {
        cfg.database(Integer.parseInt(path));
      } catch (NumberFormatException e) {
        throw CliFailure.invalid("--store '%s': the database after the '/' must be a number", url);
      }
    }
    if (u.getRawUserInfo() != null) {
      String[] parts = u.getRawUserInfo().split(":", 2);
      if (parts.length == 2) {
        if (!parts[0].isEmpty()) {
          cfg.user(URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
        }
        cfg.password(URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
      } else {
        cfg.password(URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
      }
    }
    HostAndPort hp = new HostAndPort(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort());
    RedisClient client = RedisClient.builder().hostAndPort(hp).clientConfig(cfg.build()).build();
    String where = "redis " + hp + (path.isEmpty() ? "" : "/" + path) + " prefix '" + prefix + "'";
    try {
      client.ping();
    } catch (RuntimeException e) {
      client.close();
      throw unavailable(where, e);
    }
    RedisCouponStore store;
    try {
      store = RedisCouponStore.builder(client, prefix).build();
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    return new Opened(store, where, client);
  }

  private static Opened jdbc(String url, String tablePrefix) {
    String effective = url;
    if (url.startsWith("jdbc:h2:") && !url.toUpperCase(java.util.Locale.ROOT).contains("DB_CLOSE_ON_EXIT")) {
      // H2 closes the database in a JVM shutdown hook: on Ctrl-C the running batch must finish first
      effective = url + ";DB_CLOSE_ON_EXIT=FALSE";
    }
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(effective);
    cfg.setMaximumPoolSize(4);
    cfg.setMinimumIdle(1);
    cfg.setConnectionTimeout(10_000);
    cfg.setPoolName("coupon-cli");
    String where = "jdbc " + redact(url) + " table prefix '" + tablePrefix + "'";
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(cfg);
    } catch (RuntimeException e) {
      throw unavailable(where, e);
    }
    try {
      JdbcCouponStore store = JdbcCouponStore.builder(ds).tablePrefix(tablePrefix).build();
      store.createSchemaIfMissing();
      return new Opened(store, where, ds);
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
  }

  private static CliFailure unavailable(String where, Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return new CliFailure(ExitCodes.STORE_UNAVAILABLE, "STORE_UNAVAILABLE", "cannot reach " + where + ": " + why);
  }

  /** The URL without password parameters, for messages. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
