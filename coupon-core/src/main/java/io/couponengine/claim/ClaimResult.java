package io.couponengine.claim;

import io.couponengine.coupon.Coupon;
import java.util.Objects;
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
 * @param coupon the coupon for CLAIMED and DUPLICATE, else null (use {@link #coupon()})
 */
public record ClaimResult(ClaimOutcome outcome, Coupon couponOrNull) {

  /** Checks that a coupon is present exactly when the outcome carries one. */
  public ClaimResult {
    Objects.requireNonNull(outcome, "outcome");
    if (outcome.hasCoupon() != (couponOrNull != null)) {
      throw new IllegalArgumentException("outcome " + outcome + (couponOrNull == null ? " needs" : " has no")
          + " coupon");
    }
  }

  /**
   * A result without a coupon.
   *
   * @param outcome a refusal outcome
   * @return the result
   */
  public static ClaimResult refused(ClaimOutcome outcome) {
    return new ClaimResult(outcome, null);
  }

  /**
   * A new coupon.
   *
   * @param coupon the issued coupon
   * @return the result
   */
  public static ClaimResult claimed(Coupon coupon) {
    return new ClaimResult(ClaimOutcome.CLAIMED, coupon);
  }

  /**
   * A replayed claim.
   *
   * @param coupon the coupon issued by the first attempt
   * @return the result
   */
  public static ClaimResult duplicate(Coupon coupon) {
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
