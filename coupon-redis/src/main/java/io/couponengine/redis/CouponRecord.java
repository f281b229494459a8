package io.couponengine.redis;

import io.couponengine.spi.ClaimCommand;

/**
 * The claim record a claim script stores: a USABLE coupon's JSON, split around the code the script pops, so the
 * script only concatenates {@code head .. code .. tail}. Written by hand because it runs on every claim (Jackson's
 * writer cost more than the rest of the client's work); the result is the JSON {@code Coupon.toJson()} writes, and
 * {@code Coupon.fromJson} reads it back (tested).
 */
final class CouponRecord {
  private CouponRecord() {}

  /**
   * The JSON up to the code's opening quote's end, and from the code's closing quote on.
   *
   * @param c the claim
   * @return {head, tail}
   */
  static String[] headAndTail(ClaimCommand c) {
    StringBuilder head = new StringBuilder(96 + c.userId().length());
    head.append("{\"id\":");
    string(head, c.couponId());
    head.append(",\"code\":\"");
    StringBuilder tail = new StringBuilder(160 + c.userId().length());
    tail.append("\",\"templateId\":");
    string(tail, c.templateId());
    tail.append(",\"userId\":");
    string(tail, c.userId());
    tail.append(",\"claimedAt\":\"").append(c.claimedAt()).append("\",\"expiresAt\":\"").append(c.expiresAt())
        .append("\",\"status\":\"USABLE\",\"orderId\":null");
    if (c.validFrom() != null) {
      tail.append(",\"validFrom\":\"").append(c.validFrom()).append('"'); // written only when set, as Jackson does
    }
    tail.append('}');
    return new String[] {head.toString(), tail.toString()};
  }

  /** Appends a JSON string literal (RFC 8259 escaping). */
  static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (ch < 0x20) {
            out.append(String.format("\\u%04X", (int) ch)); // upper-case hex, as Jackson writes it
          } else {
            out.append(ch);
          }
        }
      }
    }
    out.append('"');
  }
}
