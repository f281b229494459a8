package io.couponengine;

import io.couponengine.code.CodeFormat;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/** Id generation. */
final class Ids {
  private static final SecureRandom SECURE = new SecureRandom();

  private Ids() {}

  /**
   * A random six-character template id over the code alphabet (31^6 ≈ 8.9e8 ids); stores reject a taken id and
   * the engine draws again.
   *
   * @return the id
   */
  static String templateId() {
    char[] c = new char[CodeFormat.TEMPLATE_ID_LENGTH];
    for (int i = 0; i < c.length; i++) {
      c[i] = CodeFormat.ALPHABET.charAt(SECURE.nextInt(CodeFormat.RADIX));
    }
    return new String(c);
  }

  /**
   * A coupon id: 9 base-32 characters of milliseconds since the epoch, then 13 of 64 random bits (22 characters,
   * sortable by creation time to the millisecond). Unique with overwhelming probability; not a secret (the code
   * is), so a fast thread-local generator is enough. Written into one array: this runs on every claim.
   *
   * @param nowMillis the current time
   * @return the id
   */
  static String couponId(long nowMillis) {
    byte[] out = new byte[22];
    long t = nowMillis;
    for (int i = 8; i >= 0; i--) {
      out[i] = BASE32[(int) (t & 31)];
      t >>>= 5;
    }
    long r = ThreadLocalRandom.current().nextLong();
    for (int i = 21; i >= 9; i--) {
      out[i] = BASE32[(int) (r & 31)];
      r >>>= 5;
    }
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  /** Crockford's base 32: digits and letters without I, L, O, U. */
  private static final byte[] BASE32 = "0123456789abcdefghjkmnpqrstvwxyz".getBytes(StandardCharsets.ISO_8859_1);
}
