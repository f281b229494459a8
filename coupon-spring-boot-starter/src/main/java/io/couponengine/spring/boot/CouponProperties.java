package io.couponengine.spring.boot;

import io.couponengine.CouponEngine;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code coupon.*} properties the auto-configuration builds the {@link CouponEngine} from. Every setter checks
 * its value, so a bad one fails the application's start with Spring Boot's binding failure naming the property
 * (for example {@code coupon.near-cache.maximum-size}).
 *
 * <pre>{@code
 * coupon.store=redis
 * coupon.redis.host=redis.internal
 * coupon.redis.port=6379
 * }</pre>
 *
 * <p>Defaults: the in-memory store, no scheduled expiry sweep, reservations held 30 minutes, no near-cache. All
 * properties with their defaults: docs/spring-boot.md. Not thread-safe (bound once at start).
 */
@ConfigurationProperties(prefix = "coupon")
public class CouponProperties {

  /** Where templates, codes and coupons are kept. */
  public enum StoreKind {
    /** The in-memory store: one process, lost on restart (tests, demos). */
    MEMORY,
    /** Redis through coupon-redis: the application's {@code UnifiedJedis} bean or a client from coupon.redis.*. */
    REDIS,
    /** A relational database through coupon-jdbc, on the application's {@code DataSource} bean. */
    JDBC
  }

  private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  private static final Duration MAX_INTERVAL = Duration.ofDays(366);

  /** Where templates, codes and coupons are kept: memory, redis or jdbc. */
  private StoreKind store = StoreKind.MEMORY;
  /** How often the engine sweeps expired coupons and stale reservations (1s to 366d); not scheduled when unset. */
  private Duration expirySweep;
  /** How long a reservation holds its coupons before the sweep releases it (1s to 366d). */
  private Duration reservationTimeout = Duration.ofMinutes(30);
  /** How many codes are generated and loaded per store call (1 to 100,000; engine default 10,000). */
  private Integer generationBatchSize;
  /** How many coupons one sweep step expires (1 to 100,000; engine default 1,000). */
  private Integer sweepBatchSize;
  private final NearCache nearCache = new NearCache();
  private final Redis redis = new Redis();
  private final Jdbc jdbc = new Jdbc();
  private final Metrics metrics = new Metrics();

  /** Creates the properties with their defaults. */
  public CouponProperties() {}

  /**
   * The store kind.
   *
   * @return memory (default), redis or jdbc
   */
  public StoreKind getStore() {
    return store;
  }

  /**
   * Sets the store kind.
   *
   * @param store memory, redis or jdbc
   * @throws IllegalArgumentException when null
   */
  public void setStore(StoreKind store) {
    if (store == null) {
      throw invalid("coupon.store", "must be one of memory, redis, jdbc", null);
    }
    this.store = store;
  }

  /**
   * How often the engine sweeps expired coupons and stale reservations.
   *
   * @return the interval, or null when not scheduled (the default)
   */
  public Duration getExpirySweep() {
    return expirySweep;
  }

  /**
   * Sets how often the engine sweeps expired coupons and stale reservations.
   *
   * @param expirySweep 1 second to 366 days; null for no scheduled sweep
   * @throws IllegalArgumentException when out of range
   */
  public void setExpirySweep(Duration expirySweep) {
    this.expirySweep = expirySweep == null ? null : interval(expirySweep, "coupon.expiry-sweep");
  }

  /**
   * How long a reservation holds its coupons before the sweep releases it.
   *
   * @return the timeout (default 30 minutes)
   */
  public Duration getReservationTimeout() {
    return reservationTimeout;
  }

  /**
   * Sets how long a reservation holds its coupons before the sweep releases it.
   *
   * @param reservationTimeout 1 second to 366 days
   * @throws IllegalArgumentException when null or out of range
   */
  public void setReservationTimeout(Duration reservationTimeout) {
    this.reservationTimeout = interval(reservationTimeout, "coupon.reservation-timeout");
  }

