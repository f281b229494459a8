package io.couponengine.settlement;

import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The money rules of a settlement: the lowest price an order can reach, and how amounts are rounded.
 *
 * <pre>{@code
 * SettlementPolicy policy = SettlementPolicy.defaults();                  // floor 0.01, scale 2, HALF_UP
 * SettlementPolicy free = SettlementPolicy.defaults().withPriceFloor(BigDecimal.ZERO);
 * SettlementPolicy even = SettlementPolicy.defaults().withRoundingMode(RoundingMode.HALF_EVEN);
 * }</pre>
 *
 * <p>By default the price floor is {@code 0.01}, amounts have scale 2 and rounding is {@link RoundingMode#HALF_UP}.
 * The floor only limits discounts: a cart whose total is already below the floor is charged its total. Rounding
 * applies where a result is not exact: a percentage of a subtotal, and the proportional split of a saving over the
 * lines. Immutable.
 *
 * @param priceFloor the lowest final price coupons may bring an order to, {@code >= 0}, at most {@code scale}
 *     decimals
 * @param scale decimals of every computed amount, {@value #MIN_SCALE} to {@value #MAX_SCALE}
 * @param roundingMode how inexact amounts are rounded; {@link RoundingMode#UNNECESSARY} is refused
 */
public record SettlementPolicy(BigDecimal priceFloor, int scale, RoundingMode roundingMode) {

  /** The smallest scale: cart prices carry cents. */
  public static final int MIN_SCALE = 2;
  /** The largest scale. */
  public static final int MAX_SCALE = 8;

  private static final SettlementPolicy DEFAULTS =
      new SettlementPolicy(new BigDecimal("0.01"), 2, RoundingMode.HALF_UP);

  /**
   * Validates the rules and brings the floor to {@code scale}.
   *
   * @param priceFloor the lowest final price coupons may bring an order to, {@code >= 0}, at most {@code scale}
   *     decimals
   * @param scale decimals of every computed amount, {@value #MIN_SCALE} to {@value #MAX_SCALE}
   * @param roundingMode how inexact amounts are rounded; {@link RoundingMode#UNNECESSARY} is refused
   * @throws CouponException INVALID_ARGUMENT naming {@code priceFloor} when null, negative, above
   *     999,999,999,999.99 or with more decimals than the scale, {@code scale} when out of range, or
   *     {@code roundingMode} when null or UNNECESSARY
   */
  public SettlementPolicy {
    Preconditions.requireRange(scale, MIN_SCALE, MAX_SCALE, "scale");
    priceFloor = Checks.money(priceFloor, "priceFloor", scale);
    Checks.notNull(roundingMode, "roundingMode");
    if (roundingMode == RoundingMode.UNNECESSARY) {
      throw CouponException.invalidField("roundingMode", "must not be UNNECESSARY: percentages need rounding");
    }
  }

  /**
   * The default rules: floor 0.01, scale 2, HALF_UP.
   *
   * @return the shared default policy
   */
  public static SettlementPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * These rules with another price floor.
   *
   * @param floor the lowest final price, {@code >= 0}
   * @return a new policy
   * @throws CouponException INVALID_ARGUMENT when the floor is invalid
   */
  public SettlementPolicy withPriceFloor(BigDecimal floor) {
    return new SettlementPolicy(floor, scale, roundingMode);
  }

  /**
   * These rules with another scale.
   *
   * @param newScale {@value #MIN_SCALE} to {@value #MAX_SCALE}
   * @return a new policy
   * @throws CouponException INVALID_ARGUMENT when the scale is out of range
   */
  public SettlementPolicy withScale(int newScale) {
    return new SettlementPolicy(priceFloor, newScale, roundingMode);
  }

  /**
   * These rules with another rounding mode.
   *
   * @param mode any mode but UNNECESSARY
   * @return a new policy
   * @throws CouponException INVALID_ARGUMENT when the mode is null or UNNECESSARY
   */
  public SettlementPolicy withRoundingMode(RoundingMode mode) {
    return new SettlementPolicy(priceFloor, scale, mode);
  }

  /**
   * Rounds an amount to this policy's scale.
   *
   * @param amount the amount
   * @return the amount at {@link #scale()}, rounded with {@link #roundingMode()}
   */
  public BigDecimal round(BigDecimal amount) {
    return amount.setScale(scale, roundingMode);
  }
}
