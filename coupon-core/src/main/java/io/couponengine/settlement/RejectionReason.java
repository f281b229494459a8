package io.couponengine.settlement;

/**
 * Why a coupon offered for settlement was not applied. Settlement never throws for these: they are part of the
 * {@link SettlementResult}. The calculator checks them in the order declared for the per-coupon checks
 * (NOT_OWNER, EXPIRED, NOT_USABLE, UNKNOWN_COUPON, OUT_OF_SCOPE, THRESHOLD_NOT_MET), then NOT_STACKABLE, then
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
   * The coupon may not be combined with a coupon accepted before it: one of the two templates does not allow the
   * other ({@link io.couponengine.template.Stacking#mayStack}), or both are of the same category (at most one coupon
   * per category settles in one order).
   */
  NOT_STACKABLE,
  /** The coupon is past its validity. */
  EXPIRED,
  /** The coupon belongs to another user than the cart's. */
  NOT_OWNER,
  /** The coupon is RESERVED (by an order) or USED. */
  NOT_USABLE,
  /** No such coupon (code), or its template is unknown. */
  UNKNOWN_COUPON,
  /** No registered {@link SettlementExecutor} settles the combination of categories of the accepted coupons. */
  NO_EXECUTOR
}
