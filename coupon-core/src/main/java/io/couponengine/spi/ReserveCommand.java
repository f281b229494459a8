package io.couponengine.spi;

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
  /** Copies the list. */
  public ReserveCommand {
    codes = List.copyOf(codes);
  }
}
