package io.couponengine.resilience4j;

import io.couponengine.redis.RedisServer;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis of the healthy-store tests: {@code COUPON_REDIS_URL} when set (never flushed, never stopped: tests only
 * delete their own prefix), otherwise one server this JVM starts. Tests that stop a server start their own
 * ({@link #startOwnServer()}).
 */
final class TestRedis {
  private static HostAndPort target;

  private TestRedis() {}

  static synchronized HostAndPort target() {
    if (target != null) {
      return target;
    }
    String url = System.getenv("COUPON_REDIS_URL");
    if (url != null && !url.isBlank()) {
      URI u = URI.create(url.trim());
      target = new HostAndPort(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort());
      return target;
    }
    RedisServer own = startOwnServer();
    Runtime.getRuntime().addShutdownHook(new Thread(own::close));
    target = own.hostAndPort();
    return target;
  }

  /** A redis-server of the caller's own (to stop, pause, kill), or the test is skipped when none can start here. */
  static RedisServer startOwnServer() {
    try {
      return RedisServer.start();
    } catch (RuntimeException e) {
      Assumptions.abort("no redis-server could be started here: " + e.getMessage());
      throw e;
    }
  }

  static JedisPooled newClient(HostAndPort hp, int maxConnections, int timeoutMillis) {
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(maxConnections);
    pool.setMaxIdle(maxConnections);
    pool.setJmxEnabled(false);
    return new JedisPooled(pool, hp.getHost(), hp.getPort(), timeoutMillis);
  }

  static String uniquePrefix() {
    return "cer4j-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** SCAN + UNLINK of every key under the prefix. */
  static void deleteKeys(HostAndPort hp, String prefix) {
    try (Jedis j = new Jedis(hp)) {
      String cursor = ScanParams.SCAN_POINTER_START;
      ScanParams match = new ScanParams().match(prefix + ":*").count(1_000);
      do {
        ScanResult<String> page = j.scan(cursor, match);
        List<String> keys = page.getResult();
        if (!keys.isEmpty()) {
          j.unlink(keys.toArray(String[]::new));
        }
        cursor = page.getCursor();
      } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }
  }
}
