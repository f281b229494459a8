package io.couponengine.settlement;

import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.math.BigDecimal;
import java.util.Map;

/** Argument checks shared by the settlement value types; each failure is {@code INVALID_ARGUMENT}. Internal. */
final class Checks {
  /** Longest accepted id (user, goods, goods type, region). */
  static final int MAX_ID_LENGTH = 128;

  private Checks() {}

  static <T> T notNull(T value, String name) {
    return Preconditions.requireArg(value, name);
  }

  static String id(String value, String name) {
    notNull(value, name);
    if (value.isBlank()) {
      throw CouponException.invalidArgument("%s must not be blank", name);
    }
    if (value.length() > MAX_ID_LENGTH) {
      throw CouponException.invalidArgument("%s must be at most %d characters", name, MAX_ID_LENGTH);
    }
    return value;
  }

  /** A non-negative amount with at most {@code scale} decimals, returned at exactly that scale. */
  static BigDecimal money(BigDecimal value, String name, int scale) {
    notNull(value, name);
    if (value.signum() < 0) {
      throw CouponException.invalidArgument("%s must not be negative but was %s", name, value.toPlainString());
    }
    if (value.stripTrailingZeros().scale() > scale) {
      throw CouponException.invalidArgument("%s must have at most %d decimals but was %s", name, scale,
          value.toPlainString());
    }
    return value.setScale(scale);
  }

  /** An unmodifiable copy keeping the iteration order; null keys or values are refused. */
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
