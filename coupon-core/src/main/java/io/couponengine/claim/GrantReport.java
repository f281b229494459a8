package io.couponengine.claim;

import java.util.Map;

/**
 * What an operator grant did ({@code engine.grant}). Re-running a grant answers for users it served before as
 * {@code alreadyGranted}, so a run after a crash reports the rest as {@code granted} and nobody twice.
 *
 * @param templateId the template granted
 * @param grantId the grant's id (its idempotency scope)
 * @param processed user ids read
 * @param granted users who got a coupon in this run
 * @param alreadyGranted users this grant had served before (a re-run, or a user listed twice)
 * @param limitReached users already at the template's per-user limit
 * @param soldOut users refused because the pool ran out
 * @param invalidUsers user ids that are not ids (blank, too long, control characters): skipped
 * @param byOutcome every outcome with its count (including refusals not named above, such as TEMPLATE_PAUSED)
 */
public record GrantReport(String templateId, String grantId, long processed, long granted, long alreadyGranted,
                          long limitReached, long soldOut, long invalidUsers, Map<ClaimOutcome, Long> byOutcome) {
  /**
   * Copies the map.
   *
   * @param templateId the template granted
   * @param grantId the grant's id (its idempotency scope)
   * @param processed user ids read
   * @param granted users who got a coupon in this run
   * @param alreadyGranted users this grant had served before (a re-run, or a user listed twice)
   * @param limitReached users already at the template's per-user limit
   * @param soldOut users refused because the pool ran out
   * @param invalidUsers user ids that are not ids (blank, too long, control characters): skipped
   * @param byOutcome every outcome with its count (including refusals not named above, such as TEMPLATE_PAUSED)
   */
  public GrantReport {
    byOutcome = Map.copyOf(byOutcome);
  }
}
