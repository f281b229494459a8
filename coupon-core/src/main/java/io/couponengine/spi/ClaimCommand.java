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
 */
public record ClaimCommand(String templateId, String userId, String idempotencyKey, String couponId,
                           int perUserLimit, Instant claimedAt, Instant expiresAt) {

  /**
   * Checks every field, so that a store handed a command may trust it.
   *
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
  }
}
