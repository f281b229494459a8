package io.couponengine.internal;

import io.couponengine.error.CouponException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * The argument checks of every public constructor, factory and builder, core and adapters alike, with one message
 * format: each failure is {@code CouponException(INVALID_ARGUMENT)} whose single violation names the field
 * ({@code "<field> must not be null"}, {@code "<field> must be 1 to 100000 but was 0"},
 * {@code "<field> was already set to <value>"}). Exported to the adapter modules only; not API.
 */
public final class Preconditions {
  /** Longest accepted id: user, order, template, goods, goods type, region, idempotency key. */
  public static final int MAX_ID_LENGTH = 128;
  /** Longest accepted free text such as a template's name. */
  public static final int MAX_NAME_LENGTH = 200;

  private Preconditions() {}

  /**
   * Fails when a builder setter runs a second time (compare Caffeine's {@code requireState}).
   *
   * @param unset whether the setting is still unset
   * @param name the setting
   * @param current its current value, for the message
   */
  public static void requireUnset(boolean unset, String name, Object current) {
    if (!unset) {
      throw CouponException.invalidField(name, "was already set to %s", current);
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
      throw CouponException.invalidField(name, "must not be null");
    }
    return value;
  }

  /**
   * Fails unless {@code min <= value <= max}.
   *
   * @param value the argument
   * @param min smallest allowed
   * @param max largest allowed
   * @param name its name
   * @return the value
   */
  public static long requireRange(long value, long min, long max, String name) {
    if (value < min || value > max) {
      throw CouponException.invalidField(name, "must be %d to %d but was %d", min, max, value);
    }
    return value;
  }

  /**
   * Fails unless {@code value} is an int and {@code min <= value <= max}.
   *
   * @param value the argument
   * @param min smallest allowed
   * @param max largest allowed
   * @param name its name
   * @return the value
   */
  public static int requireRange(int value, int min, int max, String name) {
    return (int) requireRange((long) value, min, max, name);
  }

  /**
   * Fails unless {@code value} is not null and {@code min <= value <= max}; the bound keeps later arithmetic
   * ({@code now.plus(value)}, {@code toMillis()}) from overflowing.
   *
   * @param value the argument
   * @param min shortest allowed
   * @param max longest allowed
   * @param name its name
   * @return the value
   */
  public static Duration requireRange(Duration value, Duration min, Duration max, String name) {
    requireArg(value, name);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw CouponException.invalidField(name, "must be %s to %s but was %s", min, max, value);
    }
    return value;
  }

  /**
   * Fails unless {@code value} is an id: not null, at most {@link #MAX_ID_LENGTH} characters, at least one visible
   * character (a value of no-break spaces or zero-width characters only is refused) and no control characters.
   *
   * @param value the argument
   * @param name its name
   * @return the value
   */
  public static String requireId(String value, String name) {
    return requireText(value, name, MAX_ID_LENGTH);
  }

  /**
   * Whether {@link #requireId} accepts {@code value} (for inputs read in bulk, where a bad one is skipped and counted
   * rather than thrown).
   *
   * @param value the candidate
   * @return true when it is an id
   */
  public static boolean isId(String value) {
    try {
      requireId(value, "id");
      return true;
    } catch (CouponException e) {
      return false;
    }
  }

  /**
   * Fails unless {@code value} is text: not null, at most {@code maxLength} characters, at least one visible
   * character and no control characters.
   *
   * @param value the argument
   * @param name its name
   * @param maxLength the longest allowed, in chars
   * @return the value
   */
  public static String requireText(String value, String name, int maxLength) {
    requireArg(value, name);
    if (value.length() > maxLength) {
      throw CouponException.invalidField(name, "must be at most %d characters but had %d", maxLength,
          value.length());
    }
    boolean visible = false;
    int i = 0;
    // ASCII fast path (ids are almost always ASCII; this runs several times per claim)
    for (; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch >= 0x80) {
        break;
      }
      if (ch < 0x20 || ch == 0x7f) {
        throw CouponException.invalidField(name, "must not contain control characters");
      }
      visible |= ch != ' ';
    }
    while (i < value.length()) {
      int cp = value.codePointAt(i);
      if (Character.isISOControl(cp)) {
        throw CouponException.invalidField(name, "must not contain control characters");
      }
      visible |= isVisible(cp);
      i += Character.charCount(cp);
    }
    if (!visible) {
      throw CouponException.invalidField(name, "must have a visible character");
    }
    return value;
  }

  /**
   * Fails unless the collection and every element are not null; returns an unmodifiable copy keeping the order.
   *
   * @param values the argument
   * @param name its name
   * @param <T> the element type
   * @return the copy
   */
  public static <T> List<T> requireElements(Collection<? extends T> values, String name) {
    requireArg(values, name);
    int i = 0;
    for (T v : values) {
      if (v == null) {
        throw CouponException.invalidField(name + "[" + i + "]", "must not be null");
      }
      i++;
    }
    return List.copyOf(values);
  }

  /** Whitespace (U+00A0 and U+3000 included), format characters (zero-width) and unassigned code points are not. */
  private static boolean isVisible(int cp) {
    if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
      return false;
    }
    int type = Character.getType(cp);
    return type != Character.FORMAT && type != Character.UNASSIGNED && type != Character.SURROGATE
        && type != Character.CONTROL && cp != 0x2800 && cp != 0x3164 && cp != 0xFFA0 && cp != 0x115F
        && cp != 0x1160;
  }
}
