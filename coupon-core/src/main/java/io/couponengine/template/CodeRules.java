package io.couponengine.template;

import io.couponengine.code.CodeFormat;
import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.util.Locale;

/**
 * What an imported (external) code may look like: its characters, its length and whether case matters. A template
 * built with {@link TemplateSpec.Builder#externalCodes(CodeRules)} takes its codes from {@code engine.importCodes}
 * instead of generating them; every imported code is checked against these rules.
 *
 * <pre>{@code
 * CodeRules.of("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 8, 12)   // folds case: "abc12345" is stored as "ABC12345"
 * CodeRules.of("ABCDEFabcdef0123456789", 10, 10).caseSensitive()
 * }</pre>
 *
 * <p>Rules every external code keeps, whatever the template says: printable ASCII without spaces
 * ({@code '!'} to {@code '~'}), at most {@value #MAX_LENGTH} characters, and not the shape of a generated code
 * ({@link CodeFormat#hasGeneratedShape}): a typed code of that shape is checked as a generated code (check
 * character and all) before any store is asked, so it could never be entered.
 *
 * @param allowedCharacters the characters a code may use (with {@code foldCase}, a letter allowed in either case
 *     is allowed in both)
 * @param minLength the shortest code, at least 1
 * @param maxLength the longest code, at most {@value #MAX_LENGTH}
 * @param foldCase whether codes are case-insensitive: stored and matched upper-cased (Locale.ROOT)
 */
public record CodeRules(String allowedCharacters, int minLength, int maxLength, boolean foldCase) {
  /** The longest code any rule allows. */
  public static final int MAX_LENGTH = 64;
  /** Letters and digits, 4 to 32 characters, case-insensitive. */
  public static final CodeRules ALPHANUMERIC = of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 4, 32);

  /**
   * Checks the rules themselves.
   *
   * @param allowedCharacters the characters a code may use (with {@code foldCase}, a letter allowed in either case
   *     is allowed in both)
   * @param minLength the shortest code, at least 1
   * @param maxLength the longest code, at most {@value #MAX_LENGTH}
   * @param foldCase whether codes are case-insensitive: stored and matched upper-cased (Locale.ROOT)
   * @throws CouponException INVALID_ARGUMENT naming {@code allowedCharacters} when null, empty or holding a
   *     character outside printable ASCII, {@code minLength} when not 1 to {@code maxLength}, {@code maxLength} when
   *     not up to {@value #MAX_LENGTH}
   */
  public CodeRules {
    Preconditions.requireArg(allowedCharacters, "allowedCharacters");
    if (allowedCharacters.isEmpty()) {
      throw CouponException.invalidField("allowedCharacters", "must not be empty");
    }
    for (int i = 0; i < allowedCharacters.length(); i++) {
      if (!printable(allowedCharacters.charAt(i))) {
        throw CouponException.invalidField("allowedCharacters",
            "must hold only printable ASCII characters without spaces but has U+%04X at %d",
            (int) allowedCharacters.charAt(i), i);
      }
    }
    Preconditions.requireRange(maxLength, 1, MAX_LENGTH, "maxLength");
    Preconditions.requireRange(minLength, 1, maxLength, "minLength");
  }

  /**
   * Case-insensitive rules.
   *
   * @param allowedCharacters the characters a code may use
   * @param minLength the shortest code
   * @param maxLength the longest code
   * @return the rules
   * @throws CouponException INVALID_ARGUMENT as the canonical constructor
   */
  public static CodeRules of(String allowedCharacters, int minLength, int maxLength) {
    return new CodeRules(allowedCharacters, minLength, maxLength, true);
  }

  /**
   * The same rules with case kept: {@code "abc"} and {@code "ABC"} are different codes.
   *
   * @return the case-sensitive rules
   */
  public CodeRules caseSensitive() {
    return new CodeRules(allowedCharacters, minLength, maxLength, false);
  }

  /**
   * The form a code is stored and matched in: surrounding whitespace removed and, with {@code foldCase},
   * upper-cased. Does not check the rules ({@link #problem}).
   *
   * @param code the code as given
   * @return the stored form
   */
  public String canonical(String code) {
    String s = code.strip();
    return foldCase ? s.toUpperCase(Locale.ROOT) : s;
  }

  /**
   * Why a code breaks these rules, or null when it keeps them.
   *
   * @param code the code as given (checked in its {@linkplain #canonical canonical} form)
   * @return a short reason, or null
   */
  public String problem(String code) {
    if (code == null) {
      return "null";
    }
    String s = canonical(code);
    if (s.length() < minLength || s.length() > maxLength) {
      return "length " + s.length() + " is not " + minLength + " to " + maxLength;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (allowedCharacters.indexOf(c) < 0
          && !(foldCase && allowedCharacters.indexOf(Character.toLowerCase(c)) >= 0)) {
        return "character '" + s.charAt(i) + "' at " + i + " is not allowed";
      }
    }
    if (CodeFormat.hasGeneratedShape(s)) {
      return "has the shape of a generated code";
    }
    return null;
  }

  static boolean printable(char c) {
    return c >= '!' && c <= '~';
  }
}
