package io.couponengine.template;

import io.couponengine.internal.Preconditions;
import java.time.Instant;

/**
 * When a template can be claimed: from {@code from} (inclusive) until {@code until} (exclusive). Before it claims
 * answer {@code NOT_STARTED}, after it {@code CLAIM_CLOSED}; coupons already claimed stay usable in their own use
 * window. A spec checks that the window ends after it starts and, for a fixed use window, not after that window.
 *
 * <pre>{@code
 * TemplateSpec.builder()...claimWindow(Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-12-08T00:00:00Z"))
 * }</pre>
 *
 * @param from the first instant a claim is accepted
 * @param until the first instant claims are refused again
 */
public record ClaimWindow(Instant from, Instant until) {
  /**
   * Checks the parts are present (their order is the spec's to judge, with every other rule).
   *
   * @param from the first instant a claim is accepted
   * @param until the first instant claims are refused again
   * @throws io.couponengine.error.CouponException INVALID_ARGUMENT naming {@code from} or {@code until} when null
   */
  public ClaimWindow {
    Preconditions.requireArg(from, "from");
    Preconditions.requireArg(until, "until");
  }

  /**
   * Whether a claim at {@code now} is inside the window.
   *
   * @param now the instant
   * @return true when {@code from <= now < until}
   */
  public boolean isOpenAt(Instant now) {
    return !now.isBefore(from) && now.isBefore(until);
  }
}
