package io.couponengine.examples;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.settlement.AppliedCoupon;
import io.couponengine.settlement.BestCombinationResult;
import io.couponengine.settlement.Cart;
import io.couponengine.settlement.CartLine;
import io.couponengine.settlement.RejectedCoupon;
import io.couponengine.settlement.SettlementResult;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.Stacking;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checkout on the embedded in-memory store: a 满减 and a 折扣 template that stack with each other (and a 立减 that
 * stacks with nothing), claims, the best combination for a cart, its settlement, then redemption: one order
 * reserved and committed, one cancelled order whose reservation is released.
 *
 * <pre>
 * java -cp coupon-examples/target/coupon-examples.jar io.couponengine.examples.CheckoutDemo
 * </pre>
 */
public final class CheckoutDemo {
  private CheckoutDemo() {}

  /**
   * Runs the demo.
   *
   * @param argv ignored
   */
  public static void main(String[] argv) {
    try (CouponEngine engine = CouponEngine.builder().store(new InMemoryCouponStore()).build()) {
      Template threshold = create(engine, "20 off 100 on digital and books", CouponCategory.THRESHOLD,
          Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")),
          Scope.goodsTypes("digital", "books"), Stacking.withCategories(CouponCategory.DISCOUNT));
      Template discount = create(engine, "10% off everything", CouponCategory.DISCOUNT,
          Discount.percentOff(new BigDecimal("10")), Scope.all(), Stacking.withCategories(CouponCategory.THRESHOLD));
      Template direct = create(engine, "25 off, alone", CouponCategory.DIRECT,
          Discount.amountOff(new BigDecimal("25.00")), Scope.all(), Stacking.none());

      String user = "alice";
      Coupon th1 = claim(engine, user, threshold, "th-1");
      Coupon th2 = claim(engine, user, threshold, "th-2");
      claim(engine, user, discount, "dc-1");
      claim(engine, user, direct, "dr-1");
      System.out.printf("%s holds %d usable coupons%n", user, engine.coupons(user, CouponStatus.USABLE).size());

      Cart cart = new Cart(user, List.of(
          new CartLine("kindle", "digital", null, new BigDecimal("89.90"), 1),
          new CartLine("novel", "books", null, new BigDecimal("12.50"), 2),
          new CartLine("apples", "fresh", "shanghai", new BigDecimal("6.80"), 3)));
      System.out.printf("%nCart total %s%n", cart.total());

      BestCombinationResult best = engine.bestCombination(cart);
      List<String> codes = new ArrayList<>();
      best.coupons().forEach(c -> codes.add(c.code()));
      System.out.printf("Best combination: %s -> %s%n", codes, best.result().finalPrice());

      // what the buyer would see for the codes they chose (here: the best ones plus the lone 立减 coupon)
      List<String> chosen = new ArrayList<>(codes);
      engine.coupons(user, CouponStatus.USABLE).stream()
          .filter(c -> c.templateId().equals(direct.id())).findFirst().ifPresent(c -> chosen.add(c.code()));
      print(engine.settle(cart, chosen));

      // order 1: reserve the best coupons with the order, commit on payment
      RedemptionResult reserved = engine.reserve(user, "order-1", codes);
      RedemptionResult committed = engine.commit("order-1");
      System.out.printf("%norder-1: %s, then %s%n", reserved.outcome(), committed.outcome());

      // order 2: reserve the other 满减 coupon, then the buyer cancels: release makes it usable again
      String other = codes.contains(th1.code()) ? th2.code() : th1.code();
      RedemptionResult reserved2 = engine.reserve(user, "order-2", List.of(other));
      System.out.printf("order-2: %s; settling it again now says %s%n", reserved2.outcome(),
          engine.settle(cart, List.of(other)).rejected().get(0).reason());
      RedemptionResult released = engine.release("order-2");
      System.out.printf("order-2 cancelled: %s; settling it again saves %s%n", released.outcome(),
          engine.settle(cart, List.of(other)).totalDiscount());

      System.out.printf("%n%s now: %d usable, %d used%n", user, engine.coupons(user, CouponStatus.USABLE).size(),
          engine.coupons(user, CouponStatus.USED).size());
    }
  }

  private static Template create(CouponEngine engine, String name, CouponCategory category, Discount discount,
      Scope scope, Stacking stacking) {
    Template t = engine.createTemplate(TemplateSpec.builder()
        .name(name)
        .category(category)
        .productLine("mall")
        .totalCount(1_000)
        .perUserLimit(2)
        .validity(Validity.rolling(Duration.ofDays(7)))
        .discount(discount)
        .scope(scope)
        .stacking(stacking)
        .build());
    return engine.generation(t.id()).join();
  }

  private static Coupon claim(CouponEngine engine, String user, Template t, String key) {
    return engine.claim(new ClaimRequest(user, t.id(), key)).coupon()
        .orElseThrow(() -> new IllegalStateException("claim of " + t.id() + " was refused"));
  }

  private static void print(SettlementResult r) {
    System.out.printf("%nSettlement: %s - %s = %s%n", r.originalTotal(), r.totalDiscount(), r.finalPrice());
    for (AppliedCoupon a : r.applied()) {
      System.out.printf("  applied  %-6s %s saves %s on %s%n", a.category(), a.code(), a.saved(), a.allocations());
    }
    for (RejectedCoupon x : r.rejected()) {
      System.out.printf("  rejected %s: %s%n", x.code(), x.reason());
    }
  }
}
