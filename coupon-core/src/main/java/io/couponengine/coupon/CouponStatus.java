package io.couponengine.coupon;

/**
 * Status of a user's coupon. Transitions: {@code USABLE → RESERVED → USED}, {@code RESERVED → USABLE} (release),
 * {@code USABLE → EXPIRED}, {@code USED → USABLE} (or EXPIRED when its window has passed) on a revert of the order.
 * Nothing leaves EXPIRED. PENDING is never stored: it is how a USABLE coupon whose window has not started is seen
 * ({@link Coupon#statusAt}).
 */
public enum CouponStatus {
  /** Claimed, but its use window has not started yet (seen, never stored: the store keeps it USABLE). */
  PENDING,
  /** Claimed and not yet used; may be reserved for an order. */
  USABLE,
  /** Held by an order that has not been paid yet. */
  RESERVED,
  /** Redeemed by a paid order. */
  USED,
  /** Past its validity while still unused. */
  EXPIRED
}
