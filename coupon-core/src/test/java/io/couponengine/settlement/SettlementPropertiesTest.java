package io.couponengine.settlement;

import static io.couponengine.settlement.Fixtures.NOW;
import static io.couponengine.settlement.Fixtures.USER;
import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.coupon.Coupon;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.Stacking;
import io.couponengine.template.Template;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of settlement over generated carts and coupons (200 tries each, to keep the suite fast). */
class SettlementPropertiesTest {
  private static final String[] TYPES = {"a", "b", "c"};

  /** A generated cart and coupons (one per template, in the generated order). */
  record Scenario(Cart cart, List<Template> templates, List<Coupon> coupons) {
    Map<String, Template> byId() {
      return Fixtures.byId(templates);
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder(cart.toString());
      templates.forEach(t -> s.append("\n  ").append(t.category()).append(' ').append(t.spec().discount())
          .append(' ').append(t.spec().scope()).append(' ').append(t.spec().stacking().categories()));
      return s.toString();
    }
  }

  @Property(tries = 200)
  void settle_finalIsOriginalMinusSavings_andNotBelowFloor(@ForAll("scenarios") Scenario s) {
    SettlementResult r = SettlementCalculator.ofDefaults().settle(s.cart(), s.coupons(), s.byId(), NOW);

    BigDecimal saved = BigDecimal.ZERO;
    Map<String, BigDecimal> lost = new HashMap<>();
    for (AppliedCoupon a : r.applied()) {
      saved = saved.add(a.saved());
      assertThat(a.saved().signum()).isGreaterThanOrEqualTo(0);
      assertThat(sum(a.allocations())).isEqualByComparingTo(a.saved());
      a.allocations().forEach((k, v) -> lost.merge(k, v, BigDecimal::add));
    }
    assertThat(r.finalPrice()).isEqualTo(r.originalTotal().subtract(saved));
    assertThat(r.totalDiscount()).isEqualByComparingTo(saved);
    assertThat(r.originalTotal()).isEqualByComparingTo(s.cart().total());
    BigDecimal floor = SettlementPolicy.defaults().priceFloor().min(r.originalTotal());
    assertThat(r.finalPrice()).isGreaterThanOrEqualTo(floor);
    for (CartLine l : s.cart().lines()) {
      BigDecimal off = lost.getOrDefault(l.goodsId(), BigDecimal.ZERO);
      assertThat(off).isBetween(BigDecimal.ZERO, l.lineTotal());
    }
    assertThat(r.applied().size() + r.rejected().size()).isEqualTo(s.coupons().size());
  }

  @Property(tries = 200)
  void settle_outOfScopeLineAdded_discountUnchanged(@ForAll("restrictedScenarios") Scenario s,
      @ForAll("cents") int price) {
    SettlementCalculator calc = new SettlementCalculator(
        SettlementPolicy.defaults().withPriceFloor(BigDecimal.ZERO), ExecutorRegistry.ofDefaults());
    List<CartLine> more = new ArrayList<>(s.cart().lines());
    more.add(new CartLine("extra", "z", null, BigDecimal.valueOf(price, 2), 1));
    Cart bigger = new Cart(USER, more);

    SettlementResult before = calc.settle(s.cart(), s.coupons(), s.byId(), NOW);
    SettlementResult after = calc.settle(bigger, s.coupons(), s.byId(), NOW);

    assertThat(after.totalDiscount()).isEqualTo(before.totalDiscount());
    assertThat(after.applied()).isEqualTo(before.applied());
    assertThat(after.rejected()).isEqualTo(before.rejected());
  }

  @Property(tries = 200)
  void bestCombination_neverWorseThanAnySingleCoupon(@ForAll("scenarios") Scenario s) {
    BestCombinationResult best = BestCombination.ofDefaults().find(s.cart(), s.coupons(), s.byId(), NOW);

    assertThat(best.result().rejected()).isEmpty();
    assertThat(best.result().finalPrice()).isLessThanOrEqualTo(best.result().originalTotal());
    for (Coupon c : s.coupons()) {
      SettlementResult single = SettlementCalculator.ofDefaults().settle(s.cart(), List.of(c), s.byId(), NOW);
      if (single.rejected().isEmpty()) {
        assertThat(best.result().finalPrice()).isLessThanOrEqualTo(single.finalPrice());
      }
    }
  }

