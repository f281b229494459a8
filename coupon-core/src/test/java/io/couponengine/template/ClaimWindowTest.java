package io.couponengine.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.error.Violation;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClaimWindowTest {
  private static final Instant T = Instant.parse("2026-12-01T00:00:00Z");

  private static TemplateSpec.Builder spec(Validity validity) {
    return TemplateSpec.builder().name("w").category(CouponCategory.DIRECT).productLine("mall").totalCount(10)
        .validity(validity).discount(Discount.amountOff(new BigDecimal("5.00")));
  }

  @Test
  void build_windowEndingBeforeItStarts_isAViolation() {
    assertThatThrownBy(() -> spec(Validity.rolling(Duration.ofDays(1))).claimWindow(T, T.minusSeconds(1)).build())
        .isInstanceOfSatisfying(CouponException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TEMPLATE);
          assertThat(e.violations()).extracting(Violation::field).contains("claimWindow.until");
        });
  }

  @Test
  void build_windowEndingAfterTheFixedUseWindow_isAViolation() {
    Validity use = Validity.fixed(T, T.plus(Duration.ofDays(7)));
    assertThatThrownBy(() -> spec(use).claimWindow(T, T.plus(Duration.ofDays(8))).build())
        .isInstanceOfSatisfying(CouponException.class,
            e -> assertThat(e.violations()).extracting(Violation::field).contains("claimWindow.until"));
    assertThat(spec(use).claimWindow(T, T.plus(Duration.ofDays(7))).build().claimWindow().until())
        .isEqualTo(T.plus(Duration.ofDays(7)));
  }

  @Test
  void claimWindow_setTwiceOrWithNulls_isRefused() {
    assertThatThrownBy(() -> spec(Validity.rolling(Duration.ofDays(1))).claimWindow(T, T.plusSeconds(1))
        .claimWindow(T, T.plusSeconds(2))).isInstanceOf(CouponException.class).hasMessageContaining("claimWindow");
    assertThatThrownBy(() -> spec(Validity.rolling(Duration.ofDays(1))).claimWindow(null, T))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void json_roundTripKeepsTheWindow_andOldJsonHasNone() {
    TemplateSpec s = spec(Validity.rolling(Duration.ofDays(1))).claimWindow(T, T.plusSeconds(60)).build();
    assertThat(TemplateSpec.fromJson(s.toJson())).isEqualTo(s);
    TemplateSpec none = spec(Validity.rolling(Duration.ofDays(1))).build();
    String old = none.toJson().replace(",\"claimWindow\":null", "");
    assertThat(TemplateSpec.fromJson(old).claimWindow()).isNull();
  }

  @Test
  void isOpenAt_fromInclusiveUntilExclusive() {
    ClaimWindow w = new ClaimWindow(T, T.plusSeconds(10));
    assertThat(w.isOpenAt(T.minusNanos(1))).isFalse();
    assertThat(w.isOpenAt(T)).isTrue();
    assertThat(w.isOpenAt(T.plusSeconds(10))).isFalse();
  }
}
