package io.couponengine;

import io.couponengine.error.CouponException;
import java.util.function.Supplier;

/** Runs store calls so that only {@link CouponException} leaves the engine. */
final class StoreCalls {
  private StoreCalls() {}

  /**
   * Runs a store call; an exception other than {@link CouponException} becomes STORE_UNAVAILABLE.
   *
   * @param operation what is being done, for the message
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   */
  static <T> T call(String operation, Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw translate(operation, e);
    }
  }

  /**
   * Translates a store exception.
   *
   * @param operation what was being done
   * @param e the exception
   * @return a CouponException
   */
  static CouponException translate(String operation, RuntimeException e) {
    return e instanceof CouponException ce ? ce : CouponException.storeUnavailable(operation, e);
  }
}
