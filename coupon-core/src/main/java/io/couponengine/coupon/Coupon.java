package io.couponengine.coupon;

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
 */
public record Coupon(String id, String code, String templateId, String userId, Instant claimedAt, Instant expiresAt,
                     CouponStatus status, String orderId) {

  /**
   * Checks the required parts: {@code id}, {@code code}, {@code templateId}, {@code userId} and (when present)
   * {@code orderId} are ids (not null, at most 128 characters, a visible character, no control characters).
   *
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
  }

  /**
   * The status as seen at {@code now}: a USABLE coupon past its validity is EXPIRED even before a sweep.
   *
   * @param now the current instant
   * @return the effective status
   */
  public CouponStatus statusAt(Instant now) {
    return status == CouponStatus.USABLE && !now.isBefore(expiresAt) ? CouponStatus.EXPIRED : status;
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
    return new Coupon(id, code, templateId, userId, claimedAt, expiresAt, newStatus, newOrderId);
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
