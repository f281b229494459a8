package io.couponengine.event;

/** What one run of the active sweep did, as reported to {@link EngineObserver#onSweep(SweepKind, int)}. */
public enum SweepKind {
  /** Templates past their claim window set to EXPIRED by {@code CouponEngine.expireDue()}. */
  EXPIRED_TEMPLATES,
  /** USABLE coupons past their validity set to EXPIRED by {@code CouponEngine.expireDue()}. */
  EXPIRED_COUPONS,
  /** Reservations held past the reservation timeout released by {@code CouponEngine.releaseStaleReservations()}. */
  RELEASED_RESERVATIONS
}
