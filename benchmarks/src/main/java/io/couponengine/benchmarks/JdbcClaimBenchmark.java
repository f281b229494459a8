package io.couponengine.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.jdbc.JdbcCouponStore;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Claim throughput of {@link JdbcCouponStore} through the engine: each operation is one claim by a random user of
 * {@code users} with a fresh idempotency key (limit 2 per user, so roughly half the claims answer LIMIT_REACHED
 * once the users are warm, as in JdbcClaimLoad). The pool holds far more codes than the run claims.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar JdbcClaimBenchmark -t 16 \
 *     -p jdbc='jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres'
 * }</pre>
 *
 * <p>Creates its own table prefix and drops it in the tear-down.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
@Threads(16)
public class JdbcClaimBenchmark {
  @Param("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres")
  public String jdbc;

  @Param("50000")
  public int users;

  @Param("500000")
  public long codes;

  private HikariDataSource ds;
  private JdbcCouponStore store;
  private CouponEngine engine;
  private Template template;
  private final AtomicLong keys = new AtomicLong();

  @Setup(Level.Trial)
  public void setUp() {
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(jdbc);
    cfg.setMaximumPoolSize(17);
    cfg.setAutoCommit(false);
    cfg.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    ds = new HikariDataSource(cfg);
    store = JdbcCouponStore.builder(ds)
        .tablePrefix("jmh" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000)) + "_").build();
    store.createSchema();
    engine = CouponEngine.builder().store(store).generationBatchSize(20_000).build();
    TemplateSpec spec = TemplateSpec.builder()
        .name("jmh")
        .category(CouponCategory.THRESHOLD)
        .productLine("mall")
        .totalCount(codes)
        .perUserLimit(2)
        .validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")))
        .scope(Scope.goodsTypes("digital"))
        .build();
    template = engine.generation(engine.createTemplate(spec).id()).join();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
    store.dropSchema();
    ds.close();
  }

  @Benchmark
  public ClaimOutcome claim() {
    long k = keys.incrementAndGet();
    String user = "user-" + ThreadLocalRandom.current().nextInt(users);
    return engine.claim(new ClaimRequest(user, template.id(), "k-" + k)).outcome();
  }
}
