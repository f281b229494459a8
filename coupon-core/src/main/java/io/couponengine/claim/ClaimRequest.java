package io.couponengine.claim;

import io.couponengine.internal.Preconditions;

/**
 * A user's request for one coupon of a template.
 *
 * <pre>{@code
 * ClaimResult r = engine.claim(new ClaimRequest("user-1", templateId, "request-1"));
 * }</pre>
 *
 * <p>The idempotency key identifies the request within (template, user): a retried claim with the same key
 * returns the coupon of the first successful attempt ({@link ClaimOutcome#DUPLICATE}) instead of a second one.
 * A refused claim (sold out, limit reached) is not remembered, so retrying it is evaluated again. Each field
 * must be an id: not null, at most 128 characters, at least one visible character (a value of no-break or
 * zero-width spaces only is refused) and no control characters.
 *
 * @param userId the claiming user
 * @param templateId the template to claim from
 * @param idempotencyKey a caller-chosen key, unique per attempt the caller considers new
 */
public record ClaimRequest(String userId, String templateId, String idempotencyKey) {
  /**
   * Checks the fields.
   *
   * @param userId the claiming user
   * @param templateId the template to claim from
   * @param idempotencyKey a caller-chosen key, unique per attempt the caller considers new
   * @throws io.couponengine.error.CouponException INVALID_ARGUMENT naming the first field that is not an id
   */
  public ClaimRequest {
    Preconditions.requireId(userId, "userId");
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireId(idempotencyKey, "idempotencyKey");
  }
}