  /**
   * How many codes are generated and loaded per store call.
   *
   * @return the size, or null for the engine's default (10,000)
   */
  public Integer getGenerationBatchSize() {
    return generationBatchSize;
  }

  /**
   * Sets how many codes are generated and loaded per store call.
   *
   * @param generationBatchSize 1 to 100,000; null for the engine's default
   * @throws IllegalArgumentException when out of range
   */
  public void setGenerationBatchSize(Integer generationBatchSize) {
    this.generationBatchSize = generationBatchSize == null ? null : range(generationBatchSize, 1, 100_000, "coupon.generation-batch-size");
  }

  /**
   * How many coupons one sweep step expires.
   *
   * @return the size, or null for the engine's default (1,000)
   */
  public Integer getSweepBatchSize() {
    return sweepBatchSize;
  }

  /**
   * Sets how many coupons one sweep step expires.
   *
   * @param sweepBatchSize 1 to 100,000; null for the engine's default
   * @throws IllegalArgumentException when out of range
   */
  public void setSweepBatchSize(Integer sweepBatchSize) {
    this.sweepBatchSize = sweepBatchSize == null ? null : range(sweepBatchSize, 1, 100_000, "coupon.sweep-batch-size");
  }

  /**
   * The near-cache settings ({@code coupon.near-cache.*}).
   *
   * @return the near-cache settings
   */
  public NearCache getNearCache() {
    return nearCache;
  }

  /**
   * The Redis settings ({@code coupon.redis.*}).
   *
   * @return the Redis settings
   */
  public Redis getRedis() {
    return redis;
  }

  /**
   * The JDBC settings ({@code coupon.jdbc.*}).
   *
   * @return the JDBC settings
   */
  public Jdbc getJdbc() {
    return jdbc;
  }

  /**
   * The Micrometer settings ({@code coupon.metrics.*}).
   *
   * @return the metrics settings
   */
  public Metrics getMetrics() {
    return metrics;
  }

  /** The failure a setter throws: Boot shows it as the binding failure's reason, so it names the property. */
  static IllegalArgumentException invalid(String property, String problem, Object value) {
    return new IllegalArgumentException(property + " " + problem + " but was '" + value + "'");
  }

  static Duration interval(Duration d, String property) {
    if (d == null || d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(MAX_INTERVAL) > 0) {
      throw invalid(property, "must be from 1s to 366 days", d);
    }
    return d;
  }

  static int range(int value, int min, int max, String property) {
    if (value < min || value > max) {
      throw invalid(property, "must be in [" + min + ", " + max + "]", value);
    }
    return value;
  }

  /**
   * A Caffeine near-cache in front of the store for reads ({@code io.couponengine.cache.NearCachedStore}); claims
   * and every write still go to the store.
   */
  public static class NearCache {
    /** Whether reads go through a Caffeine near-cache (claims and writes always reach the store). */
    private boolean enabled;
    /** The most entries each near-cache holds (at least 1). */
    private long maximumSize = 10_000;
    /** The longest a near-cache entry is kept: the staleness bound for writes made by other instances (1ms to 365d). */
    private Duration ttl = Duration.ofSeconds(10);
    /** Percentage of the TTL by which entry lifetimes are randomly shortened (0 to 99). */
    private int jitterPercent = 10;
    /** How long template listings and remaining counts are cached (1ms to 365d); not cached when unset. */
    private Duration catalogTtl;
    /** The oldest cached value served while the store fails (0 turns stale-if-error off). */
    private Duration staleIfError = Duration.ofMinutes(5);

    /** Creates the settings with their defaults. */
    public NearCache() {}

    /**
     * Whether reads go through a near-cache.
     *
     * @return true when on (default false)
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Turns the near-cache on or off.
     *
     * @param enabled true for on
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * The most entries each cache holds.
     *
     * @return the size (default 10,000)
     */
    public long getMaximumSize() {
      return maximumSize;
    }

