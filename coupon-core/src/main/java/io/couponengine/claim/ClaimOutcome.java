package io.couponengine.claim;

/** How a claim ended. Only {@link #CLAIMED} and {@link #DUPLICATE} carry a coupon. */
public enum ClaimOutcome {
  /** A new coupon was issued to the user. */
  CLAIMED,
  /** The idempotency key was seen before: the earlier coupon is returned and nothing new is issued. */
  DUPLICATE,
  /** No template has this id. */
  TEMPLATE_NOT_FOUND,
  /** The template's codes are still being generated, or generation failed. */
  TEMPLATE_NOT_READY,
  /** The template's use window is over (a fixed validity ended): it is EXPIRED. */
  TEMPLATE_EXPIRED,
  /** The template's claim window has not opened yet. */
  NOT_STARTED,
  /** The template's claim window has closed (coupons already claimed stay usable). */
  CLAIM_CLOSED,
  /** An operator paused the template; claims resume when it is resumed. */
  TEMPLATE_PAUSED,
  /** The user already holds the per-user limit of this template. */
  LIMIT_REACHED,
  /** Every code of the template has been issued. */
  SOLD_OUT,
  /** The template's codes are bound by entering one ({@code engine.claimByCode}), not claimed from the pool. */
  CODE_REQUIRED,
  /** The entered code is bound to another user already (counts as a failed entry). */
  CODE_TAKEN,
  /** No template issues the entered code (counts as a failed entry). */
  CODE_NOT_FOUND,
  /** The user entered too many codes that failed within the engine's code-entry window; try again later. */
  TOO_MANY_ATTEMPTS;

  /**
   * Whether the result carries a coupon.
   *
   * @return true for CLAIMED and DUPLICATE
   */
  public boolean hasCoupon() {
    return this == CLAIMED || this == DUPLICATE;
  }
}
