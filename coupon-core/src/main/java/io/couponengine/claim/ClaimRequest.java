package io.couponengine.claim;

/**
 * A user's request for one coupon of a template.
 *
 * <pre>{@code
 * ClaimResult r = engine.claim(new ClaimRequest("user-1", templateId, "request-1"));
 * }</pre>
 *
 * <p>The idempotency key identifies the request within (template, user): a retried claim with the same key
 * returns the coupon of the first successful attempt ({@link ClaimOutcome#DUPLICATE}) instead of a second one.
 * A refused claim (sold out, limit reached) is not remembered, so retrying it is evaluated again. The engine
 * validates the fields (non-blank, at most 128 characters) when the request is submitted, answering
 * {@code CouponException(INVALID_ARGUMENT)}.
 *
 * @param userId the claiming user
 * @param templateId the template to claim from
 * @param idempotencyKey a caller-chosen key, unique per attempt the caller considers new
 */
public record ClaimRequest(String userId, String templateId, String idempotencyKey) {}
