package io.couponengine.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.couponengine.jdbc.JdbcCouponStore;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.redis.RedisCouponStore;
import io.couponengine.spi.CouponStore;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The store an example program runs on, from one {@code --store} value: {@code memory} (the embedded default),
 * {@code redis://host:port} (a fresh key prefix, deleted on close) or a JDBC URL (fresh tables, dropped on close).
 */
final class StoreOption implements AutoCloseable {
  final CouponStore store;
  final String description;
  private final AutoCloseable cleanup;

  private StoreOption(CouponStore store, String description, AutoCloseable cleanup) {
    this.store = store;
    this.description = description;
    this.cleanup = cleanup;
  }

  static StoreOption open(String spec, int connections) {
    return open(spec, connections, Duration.ofSeconds(30), null, 0);
  }

  /**
   * Opens a store with a client timeout and, for PostgreSQL, an application name (what {@code pg_stat_activity}
   * shows, so a fault program can find the store's own backends).
   *
   * @param spec {@code memory}, {@code redis://host:port} or a JDBC URL
   * @param connections how many connections the store's pool holds
   * @param timeout Redis: connect, socket and pool-borrow timeout; JDBC: the pool's connection timeout
   * @param applicationName PostgreSQL's {@code ApplicationName}, or null
   * @param jdbcAttempts the JDBC store's attempts per transaction, or 0 for its default
   * @return the opened store
   */
  static StoreOption open(String spec, int connections, Duration timeout, String applicationName,
      int jdbcAttempts) {
    int timeoutMillis = Math.toIntExact(timeout.toMillis());
    if (spec.equals("memory")) {
      return new StoreOption(new InMemoryCouponStore(), "in-memory store", () -> { });
    }
    if (spec.startsWith("redis://")) {
      URI uri = URI.create(spec);
      GenericObjectPoolConfig<redis.clients.jedis.Connection> pool = new GenericObjectPoolConfig<>();
      pool.setMaxTotal(connections + 4);
      pool.setMaxIdle(connections + 4);
      pool.setJmxEnabled(false);
      pool.setMaxWait(timeout);
      JedisPooled jedis = new JedisPooled(pool, uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(),
          timeoutMillis);
      String prefix = "demo-" + UUID.randomUUID().toString().substring(0, 8);
      return new StoreOption(new RedisCouponStore(jedis, prefix), "Redis " + spec + " (prefix " + prefix + ")",
          () -> {
            deleteKeys(jedis, prefix);
            jedis.close();
          });
    }
    if (spec.startsWith("jdbc:")) {
      HikariConfig cfg = new HikariConfig();
      cfg.setJdbcUrl(spec);
      cfg.setMaximumPoolSize(connections + 1);
      cfg.setAutoCommit(false);
      cfg.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
      cfg.setConnectionTimeout(timeoutMillis);
      cfg.setValidationTimeout(Math.min(5_000, Math.max(250, timeoutMillis / 2)));
      if (spec.startsWith("jdbc:postgresql:")) {
        cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
        if (applicationName != null) {
          cfg.addDataSourceProperty("ApplicationName", applicationName);
        }
      }
      HikariDataSource ds = new HikariDataSource(cfg);
      String prefix = "demo" + UUID.randomUUID().toString().substring(0, 6) + "_";
      JdbcCouponStore.Builder builder = JdbcCouponStore.builder(ds).tablePrefix(prefix);
      if (jdbcAttempts > 0) {
        builder.maxAttempts(jdbcAttempts);
      }
      JdbcCouponStore store = builder.build();
      store.createSchema();
      return new StoreOption(store, "database " + spec + " (tables " + prefix + "*)", () -> {
        store.dropSchema();
        ds.close();
      });
    }
    throw new IllegalArgumentException("--store must be memory, redis://host:port or a JDBC URL, not " + spec);
  }

  /** SCAN + UNLINK of every key under the prefix; never a flush. Returns how many keys were deleted. */
  static long deleteKeys(JedisPooled jedis, String prefix) {
    long n = 0;
    String cursor = ScanParams.SCAN_POINTER_START;
    ScanParams match = new ScanParams().match(prefix + ":*").count(1_000);
    do {
      ScanResult<String> page = jedis.scan(cursor, match);
      for (String k : page.getResult()) {
        n += jedis.unlink(k);
      }
      cursor = page.getCursor();
    } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    return n;
  }


  @Override
  public void close() throws Exception {
    store.close();
    cleanup.close();
  }
}
