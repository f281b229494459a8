package io.couponengine.spi;

import io.couponengine.coupon.RedemptionResult;
import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A reservation of coupons for an order, validated by the engine (codes canonical, distinct, non-empty).
 *
 * @param userId the user placing the order; every code must be theirs
 * @param orderId the order, the idempotency key of reserve/commit/release
 * @param codes the canonical codes to reserve, all or none
 * @param now the current instant (coupons with {@code expiresAt <= now} are expired)
 * @param reservedUntil when the sweeper may release the reservation if it is still held
 * @param savings code → what the coupon saves in this order (a priced reservation: exactly the codes), or empty;
 *     the store keeps it with the order and returns it in every later result of the order
 */
public record ReserveCommand(String userId, String orderId, List<String> codes, Instant now, Instant reservedUntil,
                             Map<String, BigDecimal> savings) {

  /**
   * A reservation without prices.
   *
   * @param userId the user
   * @param orderId the order
   * @param codes the codes, canonical and distinct
   * @param now the current instant
   * @param reservedUntil when the sweeper may release it
   * @throws CouponException INVALID_ARGUMENT as the canonical constructor
   */
  public ReserveCommand(String userId, String orderId, List<String> codes, Instant now, Instant reservedUntil) {
    this(userId, orderId, codes, now, reservedUntil, Map.of());
  }

  /**
   * Checks every field and copies the list.
   *
   * @param userId the user placing the order; every code must be theirs
   * @param orderId the order, the idempotency key of reserve/commit/release
   * @param codes the canonical codes to reserve, all or none
   * @param now the current instant (coupons with {@code expiresAt <= now} are expired)
   * @param reservedUntil when the sweeper may release the reservation if it is still held
   * @param savings code → what the coupon saves in this order (a priced reservation: exactly the codes), or empty;
   *     the store keeps it with the order and returns it in every later result of the order
   * @throws CouponException INVALID_ARGUMENT naming {@code userId} or {@code orderId} when not an id, {@code codes}
   *     when null or empty, {@code codes[i]} when null or not an id, {@code now} or {@code reservedUntil} when null
   */
  public ReserveCommand {
    Preconditions.requireId(userId, "userId");
    Preconditions.requireId(orderId, "orderId");
    codes = Preconditions.requireElements(codes, "codes");
    if (codes.isEmpty()) {
      throw CouponException.invalidField("codes", "must hold at least one code");
    }
    for (int i = 0; i < codes.size(); i++) {
      Preconditions.requireId(codes.get(i), "codes[" + i + "]");
    }
    Preconditions.requireArg(now, "now");
    Preconditions.requireArg(reservedUntil, "reservedUntil");
    savings = RedemptionResult.copySavings(savings);
    if (!savings.isEmpty() && !savings.keySet().equals(new java.util.HashSet<>(codes))) {
      throw CouponException.invalidField("savings", "must name exactly the codes %s but named %s", codes,
          savings.keySet());
    }
  }
}
