package io.couponengine.spi;

import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import io.couponengine.template.TemplateSpec;
import java.time.Instant;

/**
 * Everything a store needs to perform one claim atomically. Built by the engine after validating the request;
 * stores may trust the fields to be non-null and well-formed.
 *
 * @param templateId the template
 * @param userId the claiming user
 * @param idempotencyKey the caller's key, scoped to (template, user)
 * @param couponId the id to give the new coupon (ignored on a duplicate)
 * @param perUserLimit the template's per-user limit
 * @param claimedAt the claim instant
 * @param expiresAt the new coupon's expiry
 * @param validFrom the new coupon's first usable instant, or null (usable from its claim)
 * @param claimFrom the template's claim window start, or null (open from creation)
 * @param claimUntil the template's claim window end (exclusive), or null (no end but the pool and the use window)
 */
public record ClaimCommand(String templateId, String userId, String idempotencyKey, String couponId,
                           int perUserLimit, Instant claimedAt, Instant expiresAt, Instant validFrom,
                           Instant claimFrom, Instant claimUntil) {

  /**
   * A claim with no use-window start and no claim window.
   *
   * @param templateId the template
   * @param userId the claiming user
   * @param idempotencyKey the caller's key
   * @param couponId the id the new coupon gets
   * @param perUserLimit the template's per-user limit
   * @param claimedAt the claim instant
   * @param expiresAt the new coupon's exclusive end of validity
   * @throws CouponException INVALID_ARGUMENT naming the field that is invalid
   */
  public ClaimCommand(String templateId, String userId, String idempotencyKey, String couponId, int perUserLimit,
      Instant claimedAt, Instant expiresAt) {
    this(templateId, userId, idempotencyKey, couponId, perUserLimit, claimedAt, expiresAt, null, null, null);
  }

  /**
   * Checks every field, so that a store handed a command may trust it.
   *
   * @param templateId the template
   * @param userId the claiming user
   * @param idempotencyKey the caller's key, scoped to (template, user)
   * @param couponId the id to give the new coupon (ignored on a duplicate)
   * @param perUserLimit the template's per-user limit
   * @param claimedAt the claim instant
   * @param expiresAt the new coupon's expiry
   * @param validFrom the new coupon's first usable instant, or null (usable from its claim)
   * @param claimFrom the template's claim window start, or null (open from creation)
   * @param claimUntil the template's claim window end (exclusive), or null (no end but the pool and the use window)
   * @throws CouponException INVALID_ARGUMENT naming {@code templateId}, {@code userId}, {@code idempotencyKey} or
   *     {@code couponId} when not an id, {@code perUserLimit} when not 1 to
   *     {@value TemplateSpec#MAX_PER_USER_LIMIT}, {@code claimedAt} or {@code expiresAt} when null
   */
  public ClaimCommand {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireId(userId, "userId");
    Preconditions.requireId(idempotencyKey, "idempotencyKey");
    Preconditions.requireId(couponId, "couponId");
    Preconditions.requireRange(perUserLimit, 1, TemplateSpec.MAX_PER_USER_LIMIT, "perUserLimit");
    Preconditions.requireArg(claimedAt, "claimedAt");
    Preconditions.requireArg(expiresAt, "expiresAt");
    if (validFrom != null && !validFrom.isBefore(expiresAt)) {
      // a coupon that could never be used: refuse before any store takes a code for it
      throw CouponException.invalidField("validFrom", "must be before expiresAt %s but was %s", expiresAt,
          validFrom);
    }
    if (claimFrom != null && claimUntil != null && !claimFrom.isBefore(claimUntil)) {
      throw CouponException.invalidField("claimUntil", "must be after claimFrom %s but was %s", claimFrom,
          claimUntil);
    }
  }

  /**
   * How the claim window refuses this claim, checked by the store after the idempotency key (a retried key answers
   * DUPLICATE whatever the time) and the template's status.
   *
   * @return {@code NOT_STARTED} before {@code claimFrom}, {@code CLAIM_CLOSED} from {@code claimUntil} on, else
   *     null
   */
  public io.couponengine.claim.ClaimOutcome windowRefusal() {
    if (claimFrom != null && claimedAt.isBefore(claimFrom)) {
      return io.couponengine.claim.ClaimOutcome.NOT_STARTED;
    }
    if (claimUntil != null && !claimedAt.isBefore(claimUntil)) {
      return io.couponengine.claim.ClaimOutcome.CLAIM_CLOSED;
    }
    return null;
  }
}
