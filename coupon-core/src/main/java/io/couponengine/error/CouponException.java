package io.couponengine.error;

import java.util.List;
import java.util.Objects;

/**
 * The only exception type the coupon engine throws. It is unchecked and carries a stable {@link ErrorCode}.
 *
 * <pre>{@code
 * try {
 *   engine.createTemplate(spec);
 * } catch (CouponException e) {
 *   if (e.code() == ErrorCode.INVALID_TEMPLATE) {
 *     e.violations().forEach(v -> System.out.println(v.field() + ": " + v.message()));
 *   }
 * }
 * }</pre>
 *
 * <p>Expected refusals (a sold-out template, a user at the limit) are typed results, not exceptions. Store failures
 * surface as {@link ErrorCode#STORE_UNAVAILABLE} with the backend's exception as the cause. Instances are immutable.
 */
public final class CouponException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The stable error code callers branch on. */
  private final ErrorCode code;
  /** Every problem found, each naming its field; empty when the message says it all. */
  private final List<Violation> violations;

  private CouponException(ErrorCode code, String message, Throwable cause, List<Violation> violations,
      boolean writableStackTrace) {
    super(message, cause, false, writableStackTrace);
    this.code = Objects.requireNonNull(code, "code");
    this.violations = List.copyOf(violations);
  }

  /**
   * Creates an exception with a code and a message.
   *
   * @param code the stable error code
   * @param message a message naming the entity and its state
   * @return a new exception
   */
  public static CouponException of(ErrorCode code, String message) {
    return new CouponException(code, message, null, List.of(), true);
  }

  /**
   * Creates an exception with a formatted message.
   *
   * @param code the stable error code
   * @param format a {@link String#format} pattern
   * @param args the pattern's arguments
   * @return a new exception
   */
  public static CouponException of(ErrorCode code, String format, Object... args) {
    return new CouponException(code, String.format(format, args), null, List.of(), true);
  }

  /**
   * Creates an {@link ErrorCode#INVALID_ARGUMENT} exception.
   *
   * @param format a {@link String#format} pattern
   * @param args the pattern's arguments
   * @return a new exception
   */
  public static CouponException invalidArgument(String format, Object... args) {
    return new CouponException(ErrorCode.INVALID_ARGUMENT, String.format(format, args), null, List.of(), true);
  }

  /**
   * An INVALID_ARGUMENT that names the offending field: the message reads {@code "<field> <problem>"} and
   * {@link #violations()} holds one {@link Violation} with that field, so callers can point at the input without
   * parsing the message.
   *
   * @param field the argument or field, for example {@code "userId"} or {@code "lines[2].unitPrice"}
   * @param problem what is wrong, a format for {@link String#format}, for example {@code "must not be null"}
   * @param args the format's arguments
   * @return the exception
   */
  public static CouponException invalidField(String field, String problem, Object... args) {
    Violation v = new Violation(field, String.format(problem, args));
    return new CouponException(ErrorCode.INVALID_ARGUMENT, v.toString(), null, List.of(v), true);
  }

  /**
   * Creates an {@link ErrorCode#INVALID_TEMPLATE} exception listing every violation found.
   *
   * @param violations the problems, at least one
   * @return a new exception
   */
  public static CouponException invalidTemplate(List<Violation> violations) {
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("violations must not be empty");
    }
    StringBuilder message = new StringBuilder("template is invalid: ");
    for (int i = 0; i < violations.size(); i++) {
      message.append(i == 0 ? "" : "; ").append(violations.get(i));
    }
    return new CouponException(ErrorCode.INVALID_TEMPLATE, message.toString(), null, violations, true);
  }

  /**
   * Creates an {@link ErrorCode#INVALID_CODE} exception without a stack trace: malformed codes are a hot,
   * user-driven rejection path.
   *
   * @param reason why the code was rejected
   * @return a new exception
   */
  public static CouponException invalidCode(String reason) {
    return new CouponException(ErrorCode.INVALID_CODE, "coupon code is invalid: " + reason, null, List.of(), false);
  }

  /**
   * Wraps a storage failure as {@link ErrorCode#STORE_UNAVAILABLE}.
   *
   * @param operation what the engine was doing, for example {@code "claim"}
   * @param cause the backend's exception
   * @return a new exception
   */
  public static CouponException storeUnavailable(String operation, Throwable cause) {
    return new CouponException(ErrorCode.STORE_UNAVAILABLE,
        "store failed during " + operation + ": " + cause, cause, List.of(), true);
  }

  /**
   * Creates an exception with a code, a message and a cause.
   *
   * @param code the stable error code
   * @param message the message
   * @param cause the cause
   * @return a new exception
   */
  public static CouponException withCause(ErrorCode code, String message, Throwable cause) {
    return new CouponException(code, message, cause, List.of(), true);
  }

  /**
   * Returns the stable error code.
   *
   * @return the code, never null
   */
  public ErrorCode code() {
    return code;
  }

  /**
   * Returns the field problems for {@link ErrorCode#INVALID_TEMPLATE}; empty for other codes.
   *
   * @return an immutable list
   */
  public List<Violation> violations() {
    return violations;
  }
}
