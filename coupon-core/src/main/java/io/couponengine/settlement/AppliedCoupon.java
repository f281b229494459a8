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
   * @param code the coupon code
   * @param couponId the coupon id
   * @param templateId its template
   * @param category its category
   * @param saved what it took off, {@code >= 0}, equal to the sum of the allocations
   * @param allocations goods id to the part taken off that line (every in-scope line, in cart order); unmodifiable
   * @throws CouponException INVALID_ARGUMENT naming the field: {@code code}, {@code couponId} or
   *     {@code templateId} when not an id, {@code category} when null, {@code saved} when null, negative or of
   *     more than 24 integer digits or 30 decimal places, {@code allocations} when null, holding a null key or
   *     value or not adding up to {@code saved}
   */
  public AppliedCoupon {
    Checks.id(code, "code");
    Checks.id(couponId, "couponId");
    Checks.id(templateId, "templateId");
    Checks.notNull(category, "category");
    Checks.amount(saved, "saved");
    if (saved.signum() < 0) {
      throw CouponException.invalidField("saved", "must not be negative but was %s", saved.toPlainString());
    }
    allocations = Checks.allocations(allocations, "allocations");
    if (Checks.sum(allocations).compareTo(saved) != 0) {
      throw CouponException.invalidField("allocations", "of coupon '%s' do not sum to %s", code,
          saved.toPlainString());
    }
  }
}
