package io.couponengine.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.Stacking;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.Validity;
import io.couponengine.testing.MutableClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** End to end through {@link CouponEngine}: create templates, claim, settle by codes, pick the best combination. */
class EngineSettlementTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
  private final CouponEngine engine = CouponEngine.builder().clock(clock).executor(Runnable::run).build();
  private final Cart cart = new Cart("alice", List.of(
      new CartLine("sku-1", "digital", null, new BigDecimal("80.00"), 1),
      new CartLine("sku-2", "books", null, new BigDecimal("35.00"), 2)));

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void settle_byCodes_appliesStackedCoupons() {
    Coupon th = claim(template(CouponCategory.THRESHOLD, Discount.threshold(money("100.00"), money("20.00")),
        Stacking.withCategories(CouponCategory.DISCOUNT)), "alice");
    Coupon dc = claim(template(CouponCategory.DISCOUNT, Discount.percentOff(money("10")),
        Stacking.withCategories(CouponCategory.THRESHOLD)), "alice");

    // codes as a user might type them: lower case, no dashes
    SettlementResult r = engine.settle(cart, List.of(dc.code().toLowerCase().replace("-", ""), th.code()));

    // 150 - 20 = 130, then 10% = 13 -> 117
    assertThat(r.originalTotal()).isEqualByComparingTo("150.00");
    assertThat(r.finalPrice()).isEqualByComparingTo("117.00");
    assertThat(r.applied()).extracting(AppliedCoupon::code).containsExactly(th.code(), dc.code());
    assertThat(r.rejected()).isEmpty();
  }

  @Test
  void settle_unknownOrMalformedCode_unknownCoupon() {
    Coupon dr = claim(template(CouponCategory.DIRECT, Discount.amountOff(money("5.00")), Stacking.none()), "alice");
    String typo = dr.code().substring(0, dr.code().length() - 1)
        + (dr.code().endsWith("2") ? "3" : "2"); // wrong check character

    SettlementResult r = engine.settle(cart, List.of(dr.code(), typo));

    assertThat(r.finalPrice()).isEqualByComparingTo("145.00");
    assertThat(r.rejected()).singleElement().satisfies(rej -> {
      assertThat(rej.reason()).isEqualTo(RejectionReason.UNKNOWN_COUPON);
      assertThat(rej.code()).isEqualTo(typo);
    });
  }

  @Test
  void settle_otherUsersCode_notOwner() {
    Coupon bobs = claim(template(CouponCategory.DIRECT, Discount.amountOff(money("5.00")), Stacking.none()), "bob");
    SettlementResult r = engine.settle(cart, List.of(bobs.code()));
    assertThat(r.rejected()).extracting(RejectedCoupon::reason).containsExactly(RejectionReason.NOT_OWNER);
  }

  @Test
  void settle_reservedCoupon_notUsable_releasedCouponUsable() {
    Coupon dr = claim(template(CouponCategory.DIRECT, Discount.amountOff(money("5.00")), Stacking.none()), "alice");
    assertThat(engine.reserve("alice", "order-1", List.of(dr.code())).outcome())
        .isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(engine.settle(cart, List.of(dr.code())).rejected()).extracting(RejectedCoupon::reason)
        .containsExactly(RejectionReason.NOT_USABLE);

    engine.release("order-1");
    assertThat(engine.settle(cart, List.of(dr.code())).finalPrice()).isEqualByComparingTo("145.00");
  }

  @Test
  void settle_afterExpiry_expired() {
    Coupon dr = claim(template(CouponCategory.DIRECT, Discount.amountOff(money("5.00")), Stacking.none()), "alice");
    clock.advance(Duration.ofDays(8));
    assertThat(engine.settle(cart, List.of(dr.code())).rejected()).extracting(RejectedCoupon::reason)
        .containsExactly(RejectionReason.EXPIRED);
  }

  @Test
  void bestCombination_picksStackedPairAmongUsersCoupons() {
    Template thT = template(CouponCategory.THRESHOLD, Discount.threshold(money("100.00"), money("20.00")),
        Stacking.withCategories(CouponCategory.DISCOUNT));
    Template dcT = template(CouponCategory.DISCOUNT, Discount.percentOff(money("10")),
        Stacking.withCategories(CouponCategory.THRESHOLD));
    Template drT = template(CouponCategory.DIRECT, Discount.amountOff(money("25.00")), Stacking.none());
    claim(thT, "alice");
    claim(dcT, "alice");
    claim(drT, "alice");
    claim(drT, "bob");

    BestCombinationResult best = engine.bestCombination(cart);

    assertThat(best.result().finalPrice()).isEqualByComparingTo("117.00");
    assertThat(best.coupons()).extracting(Coupon::templateId).containsExactly(thT.id(), dcT.id());
    List<String> codes = new ArrayList<>();
    best.coupons().forEach(c -> codes.add(c.code()));
    assertThat(engine.settle(cart, codes)).isEqualTo(best.result());
  }

  @Test
  void settle_malformedInput_invalidArgument() {
    assertThat(assertThrows(CouponException.class, () -> engine.settle(null, List.of())).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(assertThrows(CouponException.class, () -> engine.settle(cart, null)).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    Coupon dr = claim(template(CouponCategory.DIRECT, Discount.amountOff(money("5.00")), Stacking.none()), "alice");
    assertThat(assertThrows(CouponException.class,
        () -> engine.settle(cart, List.of(dr.code(), dr.code().toLowerCase()))).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(assertThrows(CouponException.class, () -> engine.bestCombination(null)).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void builder_settlementPolicyAndExecutor() {
    SettlementExecutor custom = new TestDirectThenDiscountExecutor();
    try (CouponEngine e = CouponEngine.builder().executor(Runnable::run)
        .settlementPolicy(SettlementPolicy.defaults().withPriceFloor(BigDecimal.ONE))
        .settlementExecutor(custom).build()) {
      assertThat(e.config().settlementPolicy().priceFloor()).isEqualByComparingTo("1");
      assertThat(e.config().settlementExecutors()).containsExactly(custom);
    }
    CouponEngine.Builder b = CouponEngine.builder().settlementPolicy(SettlementPolicy.defaults());
    assertThat(assertThrows(CouponException.class, () -> b.settlementPolicy(SettlementPolicy.defaults())).code())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    CouponEngine.Builder b2 = CouponEngine.builder().settlementExecutor(custom);
    assertThat(assertThrows(CouponException.class, () -> b2.settlementExecutor(custom)).code())
        .as("same name twice").isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(EnumSet.copyOf(custom.categories())).containsExactly(CouponCategory.DISCOUNT, CouponCategory.DIRECT);
  }

  @Test
  void settle_withRegisteredExecutor_settlesItsCombination() {
    try (CouponEngine e = CouponEngine.builder().clock(clock).executor(Runnable::run)
        .settlementExecutor(new TestDirectThenDiscountExecutor()).build()) {
      Template drT = e.createTemplate(spec(CouponCategory.DIRECT, Discount.amountOff(money("10.00")),
          Stacking.withCategories(CouponCategory.DISCOUNT)));
      Template dcT = e.createTemplate(spec(CouponCategory.DISCOUNT, Discount.percentOff(money("10")),
          Stacking.withCategories(CouponCategory.DIRECT)));
      Coupon dr = e.claim(new ClaimRequest("alice", e.generation(drT.id()).join().id(), "k1")).couponOrNull();
      Coupon dc = e.claim(new ClaimRequest("alice", e.generation(dcT.id()).join().id(), "k2")).couponOrNull();

      SettlementResult r = e.settle(cart, List.of(dr.code(), dc.code()));

      assertThat(r.finalPrice()).isEqualByComparingTo("126.00"); // 150 - 10 = 140, - 14
    }
  }

  private Template template(CouponCategory category, Discount discount, Stacking stacking) {
    Template t = engine.createTemplate(spec(category, discount, stacking));
    return engine.generation(t.id()).join();
  }

  private static TemplateSpec spec(CouponCategory category, Discount discount, Stacking stacking) {
    return TemplateSpec.builder()
        .name("engine settlement " + category)
        .category(category)
        .productLine("mall")
        .totalCount(10)
        .perUserLimit(2)
        .validity(Validity.rolling(Duration.ofDays(7)))
        .discount(discount)
        .scope(Scope.all())
        .stacking(stacking)
        .build();
  }

  private Coupon claim(Template t, String user) {
    return engine.claim(new ClaimRequest(user, t.id(), user + "-" + t.id())).couponOrNull();
  }

  private static BigDecimal money(String s) {
    return new BigDecimal(s);
  }
}
