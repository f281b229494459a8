package io.couponengine.spi;

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
                           int perUserLimit, Instant claimedAt, Instant expiresAt) {}
