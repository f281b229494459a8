package io.couponengine.error;

/**
 * Stable error codes carried by every {@link CouponException}.
 *
 * <p>Callers branch on these codes, never on exception messages: the names of the constants are part of the public
 * API and never change meaning. Expected refusals of a claim or a redemption (sold out, limit reached, ...) are
 * <em>not</em> errors; they are typed outcomes ({@code ClaimOutcome}, {@code RedemptionOutcome}).
 */
public enum ErrorCode {
  /** A template specification broke one or more rules; see {@link CouponException#violations()}. */
  INVALID_TEMPLATE,
  /** A method argument was null, blank, oversized or otherwise malformed. */
  INVALID_ARGUMENT,
  /** A coupon code is malformed or its check character is wrong; the store was not consulted. */
  INVALID_CODE,
  /** The referenced template does not exist. */
  TEMPLATE_NOT_FOUND,
  /** The operation conflicts with the current state (for example a template id that already exists). */
  CONFLICT,
  /** Code generation for a template failed. */
  GENERATION_FAILED,
  /** The engine was already closed. */
  ENGINE_CLOSED,
  /** The storage backend failed, timed out or is unreachable; the cause is attached. */
  STORE_UNAVAILABLE,
  /** A bug or broken invariant inside the engine; please report it. */
  INTERNAL
}
