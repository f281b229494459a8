package io.couponengine.event;

/** What a {@link CouponEvent} reports. */
public enum EventType {
  /** A template was validated and stored (status CREATING). */
  TEMPLATE_CREATED,
  /** Generation progress: details {@code generated} and {@code total}. */
  GENERATION_PROGRESS,
  /** All codes are loaded; the template is AVAILABLE. */
  TEMPLATE_READY,
  /** More codes were loaded into an available template ({@code addCodes}); details {@code added} and {@code total}. */
  CODES_ADDED,
  /**
   * A batch of external codes was imported ({@code importCodes}); details {@code imported} (in the batch) and
   * {@code total} (the template's total after it).
   */
  CODES_IMPORTED,
  /**
   * A batch of an operator grant finished ({@code grant}); details {@code grantId}, {@code processed} (users so far),
   * {@code granted} (coupons issued so far by this run).
   */
  GRANT_PROGRESS,
  /**
   * A store decorator's health changed, for example a circuit breaker opening or closing (coupon-resilience4j);
   * details {@code store}, {@code from}, {@code to}. No template, user or coupon.
   */
  STORE_STATE_CHANGED,
  /** Generation failed; details {@code reason}. */
  TEMPLATE_FAILED,
  /** The template's use window ended. */
  TEMPLATE_EXPIRED,
  /** An operator paused claims of the template. */
  TEMPLATE_PAUSED,
  /** An operator resumed claims of a paused template. */
  TEMPLATE_RESUMED,
  /** A coupon was issued. */
  CLAIMED,
  /** Coupons were reserved for an order. */
  RESERVED,
  /** A reserved order was committed; its coupons are used. */
  COMMITTED,
  /** A reserved order was released; its coupons are usable again. */
  RELEASED,
  /** A committed order was undone (a refund); its coupons are usable again, or expired. */
  REVERTED,
  /** A coupon expired unused. */
  EXPIRED
}
