package io.couponengine.code;

import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.security.SecureRandom;

/**
 * Generates the codes of one template: code number {@code i} (0 ≤ i &lt; total) has the body {@code P(i)}, where
 * {@code P} is a keyed pseudo-random permutation of {@code [0, 31^8)}.
 *
 * <pre>{@code
 * CodeGenerator gen = CodeGenerator.withRandomKey("TH", "K7PXQ2");
 * String first = gen.code(0);   // e.g. "TH-K7PXQ2-9XMB-4TWEH"
 * }</pre>
 *
 * <p>Why this construction: distinct serial numbers give distinct bodies because {@code P} is a bijection, so
 * uniqueness needs no set of seen codes and memory stays constant however many codes are generated; the template id
 * inside every code makes codes of different templates distinct too. {@code P} is a 6-round balanced Feistel
 * network on 40 bits with SipHash-2-4 as round function (Luby–Rackoff: four or more rounds of a PRF give a strong
 * pseudo-random permutation), restricted to the 31^8 domain by cycle walking (Black–Rogaway). Without the 128-bit
 * key, which exists only in memory during generation, holding any number of codes does not help derive others;
 * guessing succeeds with probability {@code total / 31^8} per try (at most 1.2e-4 for 100 million codes).
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CodeGenerator {
  /** Size of the body domain, 31^8. */
  public static final long DOMAIN = pow(CodeFormat.RADIX, CodeFormat.BODY_LENGTH);
  private static final int HALF_BITS = 20;
  private static final long HALF_MASK = (1L << HALF_BITS) - 1;
  private static final int ROUNDS = 6;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String prefix;
  private final String templateId;
  private final long k0;
  private final long k1;
  /** {@code PREFIX-TEMPLATE-} as characters, copied in front of every body. */
  private final char[] head;
  /** Damm interim state after folding prefix and template id: the body continues from it. */
  private final int headInterim;

  /**
   * Creates a generator with an explicit key (tests and reproducible runs).
   *
   * @param prefix the family prefix, 1 to 4 alphabet characters
   * @param templateId the six-character template id
   * @param k0 first half of the key
   * @param k1 second half of the key
   * @throws CouponException INVALID_ARGUMENT naming {@code prefix} or {@code templateId} when not well formed
   */
  public CodeGenerator(String prefix, String templateId, long k0, long k1) {
    CodeFormat.requirePrefix(prefix, "prefix");
    CodeFormat.requireTemplateId(templateId, "templateId");
    this.prefix = prefix;
    this.templateId = templateId;
    this.k0 = k0;
    this.k1 = k1;
    this.head = (prefix + "-" + templateId + "-").toCharArray();
    int interim = 0;
    for (char c : (prefix + templateId).toCharArray()) {
      interim = (2 * interim + CodeFormat.valueOf(c)) % CodeFormat.RADIX;
    }
    this.headInterim = interim;
  }

  /**
   * Creates a generator with a fresh random key from {@link SecureRandom}.
   *
   * @param prefix the family prefix
   * @param templateId the template id
   * @return the generator
   * @throws CouponException INVALID_ARGUMENT naming {@code prefix} or {@code templateId} when not well formed
   */
  public static CodeGenerator withRandomKey(String prefix, String templateId) {
    return new CodeGenerator(prefix, templateId, RANDOM.nextLong(), RANDOM.nextLong());
  }
  /**
   * A new random key, as {@link #withKey} reads it: 32 hex digits (128 bits).
   *
   * @return the key
   */
  public static String newKey() {
    return String.format("%016x%016x", RANDOM.nextLong(), RANDOM.nextLong());
  }

  /**
   * A generator with a stored key ({@link #newKey()}): the same key gives the same permutation, so generation can
   * continue where another engine left off without a code twice.
   *
   * @param prefix the family prefix
   * @param templateId the template id
   * @param key 32 hex digits
   * @return the generator
   * @throws io.couponengine.error.CouponException INVALID_ARGUMENT naming {@code key} when it is not 32 hex digits
   */
  public static CodeGenerator withKey(String prefix, String templateId, String key) {
    if (key == null || !key.matches("[0-9a-f]{32}")) {
      throw io.couponengine.error.CouponException.invalidField("key", "must be 32 lower-case hex digits");
    }
    return new CodeGenerator(prefix, templateId, Long.parseUnsignedLong(key.substring(0, 16), 16),
        Long.parseUnsignedLong(key.substring(16), 16));
  }


  /**
   * The canonical code number {@code serial}.
   *
   * @param serial 0 ≤ serial &lt; 31^8
   * @return the code
   * @throws CouponException INVALID_ARGUMENT naming {@code serial} when out of range
   */
  public String code(long serial) {
    Preconditions.requireRange(serial, 0, DOMAIN - 1, "serial");
    // Same result as CodeFormat.format(prefix, templateId, body), written straight into one char[]: this is the
    // inner loop of generation.
    char[] out = new char[head.length + CodeFormat.BODY_LENGTH + 2];
    System.arraycopy(head, 0, out, 0, head.length);
    long v = permute(serial);
    int[] digits = new int[CodeFormat.BODY_LENGTH];
    for (int i = CodeFormat.BODY_LENGTH - 1; i >= 0; i--) {
      digits[i] = (int) (v % CodeFormat.RADIX);
      v /= CodeFormat.RADIX;
    }
    int interim = headInterim;
    int pos = head.length;
    for (int i = 0; i < CodeFormat.BODY_LENGTH; i++) {
      if (i == 4) {
        out[pos++] = '-';
      }
      interim = (2 * interim + digits[i]) % CodeFormat.RADIX;
      out[pos++] = CodeFormat.ALPHABET.charAt(digits[i]);
    }
    out[pos] = CodeFormat.ALPHABET.charAt(Math.floorMod(-2 * interim, CodeFormat.RADIX));
    return new String(out);
  }

  /**
   * The keyed permutation of {@code [0, 31^8)}.
   *
   * @param x the input, in the domain
   * @return a distinct output in the domain for every distinct input
   */
  long permute(long x) {
    if (x < 0 || x >= DOMAIN) {
      throw new IllegalArgumentException("serial out of range: " + x);
    }
    long y = feistel(x);
    while (y >= DOMAIN) { // cycle walking; expected 2^40 / 31^8 ≈ 1.29 rounds
      y = feistel(y);
    }
    return y;
  }

  private long feistel(long x) {
    long left = x >>> HALF_BITS;
    long right = x & HALF_MASK;
    for (int r = 0; r < ROUNDS; r++) {
      long f = SipHash.hash(k0, k1, ((long) r << 32) | right) & HALF_MASK;
      long next = left ^ f;
      left = right;
      right = next;
    }
    return (left << HALF_BITS) | right;
  }

  private static long pow(long base, int exp) {
    long r = 1;
    for (int i = 0; i < exp; i++) {
      r *= base;
    }
    return r;
  }
}
