package io.couponengine.redis;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.spi.ClaimCommand;
import java.time.Instant;

/**
 * The claim record a claim script stores in the template's {@code cp} hash under the code: what a USABLE coupon has
 * beyond its code (the hash field) and its template (the key), in a compact form the script stores as it is given:
 *
 * <pre>{@code <claimedAt>|<expiresAt>|<validFrom or empty>|<couponId length>|<couponId><userId>}</pre>
 *
 * <p>An instant is {@code <epochSecond>} or {@code <epochSecond>.<nanos>} (nanos as a plain integer, 0 to 999,999,999,
 * so {@code 5.5} is five seconds and five nanoseconds): exact, and a quarter of the JSON's length. The coupon id's
 * length (in Java chars) separates the two free-form ids, so neither needs escaping. Only Java reads a record; the
 * scripts copy it. A record written by 0.1 (the coupon's JSON, starting with {@code '{'}) is still read.
 */
final class CouponRecord {
  private CouponRecord() {}

  /**
   * The record a claim by {@code c} stores.
   *
   * @param c the claim
   * @return the compact record
   */
  static String of(ClaimCommand c) {
    StringBuilder b = new StringBuilder(64 + c.couponId().length() + c.userId().length());
    instant(b, c.claimedAt()).append('|');
    instant(b, c.expiresAt()).append('|');
    if (c.validFrom() != null) {
      instant(b, c.validFrom());
    }
    return b.append('|').append(c.couponId().length()).append('|').append(c.couponId()).append(c.userId())
        .toString();
  }

  /**
   * The coupon, as issued (USABLE, no order), that a record describes.
   *
   * @param record a record of the template's {@code cp} hash (compact, or 0.1's JSON)
   * @param code the code (the record's field)
   * @param templateId the template (the record's key)
   * @return the coupon
   * @throws IllegalArgumentException when the record is malformed
   */
  static Coupon read(String record, String code, String templateId) {
    if (record.startsWith("{")) {
      return Coupon.fromJson(record); // 0.1
    }
    try {
      int a = record.indexOf('|');
      int b = record.indexOf('|', a + 1);
      int c = record.indexOf('|', b + 1);
      int d = record.indexOf('|', c + 1);
      int idLength = Integer.parseInt(record, c + 1, d, 10);
      int idEnd = d + 1 + idLength;
      return new Coupon(record.substring(d + 1, idEnd), code, templateId, record.substring(idEnd),
          instant(record, 0, a), instant(record, a + 1, b), CouponStatus.USABLE, null,
          b + 1 == c ? null : instant(record, b + 1, c));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed claim record of code '" + code + "': " + record, e);
    }
  }

  private static StringBuilder instant(StringBuilder b, Instant t) {
    b.append(t.getEpochSecond());
    if (t.getNano() != 0) {
      b.append('.').append(t.getNano());
    }
    return b;
  }

  private static Instant instant(String s, int from, int to) {
    int dot = s.indexOf('.', from);
    if (dot < 0 || dot >= to) {
      return Instant.ofEpochSecond(Long.parseLong(s, from, to, 10));
    }
    return Instant.ofEpochSecond(Long.parseLong(s, from, dot, 10), Integer.parseInt(s, dot + 1, to, 10));
  }
}
