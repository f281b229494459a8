package io.couponengine.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.spi.ClaimCommand;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CouponRecordTest {
  private static final String CODE = "TH-K7PXQ2-9XMB-4TWEH";

  @Test
  void of_readsBackAsTheIssuedCoupon_whateverTheIds() {
    Instant claimed = Instant.parse("2026-11-25T10:15:30.123456789Z");
    // ids with control characters are refused at the entry (ClaimCommand), so they never reach a record
    for (String user : new String[] {"u1", "a\"b", "back\\slash", "中文用户", "'; DROP TABLE x; --",
        "emoji \uD83D\uDE00", "\u00a0nbsp inside", "pipe|in|id", "12|34"}) {
      for (String couponId : new String[] {"cid-1", "c|1|2", "1", "中文"}) {
        ClaimCommand c = new ClaimCommand("K7PXQ2", user, "key", couponId, 2, claimed,
            claimed.plusSeconds(7 * 86400));
        Coupon expected = new Coupon(couponId, CODE, "K7PXQ2", user, c.claimedAt(), c.expiresAt(),
            CouponStatus.USABLE, null);
        assertThat(CouponRecord.read(CouponRecord.of(c), CODE, "K7PXQ2")).isEqualTo(expected);
      }
    }
  }

  @Test
  void of_keepsEveryInstantExactly_andValidFromOnlyWhenSet() {
    for (Instant claimed : new Instant[] {Instant.parse("2026-11-25T10:15:30Z"),
        Instant.parse("2026-11-25T10:15:30.5Z"), Instant.parse("2026-11-25T10:15:30.000000001Z"),
        Instant.parse("1969-12-31T23:59:59.999999999Z"), Instant.EPOCH}) {
      for (Instant from : new Instant[] {null, claimed, claimed.plusNanos(1), claimed.plusSeconds(86400)}) {
        ClaimCommand c = new ClaimCommand("K7PXQ2", "u1", "key", "cid-1", 2, claimed,
            claimed.plusSeconds(2 * 86400).plusNanos(7), from, null, null);
        Coupon expected = new Coupon("cid-1", CODE, "K7PXQ2", "u1", claimed, c.expiresAt(), CouponStatus.USABLE,
            null, from);
        Coupon read = CouponRecord.read(CouponRecord.of(c), CODE, "K7PXQ2");
        assertThat(read).isEqualTo(expected);
        assertThat(read.toJson()).isEqualTo(expected.toJson());
      }
    }
  }

  @Test
  void of_isCompact() {
    Instant claimed = Instant.parse("2026-11-25T10:15:30.123456789Z");
    ClaimCommand c = new ClaimCommand("K7PXQ2", "user-123456", "key", "01jd2x4y6z8a0b2c4d6e8f", 2, claimed,
        claimed.plusSeconds(7 * 86400));
    assertThat(CouponRecord.of(c))
        .isEqualTo("1795601730.123456789|1796206530.123456789||22|01jd2x4y6z8a0b2c4d6e8fuser-123456");
  }

  @Test
  void read_acceptsTheJsonRecordsOf01() {
    Coupon old = new Coupon("cid-1", CODE, "K7PXQ2", "u1", Instant.parse("2026-11-25T10:15:30Z"),
        Instant.parse("2026-12-25T10:15:30Z"), CouponStatus.USABLE, null);
    assertThat(CouponRecord.read(old.toJson(), CODE, "K7PXQ2")).isEqualTo(old);
  }

  @Test
  void read_refusesAMalformedRecord() {
    assertThatThrownBy(() -> CouponRecord.read("1|2|", CODE, "K7PXQ2"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(CODE);
  }
}
