package io.couponengine.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.error.Violation;
import io.couponengine.testing.Specs;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TemplateSpecTest {

  @Test
  void build_reportsEveryViolationAtOnce() {
    CouponException e = catchInvalid(() -> TemplateSpec.builder()
        .name(" ")
        .category(CouponCategory.THRESHOLD)
        .totalCount(0)
        .perUserLimit(0)
        .validity(Validity.rolling(Duration.ofSeconds(5)))
        .discount(Discount.threshold(new BigDecimal("10.001"), new BigDecimal("-1")))
        .codePrefix("O0")
        .build());
    assertThat(e.violations()).extracting(Violation::field).containsExactlyInAnyOrder(
        "name", "productLine", "totalCount", "perUserLimit", "validity.duration", "discount.threshold",
        "discount.amount", "codePrefix");
    assertThat(e.getMessage()).contains("name must not be blank", "totalCount must be between");
  }

  @Test
  void build_rejectsDiscountOfWrongKindForCategory() {
    CouponException e = catchInvalid(() -> bare().category(CouponCategory.DISCOUNT)
        .validity(Validity.rolling(Duration.ofDays(7))).discount(Discount.amountOff(new BigDecimal("5"))).build());
    assertThat(e.violations()).extracting(Violation::field).containsExactly("discount.kind");
  }

  @Test
  void build_rejectsPercentOutOfRangeAndAmountAboveThreshold() {
    assertThat(catchInvalid(() -> bare().category(CouponCategory.DISCOUNT)
        .validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.percentOff(new BigDecimal("100.01"))).build()).violations())
        .extracting(Violation::field).containsExactly("discount.percent");
    assertThat(catchInvalid(() -> bare().category(CouponCategory.THRESHOLD)
        .validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.threshold(new BigDecimal("10"), new BigDecimal("20"))).build()).violations())
        .extracting(Violation::field).containsExactly("discount.amount");
  }

  @Test
  void build_rejectsFixedWindowEndingBeforeItStarts() {
    Instant t = Instant.parse("2026-12-01T00:00:00Z");
    assertThat(catchInvalid(() -> withoutValidity().validity(Validity.fixed(t, t)).build()).violations())
        .extracting(Violation::field).containsExactly("validity.to");
    assertThat(catchInvalid(() -> withoutValidity().validity(Validity.fixed(null, null)).build()).violations())
        .extracting(Violation::field).containsExactly("validity.from", "validity.to");
  }

  @Test
  void build_rejectsNullsAndOversizedStrings() {
    CouponException e = catchInvalid(() -> TemplateSpec.builder().name("x".repeat(101))
        .description("d".repeat(1001)).operatorId("o".repeat(65)).build());
    assertThat(e.violations()).extracting(Violation::field).contains("name", "description", "operatorId",
        "category", "productLine", "validity", "discount");
  }

  @Test
  void defaults_areDocumented() {
    TemplateSpec s = TemplateSpec.builder().name("n").category(CouponCategory.DIRECT).productLine("p")
        .totalCount(1).validity(Validity.rolling(Duration.ofDays(1)))
        .discount(Discount.amountOff(BigDecimal.ONE)).build();
    assertThat(s.perUserLimit()).isEqualTo(1);
    assertThat(s.scope()).isEqualTo(Scope.all());
    assertThat(s.stacking()).isEqualTo(Stacking.none());
    assertThat(s.effectiveCodePrefix()).isEqualTo("DR");
    assertThat(s.shards()).isEqualTo(1);
  }

  @Test
  void shards_roundTripThroughJson_andMissingMeansOne() {
    TemplateSpec spec = base().shards(TemplateSpec.MAX_SHARDS).build();
    assertThat(spec.shards()).isEqualTo(64);
    assertThat(spec.toJson()).contains("\"shards\":64");
    assertThat(TemplateSpec.fromJson(spec.toJson())).isEqualTo(spec);
    String old = base().build().toJson().replace(",\"shards\":1", "");
    assertThat(old).doesNotContain("shards");
    assertThat(TemplateSpec.fromJson(old).shards()).isEqualTo(1);
  }

  @Test
  void shards_outOfRange_isASpecificViolation() {
    for (int bad : new int[] {0, -1, 65, Integer.MAX_VALUE}) {
      CouponException e = catchInvalid(() -> base().shards(bad).build());
      assertThat(e.violations()).containsExactly(new Violation("shards", "must be between 1 and 64"));
    }
    assertThat(base().shards(3).build().shards()).isEqualTo(3);
    String json = base().build().toJson().replace("\"shards\":1", "\"shards\":0");
    assertThat(catchInvalid(() -> TemplateSpec.fromJson(json)).violations()).extracting(Violation::field)
        .containsExactly("shards");
  }

  @Test
  void shards_aboveOne_onlyForAGeneratedClaimPool() {
    assertThat(catchInvalid(() -> base().shards(2).distribution(Distribution.CODE_ENTRY).build()).violations())
        .extracting(Violation::field).containsExactly("shards");
    assertThat(catchInvalid(() -> base().shards(2).sharedCode("SUMMER20").build()).violations())
        .extracting(Violation::field).containsExactly("shards");
    CouponException e = catchInvalid(() -> TemplateSpec.builder().name("n").productLine("p")
        .category(CouponCategory.THRESHOLD).validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")))
        .externalCodes(CodeRules.of("ABCDEFGHJK", 4, 12)).shards(2).build());
    assertThat(e.violations()).extracting(Violation::message)
        .containsExactly("must be 1 for external (imported) codes");
    // one pool: every distribution as before
    assertThat(base().shards(1).distribution(Distribution.CODE_ENTRY).build().shards()).isEqualTo(1);
  }

  @Test
  void shards_setTwice_isRefused() {
    assertThatThrownBy(() -> base().shards(2).shards(3))
        .isInstanceOf(CouponException.class)
        .extracting(x -> ((CouponException) x).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void json_roundTrips() {
    TemplateSpec spec = base().description("spring").operatorId("op-7").codePrefix("SP")
        .scope(Scope.goodsTypes("digital").withRegions("sh"))
        .stacking(Stacking.withCategories(CouponCategory.DISCOUNT).andTemplates("ABCDEF"))
        .build();
    String json = spec.toJson();
    assertThat(json).contains("\"amount\":20.00").doesNotContain("E+");
    assertThat(TemplateSpec.fromJson(json)).isEqualTo(spec);
    TemplateSpec fixed = Specs.fixed(10, 1, Instant.parse("2026-12-01T00:00:00Z"),
        Instant.parse("2026-12-31T00:00:00Z"));
    assertThat(TemplateSpec.fromJson(fixed.toJson())).isEqualTo(fixed);
  }

  @Test
  void fromJson_validates() {
    String json = base().build().toJson().replace("\"totalCount\":100", "\"totalCount\":-5");
    assertThat(catchInvalid(() -> TemplateSpec.fromJson(json)).violations())
        .extracting(Violation::field).containsExactly("totalCount");
    assertThatThrownBy(() -> TemplateSpec.fromJson("{not json"))
        .isInstanceOf(CouponException.class)
        .extracting(x -> ((CouponException) x).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }

  private static TemplateSpec.Builder base() {
    return withoutValidity().validity(Validity.rolling(Duration.ofDays(7)));
  }

  /** Each setter may be called once: the tests that vary the validity start here. */
  private static TemplateSpec.Builder withoutValidity() {
    return bare().category(CouponCategory.THRESHOLD)
        .discount(Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")));
  }

  /** Name, product line and counts only: the tests that vary category and discount start here. */
  private static TemplateSpec.Builder bare() {
    return TemplateSpec.builder().name("20 off 100").productLine("mall").totalCount(100).perUserLimit(2);
  }

  private static CouponException catchInvalid(Runnable r) {
    try {
      r.run();
    } catch (CouponException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TEMPLATE);
      return e;
    }
    throw new AssertionError("expected INVALID_TEMPLATE");
  }
}