    /**
     * Sets the most entries each cache holds.
     *
     * @param maximumSize at least 1
     * @throws IllegalArgumentException when less than 1
     */
    public void setMaximumSize(long maximumSize) {
      if (maximumSize < 1) {
        throw invalid("coupon.near-cache.maximum-size", "must be at least 1", maximumSize);
      }
      this.maximumSize = maximumSize;
    }

    /**
     * The longest an entry is kept: the staleness bound for writes made through other instances.
     *
     * @return the TTL (default 10 seconds)
     */
    public Duration getTtl() {
      return ttl;
    }

    /**
     * Sets the longest an entry is kept.
     *
     * @param ttl 1 millisecond to 365 days
     * @throws IllegalArgumentException when null or out of range
     */
    public void setTtl(Duration ttl) {
      this.ttl = cacheTtl(ttl, "coupon.near-cache.ttl");
    }

    /**
     * The percentage of the TTL by which entry lifetimes are randomly shortened.
     *
     * @return 0 to 99 (default 10)
     */
    public int getJitterPercent() {
      return jitterPercent;
    }

    /**
     * Sets the TTL jitter.
     *
     * @param jitterPercent 0 (off) to 99
     * @throws IllegalArgumentException when out of range
     */
    public void setJitterPercent(int jitterPercent) {
      this.jitterPercent = range(jitterPercent, 0, 99, "coupon.near-cache.jitter-percent");
    }

    /**
     * How long template listings and remaining counts are cached.
     *
     * @return the TTL, or null when they are not cached (the default)
     */
    public Duration getCatalogTtl() {
      return catalogTtl;
    }

    /**
     * Sets how long template listings and remaining counts are cached.
     *
     * @param catalogTtl 1 millisecond to 365 days; null for not cached
     * @throws IllegalArgumentException when out of range
     */
    public void setCatalogTtl(Duration catalogTtl) {
      this.catalogTtl = catalogTtl == null ? null : cacheTtl(catalogTtl, "coupon.near-cache.catalog-ttl");
    }

    /**
     * The oldest value served when the store fails (stale-if-error).
     *
     * @return the age (default 5 minutes; 0 is off)
     */
    public Duration getStaleIfError() {
      return staleIfError;
    }

    /**
     * Sets the oldest value served when the store fails.
     *
     * @param staleIfError 0 (off) to 366 days
     * @throws IllegalArgumentException when null, negative or longer than 366 days
     */
    public void setStaleIfError(Duration staleIfError) {
      if (staleIfError == null || staleIfError.isNegative() || staleIfError.compareTo(MAX_INTERVAL) > 0) {
        throw invalid("coupon.near-cache.stale-if-error", "must be from 0 to 366 days", staleIfError);
      }
      this.staleIfError = staleIfError;
    }

    private static Duration cacheTtl(Duration d, String property) {
      if (d == null || d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(Duration.ofDays(365)) > 0) {
        throw invalid(property, "must be from 1ms to 365 days", d);
      }
      return d;
    }
  }

  /**
   * The Redis client the starter makes when the application has no {@code UnifiedJedis} bean (a pooled
   * {@code RedisClient}, closed with the context), and the store's key prefix. When the application has its own
   * {@code UnifiedJedis} bean, only {@code prefix} is used and the client is never closed by the starter.
   */
  public static class Redis {
    private static final Pattern BRACES_OR_CONTROL = Pattern.compile("[{}\\p{Cntrl}]");

    /** The Redis host (ignored when the application has a UnifiedJedis bean). */
    private String host = "localhost";
    /** The Redis port. */
    private int port = 6379;
    /** The Redis ACL user name; the default user when unset. */
    private String username;
    /** The Redis password; none when unset. */
    private String password;
    /** The Redis database index. */
    private int database;
    /** Whether the Redis connection uses TLS. */
    private boolean ssl;
    /** The Redis connect and socket timeout (1ms to 10m). */
    private Duration timeout = Duration.ofSeconds(2);
    /** The most connections the starter's Redis client opens (1 to 10,000). */
    private int poolSize = 64;
    /** The prefix of every Redis key the store writes (no braces or control characters). */
    private String prefix = "coupons";

