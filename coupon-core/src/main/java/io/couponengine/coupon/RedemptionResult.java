package io.couponengine.coupon;

import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * @param savings what each coupon of the order saves (code → amount), as settled when a priced reservation
 *     ({@code reserve(cart, orderId, codes)}) held them; empty for an order reserved without a cart, and on refusal
 */
public record RedemptionResult(RedemptionOutcome outcome, String orderId, OrderStatus orderStatus,
                               List<Coupon> coupons, String offendingCode, boolean replayed,
                               Map<String, BigDecimal> savings) {

  /**
   * A result without savings.
   *
   * @param outcome how the call ended
   * @param orderId the order
   * @param orderStatus the order's status after the call, or null
   * @param coupons the order's coupons after the call
   * @param offendingCode the code that caused a refusal, or null
   * @param replayed whether this repeated an earlier call
   * @throws CouponException INVALID_ARGUMENT as the canonical constructor
   */
  public RedemptionResult(RedemptionOutcome outcome, String orderId, OrderStatus orderStatus, List<Coupon> coupons,
      String offendingCode, boolean replayed) {
    this(outcome, orderId, orderStatus, coupons, offendingCode, replayed, Map.of());
  }

  /**
   * Checks the parts and copies the list (null becomes empty).
   *
   * @param outcome how the call ended
   * @param orderId the order
   * @param orderStatus the order's status after the call, or null when the order does not exist
   * @param coupons the order's coupons after the call (empty on refusal)
   * @param offendingCode the code that caused a refusal, or null
   * @param replayed true when the call repeated an earlier successful one and changed nothing
   * @param savings what each coupon of the order saves (code → amount), as settled when a priced reservation
   *     ({@code reserve(cart, orderId, codes)}) held them; empty for an order reserved without a cart, and on refusal
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
    savings = copySavings(savings);
  }

  /**
   * An unmodifiable copy keeping the order; null becomes empty.
   *
   * @param savings code → amount
   * @return the copy
   * @throws CouponException INVALID_ARGUMENT naming {@code savings} for a null key or value or a negative amount
   */
  public static Map<String, BigDecimal> copySavings(Map<String, BigDecimal> savings) {
    if (savings == null || savings.isEmpty()) {
      return Map.of();
    }
    Map<String, BigDecimal> copy = new LinkedHashMap<>();
    for (Map.Entry<String, BigDecimal> e : savings.entrySet()) {
      Preconditions.requireId(e.getKey(), "savings");
      BigDecimal v = Preconditions.requireArg(e.getValue(), "savings[" + e.getKey() + "]");
      if (v.signum() < 0) {
        throw CouponException.invalidField("savings[" + e.getKey() + "]", "must not be negative but was %s",
            v.toPlainString());
      }
      copy.put(e.getKey(), v);
    }
    return Collections.unmodifiableMap(copy);
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
    return new RedemptionResult(outcome, orderId, status, coupons, null, replayed, Map.of());
  }

  /**
   * A success of a priced order.
   *
   * @param outcome RESERVED, COMMITTED, RELEASED or REVERTED
   * @param orderId the order
   * @param status the order's status
   * @param coupons the order's coupons
   * @param replayed whether this repeated an earlier call
   * @param savings code → the amount the coupon saves in this order
   * @return the result
   * @throws CouponException INVALID_ARGUMENT as the constructor
   */
  public static RedemptionResult success(RedemptionOutcome outcome, String orderId, OrderStatus status,
      List<Coupon> coupons, boolean replayed, Map<String, BigDecimal> savings) {
    return new RedemptionResult(outcome, orderId, status, coupons, null, replayed, savings);
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
    return new RedemptionResult(outcome, orderId, status, List.of(), offendingCode, false, Map.of());
  }
}
