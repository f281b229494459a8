package io.couponengine.claim;

import io.couponengine.coupon.Coupon;
import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.util.Optional;

/**
 * The typed outcome of a claim. Expected refusals are outcomes, not exceptions.
 *
 * <pre>{@code
 * switch (result.outcome()) {
 *   case CLAIMED, DUPLICATE -> show(result.coupon().orElseThrow());
 *   case SOLD_OUT -> showSoldOut();
 *   default -> showRefusal(result.outcome());
 * }
 * }</pre>
 *
 * @param outcome how the claim ended
 * @param couponOrNull the coupon for CLAIMED and DUPLICATE, else null (use {@link #coupon()})
 */
public record ClaimResult(ClaimOutcome outcome, Coupon couponOrNull) {

  /**
   * Checks that a coupon is present exactly when the outcome carries one.
   *
   * @param outcome how the claim ended
   * @param couponOrNull the coupon for CLAIMED and DUPLICATE, else null (use {@link #coupon()})
   * @throws CouponException INVALID_ARGUMENT naming {@code outcome} when null, or {@code couponOrNull} when it is
   *     missing for CLAIMED or DUPLICATE or present for a refusal
   */
  public ClaimResult {
    Preconditions.requireArg(outcome, "outcome");
    if (outcome.hasCoupon() != (couponOrNull != null)) {
      throw CouponException.invalidField("couponOrNull", couponOrNull == null ? "must not be null for %s"
          : "must be null for %s", outcome);
    }
  }

  /**
   * A result without a coupon.
   *
   * @param outcome a refusal outcome
   * @return the result
   * @throws CouponException INVALID_ARGUMENT naming {@code outcome} when null or CLAIMED or DUPLICATE
   */
  public static ClaimResult refused(ClaimOutcome outcome) {
    Preconditions.requireArg(outcome, "outcome");
    if (outcome.hasCoupon()) {
      throw CouponException.invalidField("outcome", "must be a refusal but was %s", outcome);
    }
    return new ClaimResult(outcome, null);
  }

  /**
   * A new coupon.
   *
   * @param coupon the issued coupon
   * @return the result
   * @throws CouponException INVALID_ARGUMENT naming {@code coupon} when null
   */
  public static ClaimResult claimed(Coupon coupon) {
    Preconditions.requireArg(coupon, "coupon");
    return new ClaimResult(ClaimOutcome.CLAIMED, coupon);
  }

  /**
   * A replayed claim.
   *
   * @param coupon the coupon issued by the first attempt
   * @return the result
   * @throws CouponException INVALID_ARGUMENT naming {@code coupon} when null
   */
  public static ClaimResult duplicate(Coupon coupon) {
    Preconditions.requireArg(coupon, "coupon");
    return new ClaimResult(ClaimOutcome.DUPLICATE, coupon);
  }

  /**
   * The coupon, present for CLAIMED and DUPLICATE.
   *
   * @return the coupon, if any
   */
  public Optional<Coupon> coupon() {
    return Optional.ofNullable(couponOrNull);
  }
}
