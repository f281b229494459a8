package io.couponengine.settlement;

import static io.couponengine.settlement.Fixtures.NOW;
import static io.couponengine.settlement.Fixtures.USER;
import static io.couponengine.settlement.Fixtures.byId;
import static io.couponengine.settlement.Fixtures.cart;
import static io.couponengine.settlement.Fixtures.coupon;
import static io.couponengine.settlement.Fixtures.direct;
import static io.couponengine.settlement.Fixtures.discount;
import static io.couponengine.settlement.Fixtures.line;
import static io.couponengine.settlement.Fixtures.stackAll;
import static io.couponengine.settlement.Fixtures.threshold;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Scope;
import io.couponengine.template.Stacking;
import io.couponengine.template.Template;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettlementCalculatorTest {
  private final SettlementCalculator calc = SettlementCalculator.ofDefaults();
  private final Cart cart = cart(line("A", "digital", "100.00"), line("B", "books", "50.00"));

  @Test
  void settle_otherUsersCoupon_notOwner() {
    Template t = direct("5.00", Scope.all(), stackAll());
    Coupon c = coupon(t, "user-2", CouponStatus.USABLE, NOW.plusSeconds(60));
    assertThat(reasons(calc.settle(cart, List.of(c), byId(t), NOW))).containsExactly(RejectionReason.NOT_OWNER);
  }

  @Test
  void settle_pastValidity_expired() {
    Template t = direct("5.00", Scope.all(), stackAll());
    Coupon atEnd = coupon(t, USER, CouponStatus.USABLE, NOW); // the end is exclusive
    Coupon stored = coupon(t, USER, CouponStatus.EXPIRED, NOW.plusSeconds(60));
    assertThat(reasons(calc.settle(cart, List.of(atEnd, stored), byId(t), NOW)))
        .containsExactly(RejectionReason.EXPIRED, RejectionReason.EXPIRED);
  }

  @Test
  void settle_reservedOrUsed_notUsable() {
    Template t = direct("5.00", Scope.all(), stackAll());
    Coupon reserved = coupon(t, USER, CouponStatus.RESERVED, NOW.plusSeconds(60));
    Coupon used = coupon(t, USER, CouponStatus.USED, NOW.plusSeconds(60));
    SettlementResult r = calc.settle(cart, List.of(reserved, used), byId(t), NOW);
    assertThat(reasons(r)).containsExactly(RejectionReason.NOT_USABLE, RejectionReason.NOT_USABLE);
    assertThat(r.finalPrice()).isEqualByComparingTo("150.00");
  }

  @Test
  void settle_templateMissing_unknownCoupon() {
    Template t = direct("5.00", Scope.all(), stackAll());
    assertThat(reasons(calc.settle(cart, List.of(coupon(t)), Map.of(), NOW)))
        .containsExactly(RejectionReason.UNKNOWN_COUPON);
  }

  @Test
  void settle_regionScope_nullRegionIsOutOfScope() {
    Template t = direct("5.00", Scope.goodsTypes("digital").withRegions("shanghai"), stackAll());
    SettlementResult none = calc.settle(cart, List.of(coupon(t)), byId(t), NOW);
    assertThat(reasons(none)).containsExactly(RejectionReason.OUT_OF_SCOPE);

    Cart inShanghai = new Cart(USER, List.of(new CartLine("A", "digital", "shanghai", new BigDecimal("9.00"), 1),
        new CartLine("B", "digital", "beijing", new BigDecimal("9.00"), 1)));
    SettlementResult some = calc.settle(inShanghai, List.of(coupon(t)), byId(t), NOW);
    assertThat(some.applied()).singleElement().extracting(AppliedCoupon::allocations)
        .isEqualTo(Map.of("A", new BigDecimal("5.00")));
  }

  @Test
  void settle_twoOfOneCategory_cheaperKept() {
    Template a = direct("5.00", Scope.all(), stackAll());
    Template b = direct("7.00", Scope.all(), stackAll());
    Coupon first = coupon(a);
    SettlementResult r = calc.settle(cart, List.of(first, coupon(b)), byId(a, b), NOW);
    // one per category: 7 off (143.00) beats 5 off (145.00), so the later code is kept and the first refused
    assertThat(r.applied()).extracting(AppliedCoupon::templateId).containsExactly(b.id());
    assertThat(r.rejected()).extracting(RejectedCoupon::code, RejectedCoupon::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(first.code(), RejectionReason.NOT_STACKABLE));
    assertThat(r.finalPrice()).isEqualByComparingTo("143.00");
  }

  @Test
  void settle_stackingNotMutual_cheaperKept() {
    Template th = threshold("100.00", "20.00", Scope.all(), Stacking.withCategories(CouponCategory.DISCOUNT));
    Template dc = discount("10", Scope.all(), Stacking.none()); // does not allow the threshold back
    SettlementResult r = calc.settle(cart, List.of(coupon(dc), coupon(th)), byId(th, dc), NOW);
    // 20 off (130.00) beats 10% off (135.00): the threshold is kept although offered second
    assertThat(r.applied()).extracting(AppliedCoupon::templateId).containsExactly(th.id());
    assertThat(reasons(r)).containsExactly(RejectionReason.NOT_STACKABLE);
    assertThat(r.finalPrice()).isEqualByComparingTo("130.00");
  }

  @Test
  void settle_stackingByTemplateId() {
    Template dc = discount("10", Scope.all(), Stacking.withCategories(CouponCategory.THRESHOLD));
    Template th = threshold("100.00", "20.00", Scope.all(), Stacking.withTemplates(dc.id()));
    SettlementResult r = calc.settle(cart, List.of(coupon(th), coupon(dc)), byId(th, dc), NOW);
    assertThat(r.applied()).hasSize(2);
    assertThat(r.finalPrice()).isEqualByComparingTo("117.00"); // 150 - 20 = 130, then 10% = 13
  }

  @Test
  void settle_thresholdAndDirect_settledByBuiltIn() {
    // until the threshold+direct built-in, this was NO_EXECUTOR for both and the full price
    Template th = threshold("100.00", "20.00", Scope.all(), stackAll());
    Template dr = direct("5.00", Scope.all(), stackAll());
    Coupon outOfScope = coupon(direct("1.00", Scope.goodsTypes("toys"), stackAll()));
    SettlementResult r = calc.settle(cart, List.of(coupon(th), outOfScope, coupon(dr)), byId(th, dr), NOW);
    assertThat(r.applied()).extracting(AppliedCoupon::templateId).containsExactly(th.id(), dr.id());
    assertThat(reasons(r)).containsExactly(RejectionReason.UNKNOWN_COUPON);
    assertThat(r.finalPrice()).isEqualByComparingTo("125.00"); // 150 - 20 - 5
  }

  @Test
  void settle_combinationWithoutExecutor_bestSubsetKept_otherNoExecutor() {
    // a registry lacking {THRESHOLD, DIRECT}: the buyer keeps the better code instead of losing both
    SettlementCalculator lacking = new SettlementCalculator(SettlementPolicy.defaults(),
        ExecutorRegistry.withoutBuiltIns(BuiltInExecutors.threshold(), BuiltInExecutors.direct()));
    Template th = threshold("100.00", "20.00", Scope.all(), stackAll());
    Template dr = direct("5.00", Scope.all(), stackAll());
    Coupon thC = coupon(th);
    Coupon drC = coupon(dr);

    SettlementResult r = lacking.settle(cart, List.of(drC, thC), byId(th, dr), NOW);

    assertThat(r.applied()).extracting(AppliedCoupon::code).containsExactly(thC.code());
    assertThat(r.rejected()).extracting(RejectedCoupon::code).containsExactly(drC.code());
    assertThat(reasons(r)).containsExactly(RejectionReason.NO_EXECUTOR);
    assertThat(r.finalPrice()).isEqualByComparingTo("130.00");
  }

  @Test
  void settle_noCoupons_fullPrice() {
    SettlementResult r = calc.settle(cart, List.of(), Map.of(), NOW);
    assertThat(r.originalTotal()).isEqualTo(new BigDecimal("150.00"));
    assertThat(r.finalPrice()).isEqualTo(new BigDecimal("150.00"));
    assertThat(r.applied()).isEmpty();
    assertThat(r.rejected()).isEmpty();
  }

  @Test
  void settle_appliedCouponsCarryCodesAndCategories() {
    Template th = threshold("100.00", "20.00", Scope.all(), stackAll());
    Template dc = discount("10", Scope.all(), stackAll());
    Coupon c1 = coupon(th);
    Coupon c2 = coupon(dc);
    SettlementResult r = calc.settle(new SettlementRequest(cart, List.of(c2, c1)), byId(th, dc), NOW);
    assertThat(r.applied()).extracting(AppliedCoupon::code).containsExactly(c1.code(), c2.code());
    assertThat(r.applied()).extracting(AppliedCoupon::category)
        .containsExactly(CouponCategory.THRESHOLD, CouponCategory.DISCOUNT);
    assertThat(r.applied().get(0).saved()).isEqualTo(new BigDecimal("20.00"));
    assertThat(r.applied().get(1).saved()).isEqualTo(new BigDecimal("13.00"));
  }

  @Test
  void settle_manyTinyLines_noLineGoesNegative() {
    List<CartLine> lines = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      lines.add(line("g" + i, "x", i % 2 == 0 ? "0.01" : "0.03"));
    }
    Template dr = direct("0.55", Scope.all(), stackAll());
    SettlementResult r = new SettlementCalculator(SettlementPolicy.defaults().withPriceFloor(BigDecimal.ZERO),
        ExecutorRegistry.ofDefaults()).settle(new Cart(USER, lines), List.of(coupon(dr)), byId(dr), NOW);
    Map<String, BigDecimal> alloc = r.applied().get(0).allocations();
    for (CartLine l : lines) {
      assertThat(alloc.get(l.goodsId())).isBetween(BigDecimal.ZERO, l.lineTotal());
    }
    assertThat(r.finalPrice()).isEqualByComparingTo("0.05");
  }

  @Test
  void settle_malformedInput_invalidArgument() {
    Template t = direct("5.00", Scope.all(), stackAll());
    Coupon c = coupon(t);
    assertInvalid(() -> calc.settle(null, List.of(), Map.of(), NOW));
    assertInvalid(() -> calc.settle(cart, null, Map.of(), NOW));
    assertInvalid(() -> calc.settle(cart, List.of(), null, NOW));
    assertInvalid(() -> calc.settle(cart, List.of(), Map.of(), null));
    assertInvalid(() -> calc.settle(cart, List.of(c, c), byId(t), NOW));
    assertInvalid(() -> calc.settle(cart, Collections.singletonList(null), byId(t), NOW));
    assertInvalid(() -> calc.settle(cart, Collections.nCopies(101, c), byId(t), NOW));
  }

  @Test
  void cart_malformed_invalidArgument() {
    assertInvalid(() -> new Cart(" ", List.of(line("A", "x", "1.00"))));
    assertInvalid(() -> new Cart(USER, List.of()));
    assertInvalid(() -> new Cart(USER, null));
    assertInvalid(() -> new Cart(USER, Collections.singletonList(null)));
    assertInvalid(() -> new Cart(USER, List.of(line("A", "x", "1.00"), line("A", "y", "2.00"))));
    List<CartLine> tooMany = new ArrayList<>();
    for (int i = 0; i <= Cart.MAX_LINES; i++) {
      tooMany.add(line("g" + i, "x", "1.00"));
    }
    assertInvalid(() -> new Cart(USER, tooMany));
    assertThat(new Cart(USER, tooMany.subList(0, Cart.MAX_LINES)).lines()).hasSize(Cart.MAX_LINES);
  }

  @Test
  void cartLine_malformed_invalidArgument() {
    assertInvalid(() -> new CartLine(null, "x", null, BigDecimal.ONE, 1));
    assertInvalid(() -> new CartLine("A", "", null, BigDecimal.ONE, 1));
    assertInvalid(() -> new CartLine("A", "x", " ", BigDecimal.ONE, 1));
    assertInvalid(() -> new CartLine("A", "x", null, null, 1));
    assertInvalid(() -> new CartLine("A", "x", null, new BigDecimal("-0.01"), 1));
    assertInvalid(() -> new CartLine("A", "x", null, new BigDecimal("1.001"), 1));
    assertInvalid(() -> new CartLine("A", "x", null, BigDecimal.ONE, 0));
    assertThat(new CartLine("A", "x", null, new BigDecimal("1.500"), 2).lineTotal())
        .isEqualTo(new BigDecimal("3.00"));
  }

  @Test
  void policy_malformed_invalidArgument() {
    SettlementPolicy d = SettlementPolicy.defaults();
    assertThat(d.priceFloor()).isEqualTo(new BigDecimal("0.01"));
    assertThat(d.scale()).isEqualTo(2);
    assertThat(d.roundingMode()).isEqualTo(RoundingMode.HALF_UP);
    assertInvalid(() -> d.withPriceFloor(new BigDecimal("-1")));
    assertInvalid(() -> d.withPriceFloor(new BigDecimal("0.001")));
    assertInvalid(() -> d.withPriceFloor(null));
    assertInvalid(() -> d.withScale(1));
    assertInvalid(() -> d.withScale(9));
    assertInvalid(() -> d.withRoundingMode(RoundingMode.UNNECESSARY));
    assertInvalid(() -> d.withRoundingMode(null));
  }

  @Test
  void allocations_distribute_sumsExactly() {
    List<BigDecimal> parts = Allocations.distribute(new BigDecimal("10.00"),
        List.of(new BigDecimal("20.00"), new BigDecimal("10.00")), SettlementPolicy.defaults());
    assertThat(parts).containsExactly(new BigDecimal("6.67"), new BigDecimal("3.33"));
    assertInvalid(() -> Allocations.distribute(new BigDecimal("31"), List.of(new BigDecimal("30")),
        SettlementPolicy.defaults()));
    assertInvalid(() -> Allocations.distribute(BigDecimal.ONE, List.of(new BigDecimal("-1"), BigDecimal.TEN),
        SettlementPolicy.defaults()));
  }

  @Test
  void settle_expiryJudgedAtNow() {
    Template t = direct("5.00", Scope.all(), stackAll());
    Coupon c = coupon(t, USER, CouponStatus.USABLE, NOW.plus(Duration.ofMinutes(1)));
    assertThat(calc.settle(cart, List.of(c), byId(t), NOW).applied()).hasSize(1);
    assertThat(reasons(calc.settle(cart, List.of(c), byId(t), NOW.plus(Duration.ofMinutes(1)))))
        .containsExactly(RejectionReason.EXPIRED);
  }

  @Test
  void result_isImmutableAndChecksItsArithmetic() {
    Template t = direct("5.00", Scope.all(), stackAll());
    SettlementResult r = calc.settle(cart, List.of(coupon(t)), byId(t), NOW);
    assertThrows(UnsupportedOperationException.class, () -> r.applied().get(0).allocations().put("A", null));
    assertThrows(UnsupportedOperationException.class, () -> r.applied().clear());
    assertThat(r.applied().get(0).allocations()).isEqualTo(Map.of("A", new BigDecimal("3.33"),
        "B", new BigDecimal("1.67")));
    assertInvalid(() -> new SettlementResult(r.originalTotal(), r.totalDiscount(), r.originalTotal(), r.applied(),
        List.of()));
    assertInvalid(() -> new SettlementResult(r.originalTotal(), BigDecimal.ONE, r.originalTotal()
        .subtract(BigDecimal.ONE), r.applied(), List.of()));
    assertInvalid(() -> new AppliedCoupon("c", "id", "t", CouponCategory.DIRECT, BigDecimal.ONE,
        Map.of("A", BigDecimal.TEN)));
  }

  private static List<RejectionReason> reasons(SettlementResult r) {
    return r.rejected().stream().map(RejectedCoupon::reason).toList();
  }

  private static void assertInvalid(Runnable r) {
    CouponException e = assertThrows(CouponException.class, r::run);
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }
}
