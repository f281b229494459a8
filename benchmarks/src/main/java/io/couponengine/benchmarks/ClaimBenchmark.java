package io.couponengine.benchmarks;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.code.CodeFormat;
import io.couponengine.code.CodeGenerator;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * <p>The fork runs the default collector (G1) in a 4 GiB heap ({@code -Xmx4g}): the store keeps a claim in a few
 * primitive arrays, so young collections find little alive. Add {@code -prof gc} for the bytes allocated per claim.
 *
 * <p>Each iteration starts on a fresh engine and store whose templates hold enough codes that no claim is refused
 * (checked in the iteration's tear-down: a SOLD_OUT or LIMIT_REACHED answer fails the run instead of inflating the
 * score). The codes are generated once per trial (fixed template ids, {@link CodeGenerator}) and appended to each
 * iteration's fresh store, so the iteration's set-up allocates little: {@code -prof gc} counts the set-up's
 * allocation in its bytes per operation too.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar '\.ClaimBenchmark\.' -t 1 -prof gc
 * java -jar benchmarks/target/benchmarks.jar '\.ClaimBenchmark\.' -t 2 -prof gc
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
  private static final int BATCH = 100_000;

  @Param({"1", "64"})
  public int templates;

  /** Codes per iteration across all templates: above what two threads can claim in one second. */
  @Param({"4000000"})
  public int codesPerIteration;

  private CouponEngine engine;
  private String[] templateIds;
  private Template[] templateRecords;
  private List<List<String>> codes;
  private String[] userIds;
  private final AtomicInteger refused = new AtomicInteger();

  /** Each thread's own counter, so idempotency keys never repeat. */
  @State(Scope.Thread)
  public static class ThreadState {
    private static final AtomicInteger THREADS = new AtomicInteger();
    final String prefix = "t" + THREADS.incrementAndGet() + "-";
    long n;
  }

  @Setup(Level.Trial)
  public void generate() {
    templateIds = new String[templates];
    templateRecords = new Template[templates];
    codes = new ArrayList<>();
    int perTemplate = codesPerIteration / templates;
    for (int i = 0; i < templates; i++) {
      // six alphabet characters, distinct per template
      String id = "BENC" + CodeFormat.ALPHABET.charAt(i / CodeFormat.RADIX)
          + CodeFormat.ALPHABET.charAt(i % CodeFormat.RADIX);
      templateIds[i] = id;
      templateRecords[i] = new Template(id, TemplateSpec.builder().name("bench " + i)
          .category(CouponCategory.THRESHOLD).productLine("bench").totalCount(perTemplate)
          .perUserLimit(TemplateSpec.MAX_PER_USER_LIMIT).validity(Validity.rolling(Duration.ofDays(7)))
          .discount(Discount.threshold(new BigDecimal("100"), new BigDecimal("20"))).build(),
          TemplateStatus.AVAILABLE, Instant.now(), null);
      CodeGenerator generator = CodeGenerator.withRandomKey("TH", id);
      String[] all = new String[perTemplate];
      for (int n = 0; n < perTemplate; n++) {
        all[n] = generator.code(n);
      }
      codes.add(Arrays.asList(all));
    }
    userIds = new String[USERS];
    for (int i = 0; i < USERS; i++) {
      userIds[i] = "user-" + i;
    }
  }

  @Setup(Level.Iteration)
  public void setUp() {
    InMemoryCouponStore store = new InMemoryCouponStore();
    for (int i = 0; i < templates; i++) {
      store.insertTemplate(templateRecords[i]);
      List<String> all = codes.get(i);
      for (int from = 0; from < all.size(); from += BATCH) {
        store.appendCodes(templateIds[i], from, all.subList(from, Math.min(all.size(), from + BATCH)));
      }
    }
    engine = CouponEngine.builder().store(store).executor(Runnable::run).build();
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
