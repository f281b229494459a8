package io.couponengine;

import io.couponengine.code.CodeFormat;
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
   * is), so a fast thread-local generator is enough. The format is {@link io.couponengine.internal.CouponIds}'s, so
   * the in-memory store can keep the 64 random bits instead of the text.
   *
   * @param nowMillis the current time
   * @return the id
   */
  static String couponId(long nowMillis) {
    return io.couponengine.internal.CouponIds.format(nowMillis, ThreadLocalRandom.current().nextLong());
  }
}
