package io.couponengine.settlement;

import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer of a settlement: the price before and after coupons, what each applied coupon saved, and why any
 * offered coupon was not applied.
 *
 * <pre>{@code
 * SettlementResult r = calculator.settle(cart, coupons, templates, Instant.now());
 * r.finalPrice();     // originalTotal - totalDiscount, never below the policy's price floor
 * r.applied();        // in the order the executor applied them
 * r.rejected();       // in the order the coupons were offered
 * }</pre>
 *
 * <p>Immutable. The compact constructor checks the arithmetic: {@code finalPrice == originalTotal - totalDiscount}
 * and {@code totalDiscount == sum of applied savings}, exactly.
 *
 * @param originalTotal the cart total before coupons
 * @param totalDiscount the sum of what the applied coupons saved
 * @param finalPrice what the buyer pays
 * @param applied the applied coupons, in application order
 * @param rejected the coupons not applied, with reasons
 */
public record SettlementResult(BigDecimal originalTotal, BigDecimal totalDiscount, BigDecimal finalPrice,
                               List<AppliedCoupon> applied, List<RejectedCoupon> rejected) {

  /**
   * Validates the arithmetic and copies the lists.
   *
   * @param originalTotal the cart total before coupons
   * @param totalDiscount the sum of what the applied coupons saved
   * @param finalPrice what the buyer pays
   * @param applied the applied coupons, in application order
   * @param rejected the coupons not applied, with reasons
   * @throws CouponException INVALID_ARGUMENT naming the field: an amount that is null or of more than 24 integer
   *     digits or 30 decimal places, {@code applied} or {@code rejected} when null ({@code applied[i]},
   *     {@code rejected[i]} for a null element), {@code totalDiscount} or {@code finalPrice} when the amounts do not
   *     add up
   */
  public SettlementResult {
    Checks.amount(originalTotal, "originalTotal");
    Checks.amount(totalDiscount, "totalDiscount");
    Checks.amount(finalPrice, "finalPrice");
    applied = Preconditions.requireElements(applied, "applied");
    rejected = Preconditions.requireElements(rejected, "rejected");
    BigDecimal sum = BigDecimal.ZERO;
    for (AppliedCoupon a : applied) {
      sum = sum.add(a.saved());
    }
    if (sum.compareTo(totalDiscount) != 0) {
      throw CouponException.invalidField("totalDiscount", "is %s but the savings sum to %s",
          totalDiscount.toPlainString(), sum.toPlainString());
    }
    if (originalTotal.subtract(totalDiscount).compareTo(finalPrice) != 0) {
      throw CouponException.invalidField("finalPrice", "is %s, not %s - %s", finalPrice.toPlainString(),
          originalTotal.toPlainString(), totalDiscount.toPlainString());
    }
  }

  /**
   * This result with more rejected coupons appended (the engine adds the codes it could not resolve).
   *
   * @param more the rejections to append
   * @return a new result
   * @throws CouponException INVALID_ARGUMENT naming {@code more} when null ({@code more[i]} for a null element)
   */
  public SettlementResult withRejected(List<RejectedCoupon> more) {
    more = Preconditions.requireElements(more, "more");
    if (more.isEmpty()) {
      return this;
    }
    List<RejectedCoupon> all = new ArrayList<>(rejected);
    all.addAll(more);
    return new SettlementResult(originalTotal, totalDiscount, finalPrice, applied, all);
  }
}
