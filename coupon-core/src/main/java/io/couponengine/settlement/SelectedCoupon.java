package io.couponengine.settlement;

import io.couponengine.coupon.Coupon;
import io.couponengine.error.CouponException;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Template;

/**
 * A coupon chosen for settlement together with its template, as handed to a {@link SettlementExecutor}.
 *
 * <pre>{@code
 * SelectedCoupon selected = new SelectedCoupon(coupon, templatesById.get(coupon.templateId()));
 * selected.category(); // THRESHOLD, DISCOUNT or DIRECT
 * }</pre>
 *
 * @param coupon the coupon
 * @param template its template ({@code template.id()} equals {@code coupon.templateId()})
 */
public record SelectedCoupon(Coupon coupon, Template template) {

  /**
   * Checks that the template is the coupon's.
   *
   * @param coupon the coupon
   * @param template its template ({@code template.id()} equals {@code coupon.templateId()})
   * @throws CouponException INVALID_ARGUMENT when either is null or the template is another one
   */
  public SelectedCoupon {
    Checks.notNull(coupon, "coupon");
    Checks.notNull(template, "template");
    if (!template.id().equals(coupon.templateId())) {
      throw CouponException.invalidField("template", "must be the coupon's template '%s' but was '%s'",
          coupon.templateId(), template.id());
    }
  }

  /**
   * Shorthand for {@code template().category()}.
   *
   * @return the coupon's category
   */
  public CouponCategory category() {
    return template.category();
  }
}
