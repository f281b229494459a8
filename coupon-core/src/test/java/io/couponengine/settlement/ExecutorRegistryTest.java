package io.couponengine.settlement;

import static io.couponengine.settlement.Fixtures.NOW;
import static io.couponengine.settlement.Fixtures.byId;
import static io.couponengine.settlement.Fixtures.cart;
import static io.couponengine.settlement.Fixtures.coupon;
import static io.couponengine.settlement.Fixtures.direct;
import static io.couponengine.settlement.Fixtures.discount;
import static io.couponengine.settlement.Fixtures.line;
import static io.couponengine.settlement.Fixtures.stackAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Scope;
import io.couponengine.template.Template;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExecutorRegistryTest {

  /** A stub executor: saves nothing, or something wrong when told to. */
  record Stub(String name, Set<CouponCategory> categories, String allocateTo) implements SettlementExecutor {
    Stub(String name, CouponCategory... categories) {
      this(name, EnumSet.of(categories[0], categories), null);
    }

    @Override
    public List<CouponSaving> settle(Cart cart, List<SelectedCoupon> coupons, SettlementPolicy policy) {
      return coupons.stream().map(c -> allocateTo == null
          ? new CouponSaving(c.coupon().id(), BigDecimal.ZERO, Map.of())
          : new CouponSaving(c.coupon().id(), BigDecimal.ONE, Map.of(allocateTo, BigDecimal.ONE))).toList();
    }
  }

  @Test
  void ofDefaults_builtInCombinations() {
    ExecutorRegistry r = ExecutorRegistry.ofDefaults();
    assertThat(r.find(EnumSet.of(CouponCategory.THRESHOLD))).containsSame(BuiltInExecutors.threshold());
    assertThat(r.find(EnumSet.of(CouponCategory.DISCOUNT))).containsSame(BuiltInExecutors.discount());
    assertThat(r.find(EnumSet.of(CouponCategory.DIRECT))).containsSame(BuiltInExecutors.direct());
    assertThat(r.find(Set.of(CouponCategory.DISCOUNT, CouponCategory.THRESHOLD)))
        .containsSame(BuiltInExecutors.thresholdThenDiscount());
    assertThat(r.find(EnumSet.of(CouponCategory.THRESHOLD, CouponCategory.DIRECT)))
        .containsSame(BuiltInExecutors.thresholdThenDirect());
    assertThat(r.find(EnumSet.of(CouponCategory.DIRECT, CouponCategory.DISCOUNT)))
        .containsSame(BuiltInExecutors.directThenDiscount());
    assertThat(r.find(EnumSet.allOf(CouponCategory.class)))
        .containsSame(BuiltInExecutors.thresholdThenDirectThenDiscount());
    assertThat(r.executors()).hasSize(7).containsExactlyInAnyOrderElementsOf(BuiltInExecutors.all());
  }

  @Test
  void discover_findsTestProviderThroughMetaInfServices() {
    List<SettlementExecutor> found = ExecutorRegistry.discover(getClass().getClassLoader());

    assertThat(found).extracting(SettlementExecutor::name).containsExactly(TestDirectThenDiscountExecutor.NAME);
    assertThat(ExecutorRegistry.discover(getClass().getClassLoader()).get(0))
        .as("not cached: each call instantiates again").isNotSameAs(found.get(0));
    // its combination {DIRECT, DISCOUNT} is built in now: discovered, it may not replace the built-in...
    CouponException e = assertThrows(CouponException.class,
        () -> ExecutorRegistry.builder().discovered(found).build());
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(e.getMessage()).contains(TestDirectThenDiscountExecutor.NAME, "direct+discount");
    // ...registered explicitly, it does
    ExecutorRegistry r = ExecutorRegistry.builder().registerAll(found).build();
    assertThat(r.find(EnumSet.of(CouponCategory.DIRECT, CouponCategory.DISCOUNT))).containsSame(found.get(0));
  }

  @Test
  void ofDefaults_neverDiscovers() {
    assertThat(ExecutorRegistry.ofDefaults().find(EnumSet.of(CouponCategory.DIRECT, CouponCategory.DISCOUNT)))
        .containsSame(BuiltInExecutors.directThenDiscount());
    assertThat(ExecutorRegistry.builder().build().executors()).hasSize(7);
  }

  @Test
  void registeredProvider_settlesItsCombination() {
    Template dr = direct("10.00", Scope.all(), stackAll());
    Template dc = discount("10", Scope.all(), stackAll());
    SettlementCalculator calc = new SettlementCalculator(SettlementPolicy.defaults(),
        ExecutorRegistry.builder().registerAll(ExecutorRegistry.discover(getClass().getClassLoader())).build());

    SettlementResult r = calc.settle(cart(line("A", "x", "110.00")), List.of(coupon(dc), coupon(dr)), byId(dr, dc),
        NOW);

    // direct first: 110 - 10 = 100, then 10% = 10
    assertThat(r.finalPrice()).isEqualByComparingTo("90.00");
    assertThat(r.applied()).extracting(AppliedCoupon::category)
        .containsExactly(CouponCategory.DIRECT, CouponCategory.DISCOUNT);
  }

  @Test
  void register_replacesBuiltInOfSameCombination() {
    Stub mine = new Stub("my-threshold", CouponCategory.THRESHOLD);
    ExecutorRegistry r = ExecutorRegistry.builder().register(mine).build();
    assertThat(r.find(EnumSet.of(CouponCategory.THRESHOLD))).containsSame(mine);
    assertThat(r.executors()).hasSize(7).doesNotContain(BuiltInExecutors.threshold());
  }

  @Test
  void discovered_everyCombinationIsBuiltIn_fails() {
    // with every combination of the three categories built in, a discovered executor can add nothing
    for (Set<CouponCategory> combination : List.of(EnumSet.of(CouponCategory.DIRECT, CouponCategory.THRESHOLD),
        EnumSet.allOf(CouponCategory.class))) {
      Stub discovered = new Stub("found", combination, null);
      CouponException e = assertThrows(CouponException.class,
          () -> ExecutorRegistry.builder().discovered(List.of(discovered)).build());
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }
    Stub mine = new Stub("mine", CouponCategory.DIRECT, CouponCategory.THRESHOLD);
    ExecutorRegistry r = ExecutorRegistry.builder().register(mine).build();
    assertThat(r.find(EnumSet.of(CouponCategory.DIRECT, CouponCategory.THRESHOLD))).containsSame(mine);
  }

  @Test
  void build_sameNameTwice_fails() {
    CouponException e = assertThrows(CouponException.class, () -> ExecutorRegistry.builder()
        .register(new Stub("x", CouponCategory.DIRECT, CouponCategory.THRESHOLD))
        .register(new Stub("x", CouponCategory.DIRECT, CouponCategory.DISCOUNT)).build());
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(e.getMessage()).contains("'x'");
  }

  @Test
  void build_nameOfBuiltIn_fails() {
    CouponException e = assertThrows(CouponException.class,
        () -> ExecutorRegistry.builder().register(new Stub("threshold", CouponCategory.THRESHOLD)).build());
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void build_discoveredReplacingBuiltIn_fails() {
    CouponException e = assertThrows(CouponException.class, () -> ExecutorRegistry.builder()
        .discovered(List.of(new Stub("sneaky", CouponCategory.DISCOUNT))).build());
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void build_twoRegisteredForOneCombination_fails() {
    CouponException e = assertThrows(CouponException.class, () -> ExecutorRegistry.builder()
        .register(new Stub("a", CouponCategory.DIRECT, CouponCategory.THRESHOLD))
        .register(new Stub("b", CouponCategory.THRESHOLD, CouponCategory.DIRECT)).build());
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void build_blankNameOrNoCategories_fails() {
    assertThrows(CouponException.class,
        () -> ExecutorRegistry.builder().register(new Stub(" ", EnumSet.of(CouponCategory.DIRECT), null)).build());
    assertThrows(CouponException.class,
        () -> ExecutorRegistry.builder().register(new Stub("none", Set.of(), null)).build());
    assertThrows(CouponException.class, () -> ExecutorRegistry.builder().register(null));
    assertThrows(CouponException.class, () -> ExecutorRegistry.discover(null));
  }

  @Test
  void settle_customExecutorBreakingContract_isInternal() {
    Template dr = direct("10.00", Scope.all(), stackAll());
    ExecutorRegistry r = ExecutorRegistry.builder()
        .register(new Stub("liar", EnumSet.of(CouponCategory.DIRECT), "not-in-cart")).build();
    SettlementCalculator calc = new SettlementCalculator(SettlementPolicy.defaults(), r);

    CouponException e = assertThrows(CouponException.class,
        () -> calc.settle(cart(line("A", "x", "10.00")), List.of(coupon(dr)), byId(dr), NOW));
    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(e.getMessage()).contains("liar");
  }

  @Test
  void settle_customExecutorSavingNothing_isApplied() {
    Template dr = direct("10.00", Scope.all(), stackAll());
    ExecutorRegistry r = ExecutorRegistry.builder().register(new Stub("zero", CouponCategory.DIRECT)).build();

    SettlementResult res = new SettlementCalculator(SettlementPolicy.defaults(), r)
        .settle(cart(line("A", "x", "10.00")), List.of(coupon(dr)), byId(dr), NOW);

    assertThat(res.finalPrice()).isEqualByComparingTo("10.00");
    assertThat(res.applied()).singleElement().extracting(AppliedCoupon::saved)
        .satisfies(s -> assertThat(s).isEqualByComparingTo("0"));
  }
}
