package io.couponengine.spi;

import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.time.Duration;
import java.time.Instant;

/**
 * A claim by an entered code ({@code engine.claimByCode}), for {@link CouponStore#claimCode}. Three kinds:
 * <ul>
 *   <li>{@code claim != null, code == null}: a shared code, resolved to its template; the store claims from the
 *       pool exactly as {@link CouponStore#claim} does.</li>
 *   <li>{@code claim != null, code != null}: a code of a {@code CODE_ENTRY} template, bound to the user if still in
 *       the template's pool.</li>
 *   <li>{@code claim == null}: the code names no template; the store only counts the failed entry.</li>
 * </ul>
 * Failed entries (CODE_NOT_FOUND, CODE_TAKEN) are counted per user in fixed windows of {@code failureWindow}: once
 * a user has {@code maxFailures} in the current window, every entry answers TOO_MANY_ATTEMPTS until it ends. The
 * count lives in the store, so every engine sharing it sees the same count.
 *
 * @param userId the user entering the code
 * @param claim the claim the code leads to, or null when the code names no template
 * @param code the canonical code to bind, or null to claim from the pool (a shared code)
 * @param maxFailures failed entries allowed per window, at least 1
 * @param failureWindow the window's length, 1 second to 366 days
 * @param now the entry's instant (the claim's {@code claimedAt} when there is a claim)
 */
public record CodeClaimCommand(String userId, ClaimCommand claim, String code, int maxFailures,
                               Duration failureWindow, Instant now) {
  /**
   * Checks every field.
   *
   * @param userId the user entering the code
   * @param claim the claim the code leads to, or null when the code names no template
   * @param code the canonical code to bind, or null to claim from the pool (a shared code)
   * @param maxFailures failed entries allowed per window, at least 1
   * @param failureWindow the window's length, 1 second to 366 days
   * @param now the entry's instant (the claim's {@code claimedAt} when there is a claim)
   * @throws CouponException INVALID_ARGUMENT naming {@code userId} when not an id or not the claim's user,
   *     {@code code} when blank or longer than 128 characters, {@code maxFailures} when below 1,
   *     {@code failureWindow} when out of range, {@code now} when null
   */
  public CodeClaimCommand {
    Preconditions.requireId(userId, "userId");
    if (claim != null && !claim.userId().equals(userId)) {
      throw CouponException.invalidField("userId", "must be the claim's user '%s'", claim.userId());
    }
    if (code != null) {
      Preconditions.requireId(code, "code");
    }
    Preconditions.requireRange(maxFailures, 1, Integer.MAX_VALUE, "maxFailures");
    Preconditions.requireRange(failureWindow, Duration.ofSeconds(1), Duration.ofDays(366), "failureWindow");
    Preconditions.requireArg(now, "now");
  }

  /**
   * The fixed window {@code now} falls in: windows are aligned to the epoch, so every store and engine agrees on
   * them without storing a start.
   *
   * @return the window's index ({@code now / failureWindow})
   */
  public long windowIndex() {
    return Math.floorDiv(now.toEpochMilli(), failureWindow.toMillis());
  }

  /**
   * When the current window ends: a counter kept for it may be dropped from then on.
   *
   * @return the end of the window {@code now} falls in
   */
  public Instant windowEnd() {
    return Instant.ofEpochMilli((windowIndex() + 1) * failureWindow.toMillis());
  }
}
