package io.couponengine.benchmarks;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.settlement.BestCombination;
import io.couponengine.settlement.BestCombinationResult;
import io.couponengine.settlement.Cart;
import io.couponengine.settlement.CartLine;
import io.couponengine.settlement.SettlementCalculator;
import io.couponengine.settlement.SettlementResult;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.Stacking;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStatus;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Measures the pure settlement computation (no store): the average time of
 * <ul>
 *   <li>{@code settle}: one {@link SettlementCalculator#settle} of a 20-line cart (four goods types, prices with
 *       cents) with 3 coupons: a 满减 and a 折扣 that stack (settled by the built-in {@code threshold+discount}
 *       executor, each spread over its in-scope lines) and a 立减 that stacks with nothing (rejected
 *       NOT_STACKABLE). Target: under 5 µs.</li>
 *   <li>{@code bestCombination}: one {@link BestCombination#find} over the same cart and 20 usable coupons of 20
 *       templates (7 满减, 7 折扣, 6 立减, mixed scopes and stacking rules). Target: under 1 ms.</li>
 * </ul>
 *
 * <pre>{@code
 * mvn -B -q -pl coupon-core,benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar SettlementBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s
 * }</pre>
 *
 * <p>Results and the machine they were taken on: {@code docs/benchmarks-settlement.md}.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SettlementBenchmark {
  private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
  private static final String USER = "bench-user";
  private static final String[] TYPES = {"digital", "books", "fresh", "toys"};

  private final SettlementCalculator calculator = SettlementCalculator.ofDefaults();
  private final BestCombination optimizer = new BestCombination(calculator);
  private Cart cart;
  private List<Coupon> threeCoupons;
  private List<Coupon> twentyCoupons;
  private Map<String, Template> templates;

  /** Builds the cart, 20 templates and their coupons. */
  @Setup
  public void setUp() {
    List<CartLine> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      lines.add(new CartLine("sku-" + i, TYPES[i % TYPES.length], null,
          BigDecimal.valueOf(1_999 + 731L * i, 2), 1 + i % 3));
    }
    cart = new Cart(USER, lines);
    templates = new HashMap<>();
    twentyCoupons = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Template t = switch (i % 3) {
        case 0 -> template(i, CouponCategory.THRESHOLD,
            Discount.threshold(BigDecimal.valueOf(100 + 20L * i), BigDecimal.valueOf(10 + i)),
            i % 2 == 0 ? Scope.all() : Scope.goodsTypes("digital",
                "books"), Stacking.withCategories(CouponCategory.DISCOUNT, CouponCategory.DIRECT));
        case 1 -> template(i, CouponCategory.DISCOUNT, Discount.percentOff(BigDecimal.valueOf(5 + i)),
            i % 2 == 0 ? Scope.goodsTypes("fresh", "toys")
                : Scope.all(), Stacking.withCategories(CouponCategory.THRESHOLD));
        default -> template(i, CouponCategory.DIRECT, Discount.amountOff(BigDecimal.valueOf(8 + i)),
            Scope.all(), Stacking.none());
      };
      templates.put(t.id(), t);
      twentyCoupons.add(new Coupon("c" + i, "CODE-" + i, t.id(), USER, NOW.minusSeconds(60),
          NOW.plus(Duration.ofDays(1 + i)), CouponStatus.USABLE, null));
    }
    threeCoupons = List.of(twentyCoupons.get(0), twentyCoupons.get(1), twentyCoupons.get(2));
    SettlementResult check = settle();
    if (check.applied().size() != 2 || check.rejected().size() != 1) {
      throw new IllegalStateException("unexpected benchmark setup: " + check);
    }
  }

  /**
   * One settlement: 20 lines, 3 coupons (two applied, one refused).
   *
   * @return the result, consumed by JMH
   */
  @Benchmark
  public SettlementResult settle() {
    return calculator.settle(cart, threeCoupons, templates, NOW);
  }

  /**
   * The best combination over 20 usable coupons.
   *
   * @return the result, consumed by JMH
   */
  @Benchmark
  public BestCombinationResult bestCombination() {
    return optimizer.find(cart, twentyCoupons, templates, NOW);
  }

  private static Template template(int i, CouponCategory category, Discount discount,
      Scope scope, Stacking stacking) {
    TemplateSpec spec = TemplateSpec.builder()
        .name("bench " + i)
        .category(category)
        .productLine("mall")
        .totalCount(1_000)
        .validity(Validity.rolling(Duration.ofDays(30)))
        .discount(discount)
        .scope(scope)
        .stacking(stacking)
        .build();
    return new Template(String.format("BENCH%d", 10 + i), spec, TemplateStatus.AVAILABLE, NOW, null);
  }
}
