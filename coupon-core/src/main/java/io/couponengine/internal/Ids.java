package io.couponengine.internal;

import io.couponengine.code.CodeFormat;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/** Id generation. Internal. */
public final class Ids {
  private static final SecureRandom SECURE = new SecureRandom();

  private Ids() {}

  /**
   * A random six-character template id over the code alphabet (31^6 ≈ 8.9e8 ids); stores reject a taken id and
   * the engine draws again.
   *
   * @return the id
   */
  public static String templateId() {
    char[] c = new char[CodeFormat.TEMPLATE_ID_LENGTH];
    for (int i = 0; i < c.length; i++) {
      c[i] = CodeFormat.ALPHABET.charAt(SECURE.nextInt(CodeFormat.RADIX));
    }
    return new String(c);
  }

  /**
   * A coupon id: milliseconds since the epoch and 64 random bits, both base 36. Unique with overwhelming
   * probability; not a secret (the code is), so a fast thread-local generator is enough.
   *
   * @param nowMillis the current time
   * @return the id
   */
  public static String couponId(long nowMillis) {
    long r = ThreadLocalRandom.current().nextLong();
    return Long.toString(nowMillis, 36) + "-" + Long.toUnsignedString(r, 36);
  }
}
