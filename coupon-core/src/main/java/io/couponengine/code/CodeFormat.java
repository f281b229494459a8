package io.couponengine.code;

import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;

/**
 * The shape of a coupon code: {@code PREFIX-TEMPLATE-BODY-BODYC}, for example {@code TH-K7PXQ2-9XMB-4TWEH}.
 *
 * <ul>
 *   <li>The alphabet has 31 characters, {@value #ALPHABET}: no 0/O, 1/I/L look-alikes. 31 is prime, which the
 *       check character relies on.</li>
 *   <li>PREFIX (1 to 4 characters) marks the template family; TEMPLATE is the six-character template id; BODY is
 *       eight characters encoding a keyed permutation of the coupon's serial number ({@link CodeGenerator}); the
 *       final character is a check character.</li>
 *   <li>The check character uses Damm's algorithm over the quasigroup {@code x*y = (2x + y) mod 31}, which is
 *       totally anti-symmetric: it catches every single-character substitution and every transposition of two
 *       adjacent characters (H. M. Damm, "Total anti-symmetrische Quasigruppen", 2004). Dashes are not
 *       checked.</li>
 * </ul>
 *
 * <p>{@link #canonicalize(String)} accepts lower case, spaces and missing or misplaced dashes, and rejects
 * anything else with {@code INVALID_CODE} without touching a store. This class is stateless and thread-safe.
 */
public final class CodeFormat {
  /** The code alphabet: digits and upper-case letters without look-alikes. */
  public static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  /** Size of the alphabet, a prime. */
  public static final int RADIX = 31;
  /** Longest family prefix. */
  public static final int MAX_PREFIX = 4;
  /** Length of a template id. */
  public static final int TEMPLATE_ID_LENGTH = 6;
  /** Length of the code body (31^8 ≈ 8.5e11 possible bodies per template). */
  public static final int BODY_LENGTH = 8;

  private static final int[] VALUE = new int[128];

  static {
    java.util.Arrays.fill(VALUE, -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      VALUE[ALPHABET.charAt(i)] = i;
    }
  }

  private CodeFormat() {}

  /**
   * Whether {@code prefix} is 1 to {@value #MAX_PREFIX} alphabet characters.
   *
   * @param prefix the candidate
   * @return true when valid
   */
  public static boolean isValidPrefix(String prefix) {
    return prefix != null && !prefix.isEmpty() && prefix.length() <= MAX_PREFIX && allInAlphabet(prefix);
  }

  /**
   * Whether {@code id} is a well-formed template id (six alphabet characters).
   *
   * @param id the candidate
   * @return true when valid
   */
  public static boolean isValidTemplateId(String id) {
    return id != null && id.length() == TEMPLATE_ID_LENGTH && allInAlphabet(id);
  }

  /** Fails unless {@link #isValidPrefix}; INVALID_ARGUMENT naming {@code field}. */
  static String requirePrefix(String prefix, String field) {
    Preconditions.requireArg(prefix, field);
    if (!isValidPrefix(prefix)) {
      throw CouponException.invalidField(field, "must be 1 to %d characters of %s", MAX_PREFIX, ALPHABET);
    }
    return prefix;
  }

  /** Fails unless {@link #isValidTemplateId}; INVALID_ARGUMENT naming {@code field}. */
  static String requireTemplateId(String id, String field) {
    Preconditions.requireArg(id, field);
    if (!isValidTemplateId(id)) {
      throw CouponException.invalidField(field, "must be %d characters of %s", TEMPLATE_ID_LENGTH, ALPHABET);
    }
    return id;
  }

