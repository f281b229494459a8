package io.couponengine.settlement;

import io.couponengine.error.CouponException;
import java.math.BigDecimal;
import java.util.Map;

/**
 * What one coupon saves, as computed by a {@link SettlementExecutor}: the amount and how it is spread over the
 * cart's lines.
 *
 * <pre>{@code
 * new CouponSaving(coupon.id(), new BigDecimal("20.00"),
 *     Map.of("sku-1", new BigDecimal("12.00"), "sku-2", new BigDecimal("8.00")));
 * }</pre>
 *
 * @param couponId the coupon ({@code Coupon.id()})
 * @param saved the amount saved, {@code >= 0}; equals the sum of the allocations exactly
 * @param allocations goods id to the part of {@code saved} taken off that line, in cart order; unmodifiable
 */
public record CouponSaving(String couponId, BigDecimal saved, Map<String, BigDecimal> allocations) {

  /**
   * Validates that the parts add up to the whole and copies the allocations.
   *
   * @param couponId the coupon ({@code Coupon.id()})
   * @param saved the amount saved, {@code >= 0}; equals the sum of the allocations exactly
   * @param allocations goods id to the part of {@code saved} taken off that line, in cart order; unmodifiable
   * @throws CouponException INVALID_ARGUMENT naming the field: {@code couponId} when not an id, {@code saved} when
   *     null, negative or of more than 24 integer digits or 30 decimal places, {@code allocations} when null,
   *     holding a null key or value ({@code allocations[goodsId]} for an oversized one) or not summing to
   *     {@code saved}
   */
  public CouponSaving {
    Checks.id(couponId, "couponId");
    Checks.amount(saved, "saved");
    if (saved.signum() < 0) {
      throw CouponException.invalidField("saved", "must not be negative but was %s", saved.toPlainString());
    }
    allocations = Checks.allocations(allocations, "allocations");
    if (Checks.sum(allocations).compareTo(saved) != 0) {
      throw CouponException.invalidField("allocations", "of coupon '%s' sum to %s, not %s", couponId,
          Checks.sum(allocations).toPlainString(), saved.toPlainString());
    }
  }
}
