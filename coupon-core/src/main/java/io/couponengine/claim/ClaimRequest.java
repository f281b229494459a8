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
 * validates the fields when the request is submitted, answering {@code CouponException(INVALID_ARGUMENT)} naming
 * the field: each must be an id (not null, at most 128 characters, at least one visible character, so a value of
 * no-break or zero-width spaces only is refused, and no control characters). Building a request checks nothing and
 * never throws.
 *
 * @param userId the claiming user
 * @param templateId the template to claim from
 * @param idempotencyKey a caller-chosen key, unique per attempt the caller considers new
 */
public record ClaimRequest(String userId, String templateId, String idempotencyKey) {}
