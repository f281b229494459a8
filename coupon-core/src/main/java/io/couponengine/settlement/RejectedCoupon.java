package io.couponengine.settlement;

/**
 * A coupon that was offered for settlement and not applied, with the reason.
 *
 * <pre>{@code
 * for (RejectedCoupon r : result.rejected()) {
 *   System.out.println(r.code() + " not applied: " + r.reason());
 * }
 * }</pre>
 *
 * @param code the coupon code as offered (canonical when it was well formed; otherwise as typed, so only null is
 *     refused)
 * @param couponId the coupon id, or null when no coupon has the code
 * @param reason why it was not applied
 */
public record RejectedCoupon(String code, String couponId, RejectionReason reason) {

  /**
   * Checks the required parts.
   *
   * @param code the coupon code as offered (canonical when it was well formed; otherwise as typed, so only null is
   *     refused)
   * @param couponId the coupon id, or null when no coupon has the code
   * @param reason why it was not applied
   * @throws io.couponengine.error.CouponException INVALID_ARGUMENT naming {@code code} or {@code reason} when null,
   *     or {@code couponId} when present but not an id
   */
  public RejectedCoupon {
    Checks.notNull(code, "code");
    if (couponId != null) {
      Checks.id(couponId, "couponId");
    }
    Checks.notNull(reason, "reason");
  }
}
