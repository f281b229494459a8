package io.couponengine.settlement;

import io.couponengine.coupon.RedemptionResult;
import io.couponengine.internal.Preconditions;

/**
 * What a priced reservation ({@code engine.reserve(cart, orderId, codes)}) did: the settlement of the cart with the
 * codes, and the reservation that held them with what each saves. All or none: when the settlement rejects a coupon
 * the reservation is refused ({@code NOT_APPLICABLE}, or the coupon's own refusal such as {@code NOT_YET_VALID}) and
 * nothing is held.
 *
 * <pre>{@code
 * PricedReservation p = engine.reserve(cart, "order-42", List.of(code));
 * if (p.reservation().outcome() == RedemptionOutcome.RESERVED) charge(p.settlement().finalPrice());
 * }</pre>
 *
 * @param reservation the reservation; its {@code savings()} name each code's saving
 * @param settlement the settlement the reservation was priced with
 */
public record PricedReservation(RedemptionResult reservation, SettlementResult settlement) {
  /**
   * Checks the parts.
   *
   * @param reservation the reservation; its {@code savings()} name each code's saving
   * @param settlement the settlement the reservation was priced with
   * @throws io.couponengine.error.CouponException INVALID_ARGUMENT naming a null part
   */
  public PricedReservation {
    Preconditions.requireArg(reservation, "reservation");
    Preconditions.requireArg(settlement, "settlement");
  }
}
