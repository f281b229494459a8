package io.couponengine.internal;

import io.couponengine.error.CouponException;

/** Argument checks shared by the builders; every failure is {@code CouponException(INVALID_ARGUMENT)}. Internal. */
public final class Preconditions {
  private Preconditions() {}

  /**
   * Fails unless {@code ok}, typically "x was already set to %s" (compare Caffeine's {@code requireState}).
   *
   * @param ok the condition
   * @param format the message pattern
   * @param arg its argument
   */
  public static void requireState(boolean ok, String format, Object arg) {
    if (!ok) {
      throw CouponException.invalidArgument(format, arg);
    }
  }

  /**
   * Fails when {@code value} is null.
   *
   * @param value the argument
   * @param name its name, for the message
   * @param <T> its type
   * @return the value
   */
  public static <T> T requireArg(T value, String name) {
    if (value == null) {
      throw CouponException.invalidArgument("%s must not be null", name);
    }
    return value;
  }
}
