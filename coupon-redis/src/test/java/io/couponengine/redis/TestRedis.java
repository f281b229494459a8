package io.couponengine.redis;

import java.net.URI;
import java.util.ArrayList;
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
 * The Redis the tests use: {@code COUPON_REDIS_URL} when set (never flushed: tests only delete their own prefix),
 * otherwise one server started for this JVM from the embedded-redis binaries.
 */
public final class TestRedis {
  private static HostAndPort target;
  private static RedisServer own;

  private TestRedis() {}

  public static synchronized HostAndPort target() {
    if (target != null) {
      return target;
    }
    String url = System.getenv("COUPON_REDIS_URL");
    if (url != null && !url.isBlank()) {
      URI u = URI.create(url.trim());
      target = new HostAndPort(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort());
      return target;
    }
    try {
      own = RedisServer.start();
    } catch (RuntimeException e) {
      Assumptions.abort("COUPON_REDIS_URL is not set and no redis-server could be started here: " + e.getMessage());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(own::close));
    target = own.hostAndPort();
    return target;
  }

  public static String describe() {
    target();
    return own == null ? "COUPON_REDIS_URL " + target : "test-started redis-server " + target;
  }

  public static JedisPooled newClient() {
    return newClient(target(), 64);
  }

  /**
   * A redis-server of the caller's own, to stop, pause or kill (never the shared {@code COUPON_REDIS_URL} one); the
   * test is skipped when none can start here.
   *
   * @return the running server
   */
  public static RedisServer startOwnServer() {
    try {
      return RedisServer.start();
    } catch (RuntimeException e) {
      Assumptions.abort("no redis-server could be started here: " + e.getMessage());
      throw e;
    }
  }

  /**
   * A pooled client with its own socket timeout (short for outage tests).
   *
   * @param hp the server
   * @param maxConnections pool size
   * @param timeoutMillis connect and socket timeout
   * @return the client
   */
  public static JedisPooled newClient(HostAndPort hp, int maxConnections, int timeoutMillis) {
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(maxConnections);
    pool.setMaxIdle(maxConnections);
    pool.setJmxEnabled(false);
    return new JedisPooled(pool, hp.getHost(), hp.getPort(), timeoutMillis);
  }

  public static JedisPooled newClient(HostAndPort hp, int maxConnections) {
    return newClient(hp, maxConnections, 5_000);
  }

  public static String uniquePrefix() {
    return "cetest-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** SCAN + UNLINK of every key under the prefix, on one server. */
  public static long deleteKeys(HostAndPort hp, String prefix) {
    long n = 0;
    try (Jedis j = new Jedis(hp)) {
      String cursor = ScanParams.SCAN_POINTER_START;
      ScanParams match = new ScanParams().match(prefix + ":*").count(1_000);
      do {
        ScanResult<String> page = j.scan(cursor, match);
        List<String> keys = new ArrayList<>(page.getResult());
        if (!keys.isEmpty()) {
          // one key per command, pipelined: keys of a page may hash to different slots on a cluster node
          redis.clients.jedis.Pipeline p = j.pipelined();
          for (String k : keys) {
            p.unlink(k);
          }
          p.sync();
          n += keys.size();
        }
        cursor = page.getCursor();
      } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }
    return n;
  }
}
