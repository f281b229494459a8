package io.couponengine.coupon;

import java.util.List;
import java.util.Objects;

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

  /** Copies the list. */
  public RedemptionResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(orderId, "orderId");
    coupons = coupons == null ? List.of() : List.copyOf(coupons);
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
   */
  public static RedemptionResult refused(RedemptionOutcome outcome, String orderId, OrderStatus status,
      String offendingCode) {
    return new RedemptionResult(outcome, orderId, status, List.of(), offendingCode, false);
  }
}
