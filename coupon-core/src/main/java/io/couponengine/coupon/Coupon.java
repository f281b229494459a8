package io.couponengine.coupon;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.couponengine.error.CouponException;
import io.couponengine.internal.Json;
import io.couponengine.internal.Preconditions;
import java.time.Instant;

/**
 * A coupon held by a user. Immutable: status changes produce new instances.
 *
 * @param id unique id of this coupon
 * @param code the redeemable code, in canonical (grouped, upper-case) form
 * @param templateId the template it was issued from
 * @param userId the holder
 * @param claimedAt when the user claimed it
 * @param expiresAt from this instant on the coupon is expired (exclusive end of validity)
 * @param status the stored status; see {@link #statusAt(Instant)} for the status as seen now
 * @param orderId the order holding or having used it (RESERVED, USED), else null
 * @param validFrom the first instant the coupon can be used, or null when it is usable from its claim (a rolling
 *     validity); before it the coupon is {@link CouponStatus#PENDING}
 */
public record Coupon(String id, String code, String templateId, String userId, Instant claimedAt, Instant expiresAt,
                     CouponStatus status, String orderId,
                     @JsonInclude(JsonInclude.Include.NON_NULL) Instant validFrom) {

  /**
   * A coupon usable from its claim on (no start of validity).
   *
   * @param id unique id of this coupon
   * @param code the redeemable code
   * @param templateId the template it was issued from
   * @param userId the holder
   * @param claimedAt when the user claimed it
   * @param expiresAt the exclusive end of validity
   * @param status the stored status
   * @param orderId the order holding or having used it, else null
   * @throws CouponException INVALID_ARGUMENT naming the field that is null or not an id
   */
  public Coupon(String id, String code, String templateId, String userId, Instant claimedAt, Instant expiresAt,
      CouponStatus status, String orderId) {
    this(id, code, templateId, userId, claimedAt, expiresAt, status, orderId, null);
  }

  /**
   * Checks the required parts: {@code id}, {@code code}, {@code templateId}, {@code userId} and (when present)
   * {@code orderId} are ids (not null, at most 128 characters, a visible character, no control characters).
   *
   * @param id unique id of this coupon
   * @param code the redeemable code, in canonical (grouped, upper-case) form
   * @param templateId the template it was issued from
   * @param userId the holder
   * @param claimedAt when the user claimed it
   * @param expiresAt from this instant on the coupon is expired (exclusive end of validity)
   * @param status the stored status; see {@link #statusAt(Instant)} for the status as seen now
   * @param orderId the order holding or having used it (RESERVED, USED), else null
   * @param validFrom the first instant the coupon can be used, or null when it is usable from its claim (a rolling
   *     validity); before it the coupon is {@link CouponStatus#PENDING}
   * @throws CouponException INVALID_ARGUMENT naming the field that is null or not an id
   */
  public Coupon {
    Preconditions.requireId(id, "id");
    Preconditions.requireId(code, "code");
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireId(userId, "userId");
    Preconditions.requireArg(claimedAt, "claimedAt");
    Preconditions.requireArg(expiresAt, "expiresAt");
    Preconditions.requireArg(status, "status");
    if (orderId != null) {
      Preconditions.requireId(orderId, "orderId");
    }
    if (validFrom != null && !validFrom.isBefore(expiresAt)) {
      throw CouponException.invalidField("validFrom", "must be before expiresAt %s but was %s", expiresAt,
          validFrom);
    }
  }

  /**
   * The status as seen at {@code now}: a USABLE coupon past its validity is EXPIRED even before a sweep, and one
   * whose validity has not started is PENDING (stores keep it USABLE: the start is a fact of time, not a state).
   *
   * @param now the current instant
   * @return the effective status
   */
  public CouponStatus statusAt(Instant now) {
    if (status != CouponStatus.USABLE) {
      return status;
    }
    if (!now.isBefore(expiresAt)) {
      return CouponStatus.EXPIRED;
    }
    return validFrom != null && now.isBefore(validFrom) ? CouponStatus.PENDING : CouponStatus.USABLE;
  }

  /**
   * This coupon in another status.
   *
   * @param newStatus the status
   * @param newOrderId the order id, or null
   * @return a copy
   * @throws CouponException INVALID_ARGUMENT naming {@code status} or {@code orderId} when invalid
   */
  public Coupon withStatus(CouponStatus newStatus, String newOrderId) {
    return new Coupon(id, code, templateId, userId, claimedAt, expiresAt, newStatus, newOrderId, validFrom);
  }

  /**
   * Serializes to JSON (what stores persist).
   *
   * @return JSON text
   */
  public String toJson() {
    return Json.write(this);
  }

  /**
   * Reads a coupon written by {@link #toJson()}.
   *
   * @param json JSON text
   * @return the coupon
   */
  public static Coupon fromJson(String json) {
    return Json.read(json, Coupon.class);
  }
}
