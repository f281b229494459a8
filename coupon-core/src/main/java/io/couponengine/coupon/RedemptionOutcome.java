package io.couponengine.coupon;

/** How a reserve, commit or release ended. */
public enum RedemptionOutcome {
  /** Every coupon of the order is now RESERVED for it. */
  RESERVED,
  /** The order's coupons are now USED. */
  COMMITTED,
  /** The order's coupons are USABLE again. */
  RELEASED,
  /** A committed order was undone (a refund): its coupons are USABLE again, or EXPIRED when their window passed. */
  REVERTED,
  /** A code matches no coupon ({@link RedemptionResult#offendingCode()} names it). */
  UNKNOWN_CODE,
  /** A coupon belongs to another user. */
  NOT_OWNER,
  /** A coupon is reserved by another order, or already used. */
  NOT_USABLE,
  /** A coupon is past its validity. */
  EXPIRED,
  /**
   * A priced reservation's settlement rejected a coupon (out of scope, threshold or minimum not met, not
   * stackable, no executor): nothing was reserved; the settlement says why.
   */
  NOT_APPLICABLE,
  /** A coupon's use window has not started ({@link CouponStatus#PENDING}). */
  NOT_YET_VALID,
  /** Revert of an order that is not committed (reserved, released or already reverted by another path). */
  NOT_COMMITTED,
  /**
   * Commit of an order the sweeper (or a release) let go of, when one of its coupons is no longer usable by its
   * user (used by another order, reserved, expired): nothing was taken.
   */
  ORDER_EXPIRED,
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
   * @return true for RESERVED, COMMITTED, RELEASED and REVERTED
   */
  public boolean isSuccess() {
    return this == RESERVED || this == COMMITTED || this == RELEASED || this == REVERTED;
  }
}
