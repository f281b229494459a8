package io.couponengine.testing;

import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/** Template specs for tests. */
public final class Specs {
  private Specs() {}

  /**
   * A rolling 7-day threshold template.
   *
   * @param total codes
   * @param perUser per-user limit
   * @return the spec
   */
  public static TemplateSpec threshold(long total, int perUser) {
    return TemplateSpec.builder()
        .name("20 off 100")
        .category(CouponCategory.THRESHOLD)
        .productLine("mall")
        .totalCount(total)
        .perUserLimit(perUser)
        .validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")))
        .scope(Scope.goodsTypes("digital", "books"))
        .build();
  }

  /**
   * The threshold template of {@link #threshold} as a builder without a total, for specs that add distribution
   * settings (shared code, CODE_ENTRY, external codes).
   *
   * @param perUser per-user limit
   * @return the builder
   */
  public static TemplateSpec.Builder thresholdBuilder(int perUser) {
    return TemplateSpec.builder()
        .name("20 off 100")
        .category(CouponCategory.THRESHOLD)
        .productLine("mall")
        .perUserLimit(perUser)
        .validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")))
        .scope(Scope.goodsTypes("digital", "books"));
  }

  /**
   * A fixed-window direct template.
   *
   * @param total codes
   * @param perUser per-user limit
   * @param from window start
   * @param to window end
   * @return the spec
   */
  public static TemplateSpec fixed(long total, int perUser, Instant from, Instant to) {
    return TemplateSpec.builder()
        .name("5 off")
        .category(CouponCategory.DIRECT)
        .productLine("mall")
        .totalCount(total)
        .perUserLimit(perUser)
        .validity(Validity.fixed(from, to))
        .discount(Discount.amountOff(new BigDecimal("5.00")))
        .build();
  }
}
