package io.couponengine.settlement;

import io.couponengine.coupon.Coupon;
import io.couponengine.internal.Preconditions;
import java.util.List;

/**
 * The best allowed combination of a user's coupons for a cart, and its settlement.
 *
 * <pre>{@code
 * BestCombinationResult best = engine.bestCombination(cart);
 * List<String> codes = best.coupons().stream().map(Coupon::code).toList(); // pass these to reserve(...)
 * best.result().finalPrice();
 * }</pre>
 *
 * @param coupons the chosen coupons in the order they were applied; empty when no coupon lowers the price
 * @param result the settlement of exactly these coupons
 */
public record BestCombinationResult(List<Coupon> coupons, SettlementResult result) {

  /**
   * Checks and copies.
   *
   * @param coupons the chosen coupons in the order they were applied; empty when no coupon lowers the price
   * @param result the settlement of exactly these coupons
   * @throws io.couponengine.error.CouponException INVALID_ARGUMENT naming {@code coupons} or {@code result} when
   *     null, {@code coupons[i]} for a null coupon
   */
  public BestCombinationResult {
    coupons = Preconditions.requireElements(coupons, "coupons");
    Checks.notNull(result, "result");
  }
}
