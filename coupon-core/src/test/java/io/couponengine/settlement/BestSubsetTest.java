package io.couponengine.settlement;

import static io.couponengine.settlement.Fixtures.NOW;
import static io.couponengine.settlement.Fixtures.byId;
import static io.couponengine.settlement.Fixtures.cart;
import static io.couponengine.settlement.Fixtures.coupon;
import static io.couponengine.settlement.Fixtures.direct;
import static io.couponengine.settlement.Fixtures.discount;
import static io.couponengine.settlement.Fixtures.line;
import static io.couponengine.settlement.Fixtures.stackAll;
import static io.couponengine.settlement.Fixtures.threshold;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.Stacking;
import io.couponengine.template.Template;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link SettlementCalculator#settle} applies the best allowed subset of the coupons given: the lowest final price,
 * then the subset keeping the earlier codes; the others are rejected with their reason (issue #10, item 9).
 */
class BestSubsetTest {
  private final SettlementCalculator calc = SettlementCalculator.ofDefaults();
  /** 150.00: A digital 100.00, B books 50.00. */
  private final Cart cart = cart(line("A", "digital", "100.00"), line("B", "books", "50.00"));

  @Test
  void thresholdAndDirect_notStackable_theCheaperOneApplies_inEitherOrder() {
    Template th = threshold("100.00", "20.00", Scope.all(), Stacking.none());
    Template dr = direct("25.00", Scope.all(), stackAll());
    Coupon thC = coupon(th);
    Coupon drC = coupon(dr);

    // 25 off (125.00) beats 20 off (130.00), whichever was entered first
    for (List<Coupon> order : List.of(List.of(thC, drC), List.of(drC, thC))) {
      SettlementResult r = calc.settle(cart, order, byId(th, dr), NOW);
      assertThat(r.finalPrice()).isEqualByComparingTo("125.00");
      assertThat(r.applied()).extracting(AppliedCoupon::code).containsExactly(drC.code());
      assertThat(r.rejected()).extracting(RejectedCoupon::code, RejectedCoupon::reason)
          .containsExactly(tuple(thC.code(), RejectionReason.NOT_STACKABLE));
    }
  }

  @Test
  void secondCodeThatDoesNotCombine_buyerKeepsTheFirstDiscount() {
    // the Shopify case: a 20-off code is applied, the buyer adds a 10-off code that combines with nothing
    Template th = threshold("100.00", "20.00", Scope.all(), stackAll());
    Template dr = direct("10.00", Scope.all(), Stacking.none());
    Coupon first = coupon(th);
    Coupon second = coupon(dr);

    SettlementResult r = calc.settle(cart, List.of(first, second), byId(th, dr), NOW);

    assertThat(r.finalPrice()).isEqualByComparingTo("130.00");
    assertThat(r.applied()).extracting(AppliedCoupon::code).containsExactly(first.code());
    assertThat(r.rejected()).extracting(RejectedCoupon::code, RejectedCoupon::reason)
        .containsExactly(tuple(second.code(), RejectionReason.NOT_STACKABLE));
  }

  @Test
  void thresholdAndDirect_stackable_bothApply() {
    Template th = threshold("100.00", "20.00", Scope.all(), Stacking.withCategories(CouponCategory.DIRECT));
    Template dr = direct("25.00", Scope.all(), Stacking.withCategories(CouponCategory.THRESHOLD));

    SettlementResult r = calc.settle(cart, List.of(coupon(dr), coupon(th)), byId(th, dr), NOW);

    // 150 - 20 = 130 (20 over A 100 : B 50 = 13.33 + 6.67), then 25 over A 86.67 : B 43.33 = 16.67 + 8.33
    assertThat(r.finalPrice()).isEqualByComparingTo("105.00");
    assertThat(r.rejected()).isEmpty();
    assertThat(r.applied()).extracting(AppliedCoupon::category, AppliedCoupon::saved).containsExactly(
        tuple(CouponCategory.THRESHOLD, new BigDecimal("20.00")), tuple(CouponCategory.DIRECT, new BigDecimal("25.00")));
    assertThat(r.applied().get(1).allocations()).containsEntry("A", new BigDecimal("16.67"))
        .containsEntry("B", new BigDecimal("8.33"));
  }

  @Test
  void threeCodes_thirdDoesNotStack_isRejected() {
    Template th = threshold("100.00", "20.00", Scope.all(), Stacking.withCategories(CouponCategory.DISCOUNT));
    Template dc = discount("10", Scope.all(), Stacking.withCategories(CouponCategory.THRESHOLD));
    Template dr = direct("10.00", Scope.all(), Stacking.none());
    Coupon drC = coupon(dr);

    SettlementResult r = calc.settle(cart, List.of(coupon(th), coupon(dc), drC), byId(th, dc, dr), NOW);

    // threshold+discount: 150 - 20 = 130, - 13 = 117.00; the direct alone: 140.00
    assertThat(r.finalPrice()).isEqualByComparingTo("117.00");
    assertThat(r.applied()).extracting(AppliedCoupon::templateId).containsExactly(th.id(), dc.id());
    assertThat(r.rejected()).extracting(RejectedCoupon::code, RejectedCoupon::reason)
        .containsExactly(tuple(drC.code(), RejectionReason.NOT_STACKABLE));
  }

  @Test
  void threeCodes_thirdAloneIsCheaper_replacesTheOtherTwo() {
    Template th = threshold("100.00", "20.00", Scope.all(), Stacking.withCategories(CouponCategory.DISCOUNT));
    Template dc = discount("10", Scope.all(), Stacking.withCategories(CouponCategory.THRESHOLD));
    Template dr = direct("40.00", Scope.all(), Stacking.none());
    Coupon thC = coupon(th);
    Coupon dcC = coupon(dc);

    SettlementResult r = calc.settle(cart, List.of(thC, dcC, coupon(dr)), byId(th, dc, dr), NOW);

    // the direct alone: 110.00 beats threshold+discount: 117.00
    assertThat(r.finalPrice()).isEqualByComparingTo("110.00");
    assertThat(r.applied()).extracting(AppliedCoupon::templateId).containsExactly(dr.id());
    assertThat(r.rejected()).extracting(RejectedCoupon::code, RejectedCoupon::reason).containsExactly(
        tuple(thC.code(), RejectionReason.NOT_STACKABLE), tuple(dcC.code(), RejectionReason.NOT_STACKABLE));
  }

  @Test
  void threeCodes_allStack_allApply() {
    Template th = threshold("100.00", "20.00", Scope.all(), stackAll());
    Template dc = discount("10", Scope.all(), stackAll());
    Template dr = direct("10.00", Scope.all(), stackAll());

    SettlementResult r = calc.settle(cart, List.of(coupon(dc), coupon(dr), coupon(th)), byId(th, dc, dr), NOW);

    // 150 - 20 = 130, - 10 = 120, - 12 = 108.00
    assertThat(r.finalPrice()).isEqualByComparingTo("108.00");
    assertThat(r.applied()).extracting(AppliedCoupon::category)
        .containsExactly(CouponCategory.THRESHOLD, CouponCategory.DIRECT, CouponCategory.DISCOUNT);
    assertThat(r.rejected()).isEmpty();
  }

  @Test
  void tie_keepsTheEarlierCode() {
    Template th = threshold("100.00", "20.00", Scope.all(), Stacking.none());
    Template dr = direct("20.00", Scope.all(), Stacking.none());
    Coupon thC = coupon(th);
    Coupon drC = coupon(dr);

    SettlementResult thFirst = calc.settle(cart, List.of(thC, drC), byId(th, dr), NOW);
    SettlementResult drFirst = calc.settle(cart, List.of(drC, thC), byId(th, dr), NOW);

    assertThat(thFirst.finalPrice()).isEqualByComparingTo("130.00");
    assertThat(thFirst.applied()).extracting(AppliedCoupon::code).containsExactly(thC.code());
    assertThat(thFirst.rejected()).extracting(RejectedCoupon::reason).containsExactly(RejectionReason.NOT_STACKABLE);
    assertThat(drFirst.finalPrice()).isEqualByComparingTo("130.00");
    assertThat(drFirst.applied()).extracting(AppliedCoupon::code).containsExactly(drC.code());
  }

  @Test
  void tie_sameCategory_keepsTheEarlierCode() {
    Template a = direct("5.00", Scope.all(), stackAll());
    Template b = direct("5.00", Scope.all(), stackAll());
    Coupon aC = coupon(a);
    Coupon bC = coupon(b);
    SettlementResult r = calc.settle(cart, List.of(bC, aC), byId(a, b), NOW);
    assertThat(r.applied()).extracting(AppliedCoupon::code).containsExactly(bC.code());
    assertThat(r.rejected()).extracting(RejectedCoupon::code).containsExactly(aC.code());
  }

  @Test
  void tie_betweenOneCodeAndAPair_theSubsetHoldingTheEarliestCodeWins() {
    // x alone: 150 - 15 = 135.00; y+z: 10 off the digital line, 10% of the books line = 135.00 as well
    Template x = direct("15.00", Scope.all(), Stacking.none());
    Template y = threshold("100.00", "10.00", Scope.goodsTypes("digital"), stackAll());
    Template z = discount("10", Scope.goodsTypes("books"), stackAll());
    Coupon xC = coupon(x);
    Coupon yC = coupon(y);
    Coupon zC = coupon(z);

    SettlementResult xFirst = calc.settle(cart, List.of(xC, yC, zC), byId(x, y, z), NOW);
    SettlementResult yFirst = calc.settle(cart, List.of(yC, xC, zC), byId(x, y, z), NOW);
    SettlementResult zFirst = calc.settle(cart, List.of(zC, xC, yC), byId(x, y, z), NOW);

    assertThat(xFirst.finalPrice()).isEqualByComparingTo("135.00");
    assertThat(xFirst.applied()).extracting(AppliedCoupon::code).containsExactly(xC.code());
    assertThat(xFirst.rejected()).extracting(RejectedCoupon::code).containsExactly(yC.code(), zC.code());
    assertThat(yFirst.finalPrice()).isEqualByComparingTo("135.00");
    assertThat(yFirst.applied()).extracting(AppliedCoupon::code).containsExactly(yC.code(), zC.code());
    assertThat(yFirst.rejected()).extracting(RejectedCoupon::code).containsExactly(xC.code());
    assertThat(zFirst.applied()).extracting(AppliedCoupon::code).containsExactly(yC.code(), zC.code());
  }

  @Test
  void tie_aCouponSavingNothing_stillApplied() {
    // at the floor already: the discount saves nothing but combines, so it is kept (as before this change)
    Cart small = cart(line("A", "x", "10.00"));
    Template th = threshold("10.00", "10.00", Scope.all(), stackAll());
    Template dc = discount("10", Scope.all(), stackAll());
    SettlementResult r = calc.settle(small, List.of(coupon(th), coupon(dc)), byId(th, dc), NOW);
    assertThat(r.finalPrice()).isEqualByComparingTo("0.01");
    assertThat(r.applied()).hasSize(2);
    assertThat(r.applied().get(1).saved()).isEqualByComparingTo("0");
    assertThat(r.rejected()).isEmpty();
  }

  @Test
  void sameTemplateTwice_secondRejected() {
    Template a = direct("5.00", Scope.all(), stackAll());
    Coupon one = coupon(a);
    Coupon two = coupon(a);
    SettlementResult r = calc.settle(cart, List.of(one, two), byId(a), NOW);
    assertThat(r.applied()).extracting(AppliedCoupon::code).containsExactly(one.code());
    assertThat(r.rejected()).extracting(RejectedCoupon::code, RejectedCoupon::reason)
        .containsExactly(tuple(two.code(), RejectionReason.NOT_STACKABLE));
  }

  @Test
  void precheckReasons_keptAlongsideTheBestSubset() {
    Template th = threshold("100.00", "20.00", Scope.all(), stackAll());
    Template far = threshold("500.00", "90.00", Scope.all(), stackAll());
    Template dr = direct("5.00", Scope.all(), stackAll());
    Template min = Fixtures.template(CouponCategory.DISCOUNT, Discount.percentOff(new BigDecimal("50")), Scope.all(),
        stackAll(), "1000.00", 0);
    Coupon used = coupon(direct("50.00", Scope.all(), stackAll()), Fixtures.USER, CouponStatus.USED,
        NOW.plusSeconds(60));

    SettlementResult r = calc.settle(cart, List.of(coupon(far), coupon(min), used, coupon(dr), coupon(th)),
        byId(th, far, dr, min), NOW);

    assertThat(r.finalPrice()).isEqualByComparingTo("125.00");
    assertThat(r.rejected()).extracting(RejectedCoupon::reason).containsExactly(RejectionReason.THRESHOLD_NOT_MET,
        RejectionReason.MINIMUM_NOT_MET, RejectionReason.NOT_USABLE);
  }

  @Test
  void noExecutorForTheTriple_bestPairKept_thirdNoExecutor() {
    // a registry without the triple: the best pair applies, the third code is refused for want of an executor
    SettlementCalculator lacking = new SettlementCalculator(SettlementPolicy.defaults(),
        ExecutorRegistry.withoutBuiltIns(BuiltInExecutors.threshold(), BuiltInExecutors.discount(),
            BuiltInExecutors.direct(), BuiltInExecutors.thresholdThenDiscount(), BuiltInExecutors.thresholdThenDirect(),
            BuiltInExecutors.directThenDiscount()));
    Template th = threshold("100.00", "20.00", Scope.all(), stackAll());
    Template dc = discount("10", Scope.all(), stackAll());
    Template dr = direct("5.00", Scope.all(), stackAll());
    Coupon drC = coupon(dr);

    SettlementResult r = lacking.settle(cart, List.of(coupon(th), coupon(dc), drC), byId(th, dc, dr), NOW);

    assertThat(r.finalPrice()).isEqualByComparingTo("117.00"); // 150 - 20 - 13; the direct pairs give less
    assertThat(r.rejected()).extracting(RejectedCoupon::code, RejectedCoupon::reason)
        .containsExactly(tuple(drC.code(), RejectionReason.NO_EXECUTOR));
  }

  @Test
  void customExecutor_isAlwaysPriced_evenWhenItsCouponsLookWorse() {
    // a custom threshold executor that takes off twice the amount: the bound of the built-ins must not hide it
    SettlementExecutor doubling = new SettlementExecutor() {
      @Override
      public String name() {
        return "double-threshold";
      }

      @Override
      public Set<CouponCategory> categories() {
        return EnumSet.of(CouponCategory.THRESHOLD);
      }

      @Override
      public List<CouponSaving> settle(Cart c, List<SelectedCoupon> coupons, SettlementPolicy policy) {
        List<CouponSaving> out = new ArrayList<>();
        for (SelectedCoupon s : coupons) {
          BigDecimal twice = s.template().spec().discount().amount().multiply(BigDecimal.valueOf(2));
          out.add(new CouponSaving(s.coupon().id(), twice, Collections.singletonMap("A", twice)));
        }
        return out;
      }
    };
    SettlementCalculator custom = new SettlementCalculator(SettlementPolicy.defaults(),
        ExecutorRegistry.builder().register(doubling).build());
    Template th = threshold("100.00", "20.00", Scope.all(), Stacking.none());
    Template dr = direct("30.00", Scope.all(), Stacking.none());

    SettlementResult r = custom.settle(cart, List.of(coupon(dr), coupon(th)), byId(th, dr), NOW);

    assertThat(r.finalPrice()).isEqualByComparingTo("110.00"); // 40 off by the custom executor beats 30 off
    assertThat(r.applied()).extracting(AppliedCoupon::templateId).containsExactly(th.id());
  }

  @Test
  void manyCodes_exactAndQuick() {
    // 99 coupons of 99 templates that all stack: 33 of each category; the search still finds the best triple
    List<Template> templates = new ArrayList<>();
    List<Coupon> coupons = new ArrayList<>();
    for (int i = 0; i < 99; i++) {
      Template t = switch (i % 3) {
        case 0 -> threshold("100.00", (1 + i / 3) + ".00", Scope.all(), stackAll());
        case 1 -> discount(String.valueOf(1 + i / 3), Scope.all(), stackAll());
        default -> direct((1 + i / 3) + ".00", Scope.all(), stackAll());
      };
      templates.add(t);
      coupons.add(coupon(t));
    }
    long start = System.nanoTime();
    SettlementResult r = calc.settle(cart, coupons, byId(templates), NOW);
    long millis = (System.nanoTime() - start) / 1_000_000;
    // the largest of each: 150 - 33 = 117, - 33 = 84, 33% of 84 = 27.72 -> 56.28
    assertThat(r.finalPrice()).isEqualByComparingTo("56.28");
    assertThat(r.applied()).hasSize(3);
    assertThat(r.rejected()).hasSize(96).allSatisfy(x -> assertThat(x.reason()).isEqualTo(
        RejectionReason.NOT_STACKABLE));
    assertThat(millis).as("milliseconds for 99 codes").isLessThan(5_000);
  }
}
