package io.couponengine.benchmarks;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.redis.RedisCouponStore;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * One claim through {@link CouponEngine} on a {@link RedisCouponStore}: the Lua claim script by EVALSHA plus the
 * user-cache generation bump, one round trip. Needs a Redis: {@code COUPON_REDIS_URL} or {@code -Dcoupon.redis.url};
 * without one the setup fails with that message. Keys go under a unique prefix, deleted in the tear-down.
 *
 * <pre>
 * COUPON_REDIS_URL=redis://127.0.0.1:6379 java -jar benchmarks/target/benchmarks.jar RedisClaimBenchmark \
 *     -f 1 -wi 1 -w 5s -i 3 -r 5s -t 8
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RedisClaimBenchmark {
  private JedisPooled jedis;
  private String prefix;
  private CouponEngine engine;
  private String templateId;
  private final AtomicLong keys = new AtomicLong();

  @Setup(Level.Trial)
  public void setUp() {
    String url = System.getProperty("coupon.redis.url", System.getenv("COUPON_REDIS_URL"));
    if (url == null || url.isBlank()) {
      throw new IllegalStateException("RedisClaimBenchmark needs a Redis: set COUPON_REDIS_URL or "
          + "-Dcoupon.redis.url=redis://host:port");
    }
    URI uri = URI.create(url);
    GenericObjectPoolConfig<redis.clients.jedis.Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(128);
    pool.setMaxIdle(128);
    pool.setJmxEnabled(false);
    jedis = new JedisPooled(pool, uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), 5_000);
    prefix = "jmh-" + UUID.randomUUID().toString().substring(0, 8);
    engine = CouponEngine.builder().store(new RedisCouponStore(jedis, prefix)).executor(Runnable::run)
        .generationBatchSize(100_000).build();
    TemplateSpec spec = TemplateSpec.builder().name("jmh").category(CouponCategory.DIRECT).productLine("jmh")
        .totalCount(2_000_000).perUserLimit(100).validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.amountOff(new BigDecimal("1.00"))).build();
    Template t = engine.generation(engine.createTemplate(spec).id()).join();
    templateId = t.id();
  }

  @Benchmark
  public ClaimResult claim() {
    long k = keys.incrementAndGet();
    String user = "u" + ThreadLocalRandom.current().nextInt(1_000_000);
    return engine.claim(new ClaimRequest(user, templateId, "k" + k));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
    String cursor = ScanParams.SCAN_POINTER_START;
    ScanParams match = new ScanParams().match(prefix + ":*").count(1_000);
    do {
      ScanResult<String> page = jedis.scan(cursor, match);
      for (String key : page.getResult()) {
        jedis.unlink(key);
      }
      cursor = page.getCursor();
    } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    jedis.close();
  }
}