  @Property(tries = 200)
  void bestCombination_equalsBruteForce(@ForAll("scenarios") Scenario s) {
    BestCombinationResult best = BestCombination.ofDefaults().find(s.cart(), s.coupons(), s.byId(), NOW);

    BigDecimal bruteForce = s.cart().total();
    int n = s.coupons().size();
    for (int subset = 1; subset < (1 << n); subset++) {
      List<Coupon> chosen = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if ((subset & (1 << i)) != 0) {
          chosen.add(s.coupons().get(i));
        }
      }
      SettlementResult r = SettlementCalculator.ofDefaults().settle(s.cart(), chosen, s.byId(), NOW);
      if (r.rejected().isEmpty() && r.finalPrice().compareTo(bruteForce) < 0) {
        bruteForce = r.finalPrice();
      }
    }
    assertThat(best.result().finalPrice()).isEqualByComparingTo(bruteForce);
    SettlementResult again = SettlementCalculator.ofDefaults().settle(s.cart(), best.coupons(), s.byId(), NOW);
    assertThat(again).isEqualTo(best.result());
  }

  @Property(tries = 200)
  void settle_appliesTheBestAllowedSubsetOfTheCodes(@ForAll("scenarios") Scenario s) {
    SettlementResult all = SettlementCalculator.ofDefaults().settle(s.cart(), s.coupons(), s.byId(), NOW);

    // the same optimum as the search over every allowed combination of the same coupons
    BestCombinationResult best = BestCombination.ofDefaults().find(s.cart(), s.coupons(), s.byId(), NOW);
    assertThat(all.finalPrice()).isEqualByComparingTo(best.result().finalPrice());
    // and never worse than the codes of any prefix of the list (a buyer adding a code never pays more)
    for (int k = 0; k < s.coupons().size(); k++) {
      SettlementResult prefix = SettlementCalculator.ofDefaults().settle(s.cart(), s.coupons().subList(0, k),
          s.byId(), NOW);
      assertThat(all.finalPrice()).isLessThanOrEqualTo(prefix.finalPrice());
    }
    // settling the applied coupons alone gives the same savings
    List<Coupon> applied = new ArrayList<>();
    Map<String, Coupon> byId = new HashMap<>();
    s.coupons().forEach(c -> byId.put(c.id(), c));
    all.applied().forEach(a -> applied.add(byId.get(a.couponId())));
    SettlementResult again = SettlementCalculator.ofDefaults().settle(s.cart(), applied, s.byId(), NOW);
    assertThat(again.applied()).isEqualTo(all.applied());
    assertThat(again.rejected()).isEmpty();
  }

  @Provide
  Arbitrary<Integer> cents() {
    return Arbitraries.integers().between(0, 50_000);
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    return scenario(0);
  }

  @Provide
  Arbitrary<Scenario> restrictedScenarios() {
    return scenario(1);
  }

  /** Scopes are drawn from masks {@code minScopeMask..7} over {a, b, c}; mask 0 is "all goods". */
  private Arbitrary<Scenario> scenario(int minScopeMask) {
    Arbitrary<CartLine> line = Combinators.combine(Arbitraries.of(TYPES), cents(),
        Arbitraries.integers().between(1, 3)).as((type, price, qty) ->
        new CartLine("tmp", type, null, BigDecimal.valueOf(price, 2), qty));
    Arbitrary<Cart> cart = line.list().ofMinSize(1).ofMaxSize(8).map(lines -> {
      List<CartLine> named = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        CartLine l = lines.get(i);
        named.add(new CartLine("g" + i, l.goodsType(), null, l.unitPrice(), l.quantity()));
      }
      return new Cart(USER, named);
    });
    Arbitrary<Template> template = Combinators.combine(
        Arbitraries.of(CouponCategory.values()),
        Arbitraries.integers().between(1, 60_000),
        Arbitraries.integers().between(1, 100),
        Arbitraries.integers().between(1, 9_999),
        Arbitraries.integers().between(minScopeMask, 7),
        Arbitraries.integers().between(0, 7),
        Arbitraries.integers().between(0, 15)).as(SettlementPropertiesTest::template);
    Arbitrary<List<Template>> templates = template.list().ofMinSize(0).ofMaxSize(10);
    return Combinators.combine(cart, templates).as((c, ts) -> {
      List<Coupon> coupons = new ArrayList<>();
      ts.forEach(t -> coupons.add(Fixtures.coupon(t)));
      return new Scenario(c, ts, coupons);
    });
  }

  /**
   * {@code extras} adds, bit by bit: a cap of a quarter of the threshold to a percentage (and makes it 100% when
   * bit 3 is set too), a minimum subtotal of half the threshold, a minimum quantity of 2.
   */
  private static Template template(CouponCategory category, int thresholdCents, int amountPercentOfThreshold,
      int percentBasisPoints, int scopeMask, int stackMask, int extras) {
    Discount d = switch (category) {
      case THRESHOLD -> Discount.threshold(BigDecimal.valueOf(thresholdCents, 2),
          BigDecimal.valueOf(Math.max(1, thresholdCents / 100 * amountPercentOfThreshold), 2));
      case DISCOUNT -> Discount.percentOff((extras & 9) == 9 ? BigDecimal.valueOf(100)
          : BigDecimal.valueOf(percentBasisPoints, 2));
      case DIRECT -> Discount.amountOff(BigDecimal.valueOf(thresholdCents / 4 + 1, 2));
    };
    if (category == CouponCategory.DISCOUNT && (extras & 1) != 0) {
      d = d.capped(BigDecimal.valueOf(thresholdCents / 4 + 1, 2));
    }
    String minimumSubtotal = (extras & 2) != 0 ? BigDecimal.valueOf(thresholdCents / 2, 2).toPlainString() : null;
    int minimumQuantity = (extras & 4) != 0 ? 2 : 0;
    Set<String> types = new HashSet<>();
    for (int i = 0; i < TYPES.length; i++) {
      if ((scopeMask & (1 << i)) != 0) {
        types.add(TYPES[i]);
      }
    }
    Set<CouponCategory> stacks = EnumSet.noneOf(CouponCategory.class);
    for (CouponCategory c : CouponCategory.values()) {
      if ((stackMask & (1 << c.ordinal())) != 0) {
        stacks.add(c);
      }
    }
    return Fixtures.template(category, d, new Scope(types, Set.of()), new Stacking(Set.of(), stacks),
        minimumSubtotal, minimumQuantity);
  }

  private static BigDecimal sum(Map<String, BigDecimal> m) {
    return m.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
  }
}
