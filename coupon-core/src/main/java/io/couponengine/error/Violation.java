package io.couponengine.error;

import java.util.Objects;

/**
 * One rule broken by an input: the field it concerns and a short human message.
 *
 * @param field the dotted path of the offending field, for example {@code "discount.threshold"}
 * @param message what is wrong, in lowercase, for example {@code "must be positive"}
 */
public record Violation(String field, String message) {
  /** Validates both parts. */
  public Violation {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return field + " " + message;
  }
}
