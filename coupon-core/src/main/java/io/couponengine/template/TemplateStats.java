package io.couponengine.template;

import io.couponengine.internal.Preconditions;
import java.math.BigDecimal;

/**
 * A template's figures, kept by the store with the writes that change them (no scan of its coupons).
 *
 * <pre>{@code
 * TemplateStats s = engine.stats(templateId);
 * s.issued();          // coupons claimed, ever
 * s.discountGiven();   // what committed priced orders saved with it, refunds taken off
 * }</pre>
 *
 * @param templateId the template
 * @param issued coupons claimed, ever (a revert or release gives none back)
 * @param reserved coupons held by an order now
 * @param used coupons used by a committed order now (a revert takes them off)
 * @param expired coupons expired unused (stored status; one past its window but not yet swept counts as usable)
 * @param remaining codes in the pool, not yet claimed
 * @param discountGiven the savings of this template's coupons in committed orders, reverted ones taken off; orders
 *     reserved without a cart add nothing
 */
public record TemplateStats(String templateId, long issued, long reserved, long used, long expired, long remaining,
                            BigDecimal discountGiven) {
  /**
   * Checks the parts.
   *
   * @param templateId the template
   * @param issued coupons claimed, ever (a revert or release gives none back)
   * @param reserved coupons held by an order now
   * @param used coupons used by a committed order now (a revert takes them off)
   * @param expired coupons expired unused (stored status; one past its window but not yet swept counts as usable)
   * @param remaining codes in the pool, not yet claimed
   * @param discountGiven the savings of this template's coupons in committed orders, reverted ones taken off; orders
   *     reserved without a cart add nothing
   * @throws io.couponengine.error.CouponException INVALID_ARGUMENT naming a null part or a negative count
   */
  public TemplateStats {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireRange(issued, 0, Long.MAX_VALUE, "issued");
    Preconditions.requireRange(reserved, 0, Long.MAX_VALUE, "reserved");
    Preconditions.requireRange(used, 0, Long.MAX_VALUE, "used");
    Preconditions.requireRange(expired, 0, Long.MAX_VALUE, "expired");
    Preconditions.requireRange(remaining, 0, Long.MAX_VALUE, "remaining");
    Preconditions.requireArg(discountGiven, "discountGiven");
  }

  /**
   * Coupons claimed and in their user's hands, neither held, used nor expired.
   *
   * @return {@code issued - reserved - used - expired}
   */
  public long usable() {
    return issued - reserved - used - expired;
  }
}
