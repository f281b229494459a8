package io.couponengine.coupon;

/** How a reserve, commit or release ended. */
public enum RedemptionOutcome {
  /** Every coupon of the order is now RESERVED for it. */
  RESERVED,
  /** The order's coupons are now USED. */
  COMMITTED,
  /** The order's coupons are USABLE again. */
  RELEASED,
  /** A code matches no coupon ({@link RedemptionResult#offendingCode()} names it). */
  UNKNOWN_CODE,
  /** A coupon belongs to another user. */
  NOT_OWNER,
  /** A coupon is reserved by another order, or already used. */
  NOT_USABLE,
  /** A coupon is past its validity. */
  EXPIRED,
  /** No order with this id was ever reserved. */
  ORDER_NOT_FOUND,
  /**
   * The order id is known but the call does not fit it: reserve with other codes or another user, commit of a
   * released order, release of a committed one.
   */
  ORDER_CONFLICT;

  /**
   * Whether the operation took effect (now or in an earlier, replayed call).
   *
   * @return true for RESERVED, COMMITTED and RELEASED
   */
  public boolean isSuccess() {
    return this == RESERVED || this == COMMITTED || this == RELEASED;
  }
}