    /** Creates the settings with their defaults. */
    public Redis() {}

    /**
     * The Redis host.
     *
     * @return the host (default localhost)
     */
    public String getHost() {
      return host;
    }

    /**
     * Sets the Redis host.
     *
     * @param host a host name or address
     * @throws IllegalArgumentException when null or blank
     */
    public void setHost(String host) {
      if (host == null || host.isBlank()) {
        throw invalid("coupon.redis.host", "must not be blank", host);
      }
      this.host = host.trim();
    }

    /**
     * The Redis port.
     *
     * @return the port (default 6379)
     */
    public int getPort() {
      return port;
    }

    /**
     * Sets the Redis port.
     *
     * @param port 1 to 65535
     * @throws IllegalArgumentException when out of range
     */
    public void setPort(int port) {
      this.port = range(port, 1, 65_535, "coupon.redis.port");
    }

    /**
     * The ACL user name.
     *
     * @return the user, or null for the default user
     */
    public String getUsername() {
      return username;
    }

    /**
     * Sets the ACL user name.
     *
     * @param username the user; null for the default user
     */
    public void setUsername(String username) {
      this.username = username;
    }

    /**
     * The password.
     *
     * @return the password, or null for none
     */
    public String getPassword() {
      return password;
    }

    /**
     * Sets the password.
     *
     * @param password the password; null for none
     */
    public void setPassword(String password) {
      this.password = password;
    }

    /**
     * The database index.
     *
     * @return the index (default 0)
     */
    public int getDatabase() {
      return database;
    }

    /**
     * Sets the database index.
     *
     * @param database 0 or more
     * @throws IllegalArgumentException when negative
     */
    public void setDatabase(int database) {
      this.database = range(database, 0, Integer.MAX_VALUE, "coupon.redis.database");
    }

    /**
     * Whether the connection uses TLS.
     *
     * @return true for TLS (default false)
     */
    public boolean isSsl() {
      return ssl;
    }

    /**
     * Turns TLS on or off.
     *
     * @param ssl true for TLS
     */
    public void setSsl(boolean ssl) {
      this.ssl = ssl;
    }

    /**
     * The connect and socket timeout.
     *
     * @return the timeout (default 2 seconds)
     */
    public Duration getTimeout() {
      return timeout;
    }

    /**
     * Sets the connect and socket timeout.
     *
     * @param timeout 1 millisecond to 10 minutes
     * @throws IllegalArgumentException when null or out of range
     */
    public void setTimeout(Duration timeout) {
      if (timeout == null || timeout.compareTo(Duration.ofMillis(1)) < 0
          || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
        throw invalid("coupon.redis.timeout", "must be from 1ms to 10 minutes", timeout);
      }
      this.timeout = timeout;
    }

    /**
     * The most connections the client's pool opens.
     *
     * @return the size (default 64)
     */
    public int getPoolSize() {
      return poolSize;
    }

    /**
     * Sets the most connections the client's pool opens.
     *
     * @param poolSize 1 to 10,000
     * @throws IllegalArgumentException when out of range
     */
    public void setPoolSize(int poolSize) {
      this.poolSize = range(poolSize, 1, 10_000, "coupon.redis.pool-size");
    }

    /**
     * The prefix of every key the store writes.
     *
     * @return the prefix (default {@code coupons})
     */
    public String getPrefix() {
      return prefix;
    }

    /**
     * Sets the prefix of every key the store writes.
     *
     * @param prefix 1 to 128 characters, no braces or control characters
     * @throws IllegalArgumentException when blank, too long or holding braces or control characters
     */
    public void setPrefix(String prefix) {
      if (prefix == null || prefix.isBlank() || prefix.length() > 128 || BRACES_OR_CONTROL.matcher(prefix).find()) {
        throw invalid("coupon.redis.prefix", "must be 1 to 128 characters without braces or control characters",
            prefix);
      }
      this.prefix = prefix;
    }
  }

  /** The JDBC store over the application's {@code DataSource} bean. */
  public static class Jdbc {
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,23}");

