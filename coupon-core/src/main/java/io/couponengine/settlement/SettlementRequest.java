package io.couponengine.settlement;

import io.couponengine.coupon.Coupon;
import io.couponengine.internal.Preconditions;
import java.util.List;

/**
 * A cart and the coupons the buyer chose for it, already resolved from their codes by the caller (the engine).
 *
 * <pre>{@code
 * SettlementRequest request = new SettlementRequest(cart, List.of(thresholdCoupon, discountCoupon));
 * SettlementResult result = calculator.settle(request, templatesById, Instant.now());
 * }</pre>
 *
 * @param cart the cart
 * @param coupons the chosen coupons, at most {@value SettlementCalculator#MAX_COUPONS}, in priority order: the
 *     calculator applies the allowed subset with the lowest price and, among equal prices, the one keeping the
 *     earlier coupons
 */
public record SettlementRequest(Cart cart, List<Coupon> coupons) {

  /**
   * Validates and copies the coupon list.
   *
   * @param cart the cart
   * @param coupons the chosen coupons, at most {@value SettlementCalculator#MAX_COUPONS}, in priority order: the
   *     calculator applies the allowed subset with the lowest price and, among equal prices, the one keeping the
   *     earlier coupons
   * @throws io.couponengine.error.CouponException INVALID_ARGUMENT naming {@code cart} when null, {@code coupons}
   *     when null or holding too many coupons, {@code coupons[i]} for a null coupon
   */
  public SettlementRequest {
    Checks.notNull(cart, "cart");
    Checks.notNull(coupons, "coupons");
    if (coupons.size() > SettlementCalculator.MAX_COUPONS) {
      throw io.couponengine.error.CouponException.invalidField("coupons", "must hold at most %d coupons but held %d",
          SettlementCalculator.MAX_COUPONS, coupons.size());
    }
    coupons = Preconditions.requireElements(coupons, "coupons");
  }
}
