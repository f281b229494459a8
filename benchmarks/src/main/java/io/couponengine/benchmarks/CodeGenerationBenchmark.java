package io.couponengine.benchmarks;

import io.couponengine.code.CodeGenerator;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Code generation throughput on one thread, in codes per second.
 *
 * <ul>
 *   <li>{@code code}: one code from the keyed permutation (SipHash Feistel + cycle walking), formatted with its
 *       check character: the generator alone.</li>
 *   <li>{@code generateAndLoad}: a batch of 10,000 codes generated and appended to an in-memory store's pool, as the
 *       engine's generation job does (score is per code).</li>
 * </ul>
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -jar benchmarks/target/benchmarks.jar CodeGenerationBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Threads(1)
public class CodeGenerationBenchmark {
  private static final int BATCH = 10_000;

  private CodeGenerator generator;
  private long serial;
  private InMemoryCouponStore store;
  private Template template;
  private long loaded;
  private final List<String> batch = new ArrayList<>(BATCH);

  @Setup(Level.Trial)
  public void setUpGenerator() {
    generator = CodeGenerator.withRandomKey("TH", "K7PXQ2");
  }

  @Setup(Level.Iteration)
  public void setUpStore() {
    store = new InMemoryCouponStore();
    template = new Template("K7PXQ2", TemplateSpec.builder().name("bench").category(CouponCategory.DIRECT)
        .productLine("bench").totalCount(TemplateSpec.MAX_TOTAL_COUNT)
        .validity(Validity.rolling(Duration.ofDays(1))).discount(Discount.amountOff(BigDecimal.ONE)).build(),
        TemplateStatus.CREATING, Instant.now(), null);
    store.insertTemplate(template);
    loaded = 0;
    serial = 0;
  }

  @Benchmark
  public String code() {
    return generator.code(serial++ % CodeGenerator.DOMAIN);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long generateAndLoad() {
    batch.clear();
    for (int i = 0; i < BATCH; i++) {
      batch.add(generator.code(loaded + i));
    }
    loaded = store.appendCodes(template.id(), loaded, batch);
    return loaded;
  }
}