    /** The prefix of the store's tables: [a-z][a-z0-9_]*, at most 24 characters. */
    private String tablePrefix = "coupon_";
    /** Whether the store's tables (and claim routine) are created at start when the templates table is missing. */
    private boolean createSchema = true;

    /** Creates the settings with their defaults. */
    public Jdbc() {}

    /**
     * The prefix of the store's tables.
     *
     * @return the prefix (default {@code coupon_})
     */
    public String getTablePrefix() {
      return tablePrefix;
    }

    /**
     * Sets the prefix of the store's tables.
     *
     * @param tablePrefix a lower-case identifier of at most 24 characters: {@code [a-z][a-z0-9_]*}
     * @throws IllegalArgumentException when not such an identifier
     */
    public void setTablePrefix(String tablePrefix) {
      if (tablePrefix == null || !PREFIX.matcher(tablePrefix).matches()) {
        throw invalid("coupon.jdbc.table-prefix", "must match " + PREFIX, tablePrefix);
      }
      this.tablePrefix = tablePrefix;
    }

    /**
     * Whether the store's tables (and claim routine) are created at start when its templates table is missing.
     *
     * @return true to create them (default)
     */
    public boolean isCreateSchema() {
      return createSchema;
    }

    /**
     * Sets whether the store's tables are created at start when missing; turn it off when a migration tool (or a
     * DBA) runs {@code schema-<dialect>.sql}.
     *
     * @param createSchema true to create missing tables
     */
    public void setCreateSchema(boolean createSchema) {
      this.createSchema = createSchema;
    }
  }

  /** The Micrometer metrics, bound when micrometer-core is present and the application has a MeterRegistry. */
  public static class Metrics {
    /** Whether the engine's Micrometer meters are registered (needs micrometer-core and a MeterRegistry bean). */
    private boolean enabled = true;
    /** Whether meters carry a 'template' tag (one series per template: mind the cardinality). */
    private boolean templateTag;
    /** Latency percentiles published for the engine's timers, each in [0, 1], e.g. 0.5,0.99; none by default. */
    private double[] percentiles = {};
    /** Whether the engine's timers publish a histogram (for percentiles aggregated across instances). */
    private boolean percentileHistogram;

    /** Creates the settings with their defaults. */
    public Metrics() {}

    /**
     * Whether the engine's meters are registered.
     *
     * @return true when on (default, given a MeterRegistry)
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Turns the engine's meters on or off.
     *
     * @param enabled true for on
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * Whether meters carry a {@code template} tag (one series per template: watch the cardinality).
     *
     * @return true to tag (default false)
     */
    public boolean isTemplateTag() {
      return templateTag;
    }

    /**
     * Sets whether meters carry a {@code template} tag.
     *
     * @param templateTag true to tag
     */
    public void setTemplateTag(boolean templateTag) {
      this.templateTag = templateTag;
    }

    /**
     * The latency percentiles published for timers.
     *
     * @return a copy of the percentiles (default none)
     */
    public double[] getPercentiles() {
      return percentiles.clone();
    }

    /**
     * Whether the timers publish a percentile histogram.
     *
     * @return true to publish (default false)
     */
    public boolean isPercentileHistogram() {
      return percentileHistogram;
    }

    /**
     * Sets whether the timers publish a percentile histogram.
     *
     * @param percentileHistogram true to publish
     */
    public void setPercentileHistogram(boolean percentileHistogram) {
      this.percentileHistogram = percentileHistogram;
    }

    /**
     * Sets the latency percentiles published for timers.
     *
     * @param percentiles each in [0, 1], for example {@code 0.5, 0.99}
     * @throws IllegalArgumentException when one is outside [0, 1] or NaN
     */
    public void setPercentiles(double[] percentiles) {
      double[] p = percentiles == null ? new double[0] : percentiles.clone();
      for (double v : p) {
        if (!(v >= 0 && v <= 1)) {
          throw invalid("coupon.metrics.percentiles", "must each be in [0, 1]", v);
        }
      }
      this.percentiles = p;
    }
  }
}
