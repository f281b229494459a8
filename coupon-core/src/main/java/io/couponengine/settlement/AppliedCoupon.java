package io.couponengine.settlement;

import io.couponengine.error.CouponException;
import io.couponengine.template.CouponCategory;
import java.math.BigDecimal;
import java.util.Map;

/**
 * A coupon that a settlement applied: what it saved and on which lines.
 *
 * <pre>{@code
 * for (AppliedCoupon a : result.applied()) {
 *   System.out.println(a.code() + " saves " + a.saved() + " " + a.allocations());
 * }
 * }</pre>
 *
 * <p>A coupon applied with a saving of zero is possible: when the {@link SettlementPolicy#priceFloor() price floor}
 * absorbs its whole saving, or when earlier coupons already took its in-scope goods down to zero.
 *
 * @param code the coupon code
 * @param couponId the coupon id
 * @param templateId its template
 * @param category its category
 * @param saved what it took off, {@code >= 0}, equal to the sum of the allocations
 * @param allocations goods id to the part taken off that line (every in-scope line, in cart order); unmodifiable
 */
public record AppliedCoupon(String code, String couponId, String templateId, CouponCategory category,
                            BigDecimal saved, Map<String, BigDecimal> allocations) {

  /**
   * Validates the parts and that the allocations sum to the saving.
   *
   * @throws CouponException INVALID_ARGUMENT for null parts, a negative saving or allocations that do not add up
   */
  public AppliedCoupon {
    Checks.notNull(code, "code");
    Checks.notNull(couponId, "couponId");
    Checks.notNull(templateId, "templateId");
    Checks.notNull(category, "category");
    Checks.notNull(saved, "saved");
    if (saved.signum() < 0) {
      throw CouponException.invalidArgument("saved must not be negative but was %s", saved.toPlainString());
    }
    allocations = Checks.allocations(allocations, "allocations");
    if (Checks.sum(allocations).compareTo(saved) != 0) {
      throw CouponException.invalidArgument("allocations of coupon '%s' do not sum to %s", code,
          saved.toPlainString());
    }
  }
}
