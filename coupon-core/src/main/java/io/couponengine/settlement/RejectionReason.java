package io.couponengine.settlement;

/**
 * Why a coupon offered for settlement was not applied. Settlement never throws for these: they are part of the
 * {@link SettlementResult}. The calculator checks them in the order declared for the per-coupon checks
 * (NOT_OWNER, EXPIRED, NOT_USABLE, UNKNOWN_COUPON, OUT_OF_SCOPE, THRESHOLD_NOT_MET, MINIMUM_NOT_MET); a coupon
 * that passes them all but is left out of the best allowed subset of the coupons offered is NOT_STACKABLE or
 * NO_EXECUTOR.
 *
 * <pre>{@code
 * result.rejected().stream()
 *     .filter(r -> r.reason() == RejectionReason.THRESHOLD_NOT_MET)
 *     .forEach(r -> ui.hint(r.code(), "add more goods to use this coupon"));
 * }</pre>
 */
public enum RejectionReason {
  /** No line of the cart is in the coupon's scope (goods type and region). */
  OUT_OF_SCOPE,
  /** A 满减 coupon whose threshold the in-scope subtotal does not reach. */
  THRESHOLD_NOT_MET,
  /**
   * The cart's lines in the coupon's scope, at undiscounted prices, do not reach the template's
   * {@link io.couponengine.template.TemplateSpec#minimumSubtotal() minimum subtotal} or do not hold its
   * {@link io.couponengine.template.TemplateSpec#minimumQuantity() minimum quantity} of items.
   */
  MINIMUM_NOT_MET,
  /**
   * The coupon may not be combined with the coupons applied: one of the two templates does not allow the other
   * ({@link io.couponengine.template.Stacking#mayStack}), or both are of the same category (at most one coupon per
   * category settles in one order). The applied coupons are the best allowed subset of those offered, so this
   * coupon lost to a cheaper combination or, at an equal price, to codes offered before it. Also given, with a
   * custom executor only, when adding the coupon to the applied ones would raise the price.
   */
  NOT_STACKABLE,
  /** The coupon is past its validity. */
  EXPIRED,
  /** The coupon's use window has not started (it is PENDING). */
  NOT_YET_VALID,
  /** The coupon belongs to another user than the cart's. */
  NOT_OWNER,
  /** The coupon is RESERVED (by an order) or USED. */
  NOT_USABLE,
  /** No such coupon (code), or its template is unknown. */
  UNKNOWN_COUPON,
  /**
   * The coupon stacks with every applied coupon, but no registered {@link SettlementExecutor} settles the
   * combination of categories it would form with them. Every combination of the three categories has a built-in
   * executor, so a registry built through the public API never gives this reason today.
   */
  NO_EXECUTOR
}