  private static boolean allInAlphabet(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 128 || VALUE[c] < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The value of one alphabet character.
   *
   * @param c the character
   * @return 0 to 30, or -1 when not in the alphabet
   */
  static int valueOf(char c) {
    return c < 128 ? VALUE[c] : -1;
  }

  /**
   * The Damm check character for the given characters (dashes skipped).
   *
   * @param chars alphabet characters
   * @return the check character
   * @throws CouponException INVALID_ARGUMENT naming {@code chars} when null or holding a character that is neither
   *     in the alphabet nor a dash
   */
  public static char checkCharacter(CharSequence chars) {
    Preconditions.requireArg(chars, "chars");
    for (int i = 0; i < chars.length(); i++) {
      char c = chars.charAt(i);
      if (c != '-' && valueOf(c) < 0) {
        throw CouponException.invalidField("chars", "must hold only characters of %s and dashes", ALPHABET);
      }
    }
    int interim = fold(chars, chars.length());
    // find k with 2*interim + k ≡ 0 (mod 31)
    return ALPHABET.charAt(Math.floorMod(-2 * interim, RADIX));
  }

  private static int fold(CharSequence chars, int end) {
    int interim = 0;
    for (int i = 0; i < end; i++) {
      char c = chars.charAt(i);
      if (c == '-') {
        continue;
      }
      interim = (2 * interim + VALUE[c]) % RADIX;
    }
    return interim;
  }

  /**
   * Normalizes user input to the canonical code, or rejects it.
   *
   * @param input what the user typed
   * @return the canonical code ({@code PREFIX-TEMPLATE-BODY-BODYC})
   * @throws CouponException INVALID_CODE when malformed or the check character is wrong
   */
  public static String canonicalize(String input) {
    if (input == null) {
      throw CouponException.invalidCode("null");
    }
    if (input.length() > 64) {
      throw CouponException.invalidCode("too long");
    }
    StringBuilder raw = new StringBuilder(24);
    for (int i = 0; i < input.length(); i++) {
      char c = Character.toUpperCase(input.charAt(i));
      if (c == '-' || c == ' ') {
        continue;
      }
      if (c >= 128 || VALUE[c] < 0) {
        throw CouponException.invalidCode("character '" + input.charAt(i) + "' is not in the code alphabet");
      }
      raw.append(c);
    }
    int fixed = TEMPLATE_ID_LENGTH + BODY_LENGTH + 1;
    int prefixLength = raw.length() - fixed;
    if (prefixLength < 1 || prefixLength > MAX_PREFIX) {
      throw CouponException.invalidCode("wrong length");
    }
    if (fold(raw, raw.length()) != 0) {
      throw CouponException.invalidCode("check character does not match");
    }
    return group(raw, prefixLength);
  }

  /**
   * Whether typed input has the shape of a generated code: once dashes and spaces are dropped, 16 to 19 characters
   * (a prefix of 1 to 4, the template id, the body and the check character), every one of them in the code alphabet
   * (either case). Such input is read as a generated code and checked by {@link #canonicalize}; shared and imported
   * codes must not have this shape.
   *
   * @param input the typed code, or null
   * @return true when it reads as a generated code
   */
  public static boolean hasGeneratedShape(String input) {
    if (input == null || input.length() > 64) {
      return false;
    }
    int n = 0;
    for (int i = 0; i < input.length(); i++) {
      char c = Character.toUpperCase(input.charAt(i));
      if (c == '-' || c == ' ') {
        continue;
      }
      if (c >= 128 || VALUE[c] < 0) {
        return false;
      }
      n++;
    }
    int fixed = TEMPLATE_ID_LENGTH + BODY_LENGTH + 1;
    return n >= fixed + 1 && n <= fixed + MAX_PREFIX;
  }

  /**
   * Formats the parts of a code and appends its check character.
   *
   * @param prefix the family prefix
   * @param templateId the template id
   * @param body the eight body characters
   * @return the canonical code
   * @throws CouponException INVALID_ARGUMENT naming {@code prefix}, {@code templateId} or {@code body} when not
   *     well formed
   */
  public static String format(String prefix, String templateId, CharSequence body) {
    requirePrefix(prefix, "prefix");
    requireTemplateId(templateId, "templateId");
    Preconditions.requireArg(body, "body");
    if (body.length() != BODY_LENGTH || !allInAlphabet(body)) {
      throw CouponException.invalidField("body", "must be %d characters of %s", BODY_LENGTH, ALPHABET);
    }
    StringBuilder raw = new StringBuilder(prefix.length() + 20);
    raw.append(prefix).append(templateId).append(body);
    raw.append(checkCharacter(raw));
    return group(raw, prefix.length());
  }

  private static String group(CharSequence raw, int prefixLength) {
    int t = prefixLength + TEMPLATE_ID_LENGTH;
    StringBuilder sb = new StringBuilder(raw.length() + 3);
    sb.append(raw, 0, prefixLength).append('-')
        .append(raw, prefixLength, t).append('-')
        .append(raw, t, t + 4).append('-')
        .append(raw, t + 4, raw.length());
    return sb.toString();
  }

  /**
   * The template id embedded in a canonical code.
   *
   * @param canonicalCode a code returned by {@link #canonicalize} or {@link #format}
   * @return the six-character template id
   * @throws CouponException INVALID_CODE when the code is null or has no template id after its prefix
   */
  public static String templateIdOf(String canonicalCode) {
    if (canonicalCode == null) {
      throw CouponException.invalidCode("null");
    }
    int dash = canonicalCode.indexOf('-');
    if (dash < 1 || dash + 1 + TEMPLATE_ID_LENGTH > canonicalCode.length()) {
      throw CouponException.invalidCode("no template id after a prefix");
    }
    return canonicalCode.substring(dash + 1, dash + 1 + TEMPLATE_ID_LENGTH);
  }
}
