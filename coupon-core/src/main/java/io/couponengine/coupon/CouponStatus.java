package io.couponengine.coupon;

/**
 * Status of a user's coupon. Transitions: {@code USABLE → RESERVED → USED}, {@code RESERVED → USABLE} (release),
 * {@code USABLE → EXPIRED}. Nothing leaves USED or EXPIRED.
 */
public enum CouponStatus {
  /** Claimed and not yet used; may be reserved for an order. */
  USABLE,
  /** Held by an order that has not been paid yet. */
  RESERVED,
  /** Redeemed by a paid order. */
  USED,
  /** Past its validity while still unused. */
  EXPIRED
}
