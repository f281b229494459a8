package io.couponengine.internal;

import java.nio.charset.StandardCharsets;

/**
 * The engine's coupon id format, written and read back: 9 base-32 characters of the claim's epoch milliseconds, then
 * 13 of 64 random bits (22 characters, Crockford's alphabet in lower case, sortable by creation time).
 *
 * <pre>{@code
 * String id = CouponIds.format(now.toEpochMilli(), random.nextLong());
 * if (CouponIds.isFormatted(id, now.toEpochMilli())) {
 *   long bits = CouponIds.randomBits(id);   // format(millis, bits) gives the same id back
 * }
 * }</pre>
 *
 * <p>Stores may keep only the random bits of such an id (the milliseconds are the claim's) and rebuild the text when
 * the coupon is read. Stateless and thread-safe.
 */
public final class CouponIds {
  /** Characters of an id. */
  public static final int LENGTH = 22;
  private static final int TIME_CHARS = 9;
  private static final long TIME_MASK = (1L << (5 * TIME_CHARS)) - 1;
  /** Crockford's base 32: digits and letters without I, L, O, U. */
  private static final byte[] BASE32 = "0123456789abcdefghjkmnpqrstvwxyz".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] VALUE = new byte[128];
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[LENGTH]);

  static {
    java.util.Arrays.fill(VALUE, (byte) -1);
    for (int i = 0; i < BASE32.length; i++) {
      VALUE[BASE32[i]] = (byte) i;
    }
  }

  private CouponIds() {}

  /**
   * The id of a coupon claimed at {@code millis} with {@code randomBits}.
   *
   * @param millis the claim's epoch milliseconds (the low 45 bits are written)
   * @param randomBits 64 random bits
   * @return 22 characters
   */
  public static String format(long millis, long randomBits) {
    byte[] out = SCRATCH.get(); // the String copies it anyway: one array per id, not two (this runs on every claim)
    long t = millis;
    for (int i = TIME_CHARS - 1; i >= 0; i--) {
      out[i] = BASE32[(int) (t & 31)];
      t >>>= 5;
    }
    long r = randomBits;
    for (int i = LENGTH - 1; i >= TIME_CHARS; i--) {
      out[i] = BASE32[(int) (r & 31)];
      r >>>= 5;
    }
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  /**
   * Whether {@code id} is exactly what {@link #format} writes for {@code millis} and some random bits.
   *
   * @param id any string, or null
   * @param millis the claim's epoch milliseconds
   * @return true when {@code format(millis, randomBits(id))} equals {@code id}
   */
  public static boolean isFormatted(String id, long millis) {
    if (id == null || id.length() != LENGTH) {
      return false;
    }
    long t = 0;
    for (int i = 0; i < LENGTH; i++) {
      char ch = id.charAt(i);
      int v = ch < 128 ? VALUE[ch] : -1;
      if (v < 0) {
        return false;
      }
      if (i < TIME_CHARS) {
        t = (t << 5) | v;
      } else if (i == TIME_CHARS && v > 15) {
        return false; // 13 characters carry 65 bits: the first holds only the top 4 of the 64
      }
    }
    return t == (millis & TIME_MASK);
  }

  /**
   * The random bits of an id for which {@link #isFormatted} holds.
   *
   * @param id a formatted id
   * @return its 64 random bits
   */
  public static long randomBits(String id) {
    long r = 0;
    for (int i = TIME_CHARS; i < LENGTH; i++) {
      r = (r << 5) | VALUE[id.charAt(i)];
    }
    return r;
  }
}
