package io.couponengine.benchmarks;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Claims per second through {@link CouponEngine#claim} on the in-memory store: the full path (validation, template
 * lookup, coupon id, the atomic store claim).
 *
 * <ul>
 *   <li>{@code templates=1}: every thread claims from one hot template (the flash-sale case; claims of one template
 *       serialize on its monitor).</li>
 *   <li>{@code templates=64}: threads spread over 64 templates (claims of different templates never contend).</li>
 * </ul>
 *
 * <p>The in-memory store keeps every claimed coupon (about 600 bytes of objects per claim, all long-lived), so the
 * collector's copying dominates: the fork runs the throughput collector with a large young generation
 * ({@code -XX:+UseParallelGC -Xmn6g}); BENCHMARKS.md also gives the G1 default for comparison
 * ({@code -jvmArgsAppend "-XX:+UseG1GC"} does not override it: edit the annotation).
 *
 * <p>Each iteration starts on a fresh engine whose templates hold enough codes that no claim is refused (checked
 * in the iteration's tear-down: a SOLD_OUT or LIMIT_REACHED answer fails the run instead of inflating the score).
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -jar benchmarks/target/benchmarks.jar ClaimBenchmark -t 1
 * java -jar benchmarks/target/benchmarks.jar ClaimBenchmark -t 2
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class ClaimBenchmark {
  private static final int USERS = 200_000;

  @Param({"1", "64"})
  public int templates;

  /** Codes per iteration across all templates: above what two threads can claim in one second. */
  @Param({"4000000"})
  public int codesPerIteration;

  private CouponEngine engine;
  private String[] templateIds;
  private String[] userIds;
  private final AtomicInteger refused = new AtomicInteger();

  /** Each thread's own counter, so idempotency keys never repeat. */
  @State(Scope.Thread)
  public static class ThreadState {
    private static final AtomicInteger THREADS = new AtomicInteger();
    final String prefix = "t" + THREADS.incrementAndGet() + "-";
    long n;
  }

  @Setup(Level.Iteration)
  public void setUp() {
    engine = CouponEngine.builder().store(new InMemoryCouponStore()).executor(Runnable::run).build();
    templateIds = new String[templates];
    for (int i = 0; i < templates; i++) {
      Template t = engine.createTemplate(TemplateSpec.builder().name("bench " + i)
          .category(CouponCategory.THRESHOLD).productLine("bench").totalCount(codesPerIteration / templates)
          .perUserLimit(TemplateSpec.MAX_PER_USER_LIMIT).validity(Validity.rolling(Duration.ofDays(7)))
          .discount(Discount.threshold(new BigDecimal("100"), new BigDecimal("20"))).build());
      templateIds[i] = engine.generation(t.id()).join().id();
    }
    if (userIds == null) {
      userIds = new String[USERS];
      for (int i = 0; i < USERS; i++) {
        userIds[i] = "user-" + i;
      }
    }
    refused.set(0);
  }

  @TearDown(Level.Iteration)
  public void tearDown() {
    engine.close();
    if (refused.get() > 0) {
      throw new IllegalStateException(refused.get() + " claims were refused: raise codesPerIteration");
    }
  }

  @Benchmark
  public ClaimResult claim(ThreadState state) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String template = templateIds[templates == 1 ? 0 : random.nextInt(templates)];
    ClaimResult r = engine.claim(new ClaimRequest(userIds[random.nextInt(USERS)], template,
        state.prefix + state.n++));
    if (r.outcome() != ClaimOutcome.CLAIMED) {
      refused.incrementAndGet();
    }
    return r;
  }
}
