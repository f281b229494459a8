package io.couponengine.error;

/**
 * One rule broken by an input: the field it concerns and a short human message.
 *
 * @param field the dotted path of the offending field, for example {@code "discount.threshold"}
 * @param message what is wrong, in lowercase, for example {@code "must be positive"}
 */
public record Violation(String field, String message) {
  /**
   * Validates both parts. The refusal is itself a {@code CouponException} with one violation, built from constant,
   * non-null parts, so it cannot come back here with a null and loop.
   *
   * @param field the dotted path of the offending field, for example {@code "discount.threshold"}
   * @param message what is wrong, in lowercase, for example {@code "must be positive"}
   * @throws CouponException INVALID_ARGUMENT naming {@code field} or {@code message} when it is null
   */
  public Violation {
    if (field == null) {
      throw CouponException.invalidField("field", "must not be null");
    }
    if (message == null) {
      throw CouponException.invalidField("message", "must not be null");
    }
  }

  @Override
  public String toString() {
    return field + " " + message;
  }
}
