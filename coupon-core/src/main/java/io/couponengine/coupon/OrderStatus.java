package io.couponengine.coupon;

/** Where an order's coupon reservation stands: {@code RESERVED → COMMITTED} or {@code RESERVED → RELEASED}. */
public enum OrderStatus {
  /** Coupons are held for the order. */
  RESERVED,
  /** The order was paid; its coupons are used. */
  COMMITTED,
  /** The order was cancelled or timed out; its coupons are usable again. */
  RELEASED,
  /** Committed, then undone (a refund): its coupons went back to their user. */
  REVERTED
}
