package io.couponengine.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.spi.ClaimCommand;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CouponRecordTest {

  @Test
  void headAndTail_readBackAsTheCouponJacksonWould() {
    Instant claimed = Instant.parse("2026-11-25T10:15:30.123456789Z");
    // ids with control characters are refused at the entry (ClaimCommand), so they never reach a record
    for (String user : new String[] {"u1", "a\"b", "back\\slash", "中文用户", "'; DROP TABLE x; --",
        "emoji \uD83D\uDE00", "\u00a0nbsp inside"}) {
      ClaimCommand c = new ClaimCommand("K7PXQ2", user, "key", "cid-1", 2, claimed, claimed.plusSeconds(7 * 86400));
      String[] ht = CouponRecord.headAndTail(c);
      String code = "TH-K7PXQ2-9XMB-4TWEH";
      Coupon expected = new Coupon("cid-1", code, "K7PXQ2", user, c.claimedAt(), c.expiresAt(),
          CouponStatus.USABLE, null);
      String record = ht[0] + code + ht[1];
      assertThat(Coupon.fromJson(record)).isEqualTo(expected);
      assertThat(record).isEqualTo(expected.toJson());
    }
  }

  @Test
  void headAndTail_withValidFrom_writesItLastAsJacksonDoes() {
    Instant claimed = Instant.parse("2026-11-25T10:15:30.123Z");
    for (Instant from : new Instant[] {Instant.parse("2026-12-01T00:00:00Z"),
        Instant.parse("2026-12-01T08:30:00.000000001Z"), claimed}) {
      ClaimCommand c = new ClaimCommand("K7PXQ2", "u\"1", "key", "cid-1", 2, claimed,
          Instant.parse("2026-12-31T00:00:00Z"), from, null, null);
      String[] ht = CouponRecord.headAndTail(c);
      String code = "TH-K7PXQ2-9XMB-4TWEH";
      Coupon expected = new Coupon("cid-1", code, "K7PXQ2", "u\"1", c.claimedAt(), c.expiresAt(),
          CouponStatus.USABLE, null, from);
      String record = ht[0] + code + ht[1];
      assertThat(record).isEqualTo(expected.toJson()).contains("\"validFrom\"");
      assertThat(Coupon.fromJson(record)).isEqualTo(expected);
    }
    ClaimCommand none = new ClaimCommand("K7PXQ2", "u1", "key", "cid-1", 2, claimed, claimed.plusSeconds(60));
    String[] ht = CouponRecord.headAndTail(none);
    assertThat(ht[0] + "X" + ht[1]).doesNotContain("validFrom");
  }
}
