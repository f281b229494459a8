package io.couponengine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CouponIdsTest {
  private static final long MILLIS = 1_795_000_000_123L;

  @Test
  void format_roundTripsThroughRandomBits() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 10_000; i++) {
      long bits = i < 4 ? new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE}[i] : r.nextLong();
      String id = CouponIds.format(MILLIS, bits);
      assertThat(id).hasSize(CouponIds.LENGTH);
      assertThat(CouponIds.isFormatted(id, MILLIS)).isTrue();
      assertThat(CouponIds.randomBits(id)).isEqualTo(bits);
    }
  }

  @Test
  void isFormatted_refusesWhatFormatNeverWrites() {
    String id = CouponIds.format(MILLIS, 42);
    assertThat(CouponIds.isFormatted(id, MILLIS + 1)).isFalse();              // another millisecond
    assertThat(CouponIds.isFormatted(id.toUpperCase(), MILLIS)).isFalse();     // not the alphabet's case
    assertThat(CouponIds.isFormatted(id.substring(1), MILLIS)).isFalse();      // length
    assertThat(CouponIds.isFormatted(id.substring(0, 9) + "g" + id.substring(10), MILLIS)).isFalse(); // 65th bit
    assertThat(CouponIds.isFormatted(id.replace(id.charAt(21), 'u'), MILLIS)).isFalse(); // no U in the alphabet
    assertThat(CouponIds.isFormatted("c1", MILLIS)).isFalse();
    assertThat(CouponIds.isFormatted(null, MILLIS)).isFalse();
    assertThat(CouponIds.isFormatted("é".repeat(22), MILLIS)).isFalse();
  }
}
