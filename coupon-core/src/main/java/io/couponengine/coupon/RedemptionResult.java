package io.couponengine.coupon;

import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.util.List;

/**
 * The typed outcome of {@code reserve}, {@code commit} or {@code release}. Each operation is idempotent by order
 * id: repeating a successful call answers the same outcome with {@code replayed == true} and changes nothing.
 *
 * @param outcome how the call ended
 * @param orderId the order
 * @param orderStatus the order's status after the call, or null when the order does not exist
 * @param coupons the order's coupons after the call (empty on refusal)
 * @param offendingCode the code that caused a refusal, or null
 * @param replayed true when the call repeated an earlier successful one and changed nothing
 */
public record RedemptionResult(RedemptionOutcome outcome, String orderId, OrderStatus orderStatus,
                               List<Coupon> coupons, String offendingCode, boolean replayed) {

  /**
   * Checks the parts and copies the list (null becomes empty).
   *
   * @throws CouponException INVALID_ARGUMENT naming {@code outcome} when null, {@code orderId} or
   *     {@code offendingCode} (when present) when not an id, or {@code coupons[i]} when null
   */
  public RedemptionResult {
    Preconditions.requireArg(outcome, "outcome");
    Preconditions.requireId(orderId, "orderId");
    coupons = coupons == null ? List.of() : Preconditions.requireElements(coupons, "coupons");
    if (offendingCode != null) {
      Preconditions.requireId(offendingCode, "offendingCode");
    }
  }

  /**
   * A success.
   *
   * @param outcome RESERVED, COMMITTED or RELEASED
   * @param orderId the order
   * @param status the order's status
   * @param coupons the order's coupons
   * @param replayed whether this repeated an earlier call
   * @return the result
   * @throws CouponException INVALID_ARGUMENT as the constructor
   */
  public static RedemptionResult success(RedemptionOutcome outcome, String orderId, OrderStatus status,
      List<Coupon> coupons, boolean replayed) {
    return new RedemptionResult(outcome, orderId, status, coupons, null, replayed);
  }

  /**
   * A refusal.
   *
   * @param outcome the reason
   * @param orderId the order
   * @param status the order's current status, or null when it does not exist
   * @param offendingCode the code that caused it, or null
   * @return the result
   * @throws CouponException INVALID_ARGUMENT as the constructor
   */
  public static RedemptionResult refused(RedemptionOutcome outcome, String orderId, OrderStatus status,
      String offendingCode) {
    return new RedemptionResult(outcome, orderId, status, List.of(), offendingCode, false);
  }
}
