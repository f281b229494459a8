package io.couponengine.settlement;

import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.math.BigDecimal;
import java.util.Map;

/**
 * Argument checks shared by the settlement value types; each failure is {@code INVALID_ARGUMENT} naming the field
 * (through {@link Preconditions}). Internal.
 */
final class Checks {
  /** The most integer digits an entered amount (a price, a floor) may have: at most 999,999,999,999.99. */
  static final int MAX_MONEY_INTEGER_DIGITS = 12;
  /**
   * The most integer digits a computed amount (a line total, a saving, an allocation) may have: 500 lines of
   * 1,000,000 units at 999,999,999,999.99 stay far below.
   */
  static final int MAX_AMOUNT_INTEGER_DIGITS = 24;
  /** The most decimal places, trailing zeros included, an amount may be written with. */
  static final int MAX_WRITTEN_DECIMALS = 30;

  private Checks() {}

  static <T> T notNull(T value, String name) {
    return Preconditions.requireArg(value, name);
  }

  /** An id: see {@link Preconditions#requireId}. */
  static String id(String value, String name) {
    return Preconditions.requireId(value, name);
  }

  /**
   * Refuses an amount of absurd size before any arithmetic: {@code setScale}, {@code stripTrailingZeros} or an
   * addition on {@code 1E+100000000} would build a number of a hundred million digits. Only the scale and the bit
   * length of the unscaled value are read first, which costs nothing whatever the size.
   */
  static BigDecimal bounded(BigDecimal value, String name, int maxIntegerDigits) {
    notNull(value, name);
    if (value.scale() > MAX_WRITTEN_DECIMALS) {
      throw CouponException.invalidField(name, "must be written with at most %d decimal places",
          MAX_WRITTEN_DECIMALS);
    }
    // 200 bits are 61 digits: with at most 30 decimals that is more integer digits than allowed; precision() is cheap
    if (value.unscaledValue().bitLength() > 200
        || value.signum() != 0 && (long) value.precision() - value.scale() > maxIntegerDigits) {
      throw CouponException.invalidField(name, "must have at most %d integer digits", maxIntegerDigits);
    }
    return value;
  }

  /** A computed amount: {@link #bounded} with {@value #MAX_AMOUNT_INTEGER_DIGITS} integer digits. */
  static BigDecimal amount(BigDecimal value, String name) {
    return bounded(value, name, MAX_AMOUNT_INTEGER_DIGITS);
  }

  /**
   * An entered amount: at most {@value #MAX_MONEY_INTEGER_DIGITS} integer digits (so at most 999,999,999,999.99
   * when {@code scale} is 2), not negative, at most {@code scale} decimals; returned at exactly that scale.
   */
  static BigDecimal money(BigDecimal value, String name, int scale) {
    bounded(value, name, MAX_MONEY_INTEGER_DIGITS);
    if (value.signum() < 0) {
      throw CouponException.invalidField(name, "must not be negative but was %s", value.toPlainString());
    }
    if (value.stripTrailingZeros().scale() > scale) {
      throw CouponException.invalidField(name, "must have at most %d decimals but was %s", scale,
          value.toPlainString());
    }
    return value.setScale(scale);
  }

  /** An unmodifiable copy keeping the iteration order; null keys or values and absurd amounts are refused. */
  static Map<String, BigDecimal> allocations(Map<String, BigDecimal> allocations, String name) {
    return LineAmounts.copyOf(allocations, name);
  }

  /** The sum of the values, for the "parts add up" checks. */
  static BigDecimal sum(Map<String, BigDecimal> allocations) {
    if (allocations instanceof LineAmounts la) {
      return la.sum();
    }
    BigDecimal sum = BigDecimal.ZERO;
    for (BigDecimal v : allocations.values()) {
      sum = sum.add(v);
    }
    return sum;
  }
}
