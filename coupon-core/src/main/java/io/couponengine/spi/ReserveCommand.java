package io.couponengine.spi;

import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.time.Instant;
import java.util.List;

/**
 * A reservation of coupons for an order, validated by the engine (codes canonical, distinct, non-empty).
 *
 * @param userId the user placing the order; every code must be theirs
 * @param orderId the order, the idempotency key of reserve/commit/release
 * @param codes the canonical codes to reserve, all or none
 * @param now the current instant (coupons with {@code expiresAt <= now} are expired)
 * @param reservedUntil when the sweeper may release the reservation if it is still held
 */
public record ReserveCommand(String userId, String orderId, List<String> codes, Instant now, Instant reservedUntil) {
  /**
   * Checks every field and copies the list.
   *
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
  }
}
