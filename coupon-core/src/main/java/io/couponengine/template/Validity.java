package io.couponengine.template;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.time.Duration;
import java.time.Instant;

/**
 * When a claimed coupon can be used.
 *
 * <pre>{@code
 * Validity.fixed(Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-12-31T23:59:59Z"));
 * Validity.rolling(Duration.ofDays(7));   // valid for 7 days after each claim
 * }</pre>
 *
 * <p>A {@link Kind#FIXED FIXED} window also bounds the template: it cannot be claimed once the window has ended. A
 * {@link Kind#ROLLING ROLLING} template stays claimable until it is sold out. A coupon is expired from the instant
 * {@link #expiresAt(Instant)} on (the end is exclusive). Instances are immutable.
 *
 * @param kind FIXED or ROLLING
 * @param from start of a fixed window (null for rolling)
 * @param to end of a fixed window, exclusive (null for rolling)
 * @param duration how long a coupon lasts after its claim (null for fixed)
 */
public record Validity(Kind kind, Instant from, Instant to, Duration duration) {

  /** The two ways of bounding a coupon's life. */
  public enum Kind {
    /** Valid in one calendar window shared by all coupons of the template. */
    FIXED,
    /** Valid for a duration counted from each claim. */
    ROLLING
  }

  /**
   * Checks only that the kind is present; {@link TemplateSpec} validation reports the rest field by field.
   *
   * @param kind FIXED or ROLLING
   * @param from start of a fixed window (null for rolling)
   * @param to end of a fixed window, exclusive (null for rolling)
   * @param duration how long a coupon lasts after its claim (null for fixed)
   * @throws CouponException INVALID_ARGUMENT naming {@code kind} when it is null
   */
  public Validity {
    Preconditions.requireArg(kind, "kind");
  }

  /**
   * A fixed window {@code [from, to)}.
   *
   * @param from the first instant the coupon can be used
   * @param to the instant the coupon (and the template) expires
   * @return the validity
   */
  public static Validity fixed(Instant from, Instant to) {
    return new Validity(Kind.FIXED, from, to, null);
  }

  /**
   * Valid for {@code duration} after each claim.
   *
   * @param duration at least one minute, at most 3650 days
   * @return the validity
   */
  public static Validity rolling(Duration duration) {
    return new Validity(Kind.ROLLING, null, null, duration);
  }

  /**
   * The instant a coupon claimed at {@code claimedAt} expires.
   *
   * @param claimedAt when the coupon was claimed
   * @return the exclusive end of the coupon's validity
   */
  public Instant expiresAt(Instant claimedAt) {
    return kind == Kind.FIXED ? to : claimedAt.plus(duration);
  }

  /**
   * The instant the template stops being claimable, or null when only selling out ends it.
   *
   * @return the end of the claim window, or null
   */
  @JsonIgnore
  public Instant claimableUntil() {
    return kind == Kind.FIXED ? to : null;
  }
}
