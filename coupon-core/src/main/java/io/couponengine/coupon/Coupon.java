package io.couponengine.coupon;

import io.couponengine.internal.Json;
import java.time.Instant;
import java.util.Objects;

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

  /** Checks the required parts. */
  public Coupon {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(templateId, "templateId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(claimedAt, "claimedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(status, "status");
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
