package io.couponengine.benchmarks;

import io.couponengine.cache.NearCachedStore;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.coupon.Coupon;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStatus;
import io.couponengine.template.Validity;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The near-cache hit path: {@link NearCachedStore#findTemplate} and {@link NearCachedStore#findCouponsByUser} when
 * every key is already cached, read by two threads at once. Keys follow a Zipf distribution (exponent 0.99, as in
 * YCSB) over {@value #ITEMS} templates and {@value #ITEMS} users (each holding {@value #COUPONS_PER_USER} coupons),
 * or a uniform one ({@code -p distribution=uniform}); the key sequence is generated once in {@link #setUp()} and
 * each thread walks it from its own random offset, so the measured loop does no random-number work. The delegate
 * is an {@link InMemoryCouponStore} that the measured loop never reaches (TTL of one hour, cache larger than the key
 * space); what is measured is Caffeine's lookup plus the decorator's overhead. After Caffeine's
 * {@code GetPutBenchmark}.
 *
 * <p>Run (from the repository root):
 * <pre>{@code
 * mvn -B -q -pl coupon-core,coupon-redis,coupon-jdbc,benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar NearCacheBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s -t 2
 * }</pre>
 * Figures are reads per second summed over the threads (JMH throughput mode); {@code cpuMillis} is the CPU time
 * the two threads got, summed over the measurement iterations (4,000 ms per 2 s iteration when each had a core to
 * itself).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class NearCacheBenchmark {
  static final int ITEMS = 1 << 14;
  static final int COUPONS_PER_USER = 3;
  /** Length of the pre-generated key sequence (a power of two, for masking). */
  static final int SEQUENCE = 1 << 20;
  static final int MASK = SEQUENCE - 1;

  @Param({"zipf", "uniform"})
  String distribution;

  NearCachedStore store;
  String[] templateKeys;
  String[] userKeys;

  /**
   * Each thread's position in the key sequences, and the CPU time the thread used during the iteration (reported
   * by JMH as the secondary result {@code cpuMillis}, summed over threads and measurement iterations): on a shared
   * machine, score × measured seconds ÷ (cpuMillis / 1000) is the rate per CPU-second, which contention does not
   * hide.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class ThreadState {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    int index = ThreadLocalRandom.current().nextInt(SEQUENCE);
    private long cpuStart;
    /** CPU milliseconds this thread used in the current iteration. */
    public long cpuMillis;

    @Setup(Level.Iteration)
    public void startCpuClock() {
      cpuMillis = 0;
      cpuStart = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void stopCpuClock() {
      cpuMillis = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
    }
  }

  @Setup
  public void setUp() {
    InMemoryCouponStore memory = new InMemoryCouponStore();
    Instant now = Instant.now();
    String[] templateIds = new String[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      templateIds[i] = String.format("T%05d", i);
      memory.insertTemplate(new Template(templateIds[i], spec(), TemplateStatus.AVAILABLE, now, null));
    }
    // one template holds the users' coupons
    List<String> codes = new ArrayList<>(ITEMS * COUPONS_PER_USER);
    for (int i = 0; i < ITEMS * COUPONS_PER_USER; i++) {
      codes.add("CODE" + i);
    }
    memory.appendCodes(templateIds[0], 0, codes);
    String[] userIds = new String[ITEMS];
    for (int u = 0; u < ITEMS; u++) {
      userIds[u] = "user-" + u;
      for (int c = 0; c < COUPONS_PER_USER; c++) {
        ClaimOutcome outcome = memory.claim(new ClaimCommand(templateIds[0], userIds[u], "k" + c, u + "-" + c,
            COUPONS_PER_USER, now, now.plus(Duration.ofDays(7)))).outcome();
        if (outcome != ClaimOutcome.CLAIMED) {
          throw new IllegalStateException("setup claim: " + outcome);
        }
      }
    }
    store = NearCachedStore.builder(memory).maximumSize(2L * ITEMS).ttl(Duration.ofHours(1)).build();
    for (int i = 0; i < ITEMS; i++) { // warm: the measured loop only hits
      store.findTemplate(templateIds[i]);
      store.findCouponsByUser(userIds[i]);
    }
    int[] ranks = "uniform".equals(distribution) ? uniform(new Random(42)) : zipf(new Random(42), 0.99);
    templateKeys = new String[SEQUENCE];
    userKeys = new String[SEQUENCE];
    List<Integer> scramble = new ArrayList<>(ITEMS); // hot ranks land on unrelated keys
    for (int i = 0; i < ITEMS; i++) {
      scramble.add(i);
    }
    Collections.shuffle(scramble, new Random(7));
    for (int i = 0; i < SEQUENCE; i++) {
      templateKeys[i] = templateIds[scramble.get(ranks[i])];
      userKeys[i] = userIds[scramble.get(ranks[(i + SEQUENCE / 2) & MASK])];
    }
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  @Benchmark
  public Optional<Template> findTemplate(ThreadState state) {
    return store.findTemplate(templateKeys[state.index++ & MASK]);
  }

  @Benchmark
  public List<Coupon> findCouponsByUser(ThreadState state) {
    return store.findCouponsByUser(userKeys[state.index++ & MASK]);
  }

  private static int[] uniform(Random random) {
    int[] out = new int[SEQUENCE];
    for (int i = 0; i < SEQUENCE; i++) {
      out[i] = random.nextInt(ITEMS);
    }
    return out;
  }

  /** Ranks drawn from a Zipf distribution by inverting its cumulative distribution (binary search). */
  private static int[] zipf(Random random, double exponent) {
    double[] cumulative = new double[ITEMS];
    double sum = 0;
    for (int k = 0; k < ITEMS; k++) {
      sum += 1 / Math.pow(k + 1, exponent);
      cumulative[k] = sum;
    }
    int[] out = new int[SEQUENCE];
    for (int i = 0; i < SEQUENCE; i++) {
      int at = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
      out[i] = Math.min(at >= 0 ? at : -at - 1, ITEMS - 1);
    }
    return out;
  }

  private static TemplateSpec spec() {
    return TemplateSpec.builder()
        .name("20 off 100")
        .category(CouponCategory.THRESHOLD)
        .productLine("mall")
        .totalCount(ITEMS * COUPONS_PER_USER)
        .perUserLimit(COUPONS_PER_USER)
        .validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")))
        .build();
  }
}
