package io.couponengine.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.error.Violation;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** Minimum subtotal and quantity on a template, a cap on a percentage, and percent 100 (issue #10, item 7). */
class MinimumsAndCapTest {

  @Test
  void minimums_defaultToNone_andAreKept() {
    TemplateSpec none = direct().build();
    assertThat(none.minimumSubtotal()).isNull();
    assertThat(none.minimumQuantity()).isZero();

    TemplateSpec some = direct().minimumSubtotal(new BigDecimal("50.00")).minimumQuantity(3).build();
    assertThat(some.minimumSubtotal()).isEqualByComparingTo("50.00");
    assertThat(some.minimumQuantity()).isEqualTo(3);
    assertThat(direct().minimumSubtotal(BigDecimal.ZERO).minimumQuantity(0).build().minimumQuantity()).isZero();
    assertThat(direct().minimumSubtotal(new BigDecimal("100000000")).minimumQuantity(1_000_000).build()
        .minimumQuantity()).isEqualTo(TemplateSpec.MAX_MINIMUM_QUANTITY);
  }

  @Test
  void minimums_settersOnce() {
    assertField(ErrorCode.INVALID_ARGUMENT, "minimumSubtotal",
        () -> TemplateSpec.builder().minimumSubtotal(BigDecimal.ONE).minimumSubtotal(BigDecimal.TEN));
    assertField(ErrorCode.INVALID_ARGUMENT, "minimumQuantity",
        () -> TemplateSpec.builder().minimumQuantity(1).minimumQuantity(2));
  }

  @Test
  void minimums_badValues_reportedWithTheSpec() {
    for (String bad : new String[] {"-0.01", "1.001", "100000000.01"}) {
      assertField(ErrorCode.INVALID_TEMPLATE, "minimumSubtotal",
          () -> direct().minimumSubtotal(new BigDecimal(bad)).build());
    }
    for (int bad : new int[] {-1, 1_000_001, Integer.MIN_VALUE}) {
      assertField(ErrorCode.INVALID_TEMPLATE, "minimumQuantity", () -> direct().minimumQuantity(bad).build());
    }
    CouponException both = catchThrowable(() -> direct().minimumSubtotal(new BigDecimal("-1")).minimumQuantity(-1)
        .build());
    assertThat(both.violations()).extracting(Violation::field)
        .containsExactlyInAnyOrder("minimumSubtotal", "minimumQuantity");
  }

  @Test
  @Timeout(5)
  void minimumSubtotal_hugeNumber_refusedAtOnce() {
    assertField(ErrorCode.INVALID_ARGUMENT, "minimumSubtotal",
        () -> direct().minimumSubtotal(new BigDecimal("1E+100000000")).build());
    assertField(ErrorCode.INVALID_ARGUMENT, "minimumSubtotal",
        () -> direct().minimumSubtotal(new BigDecimal("1E-100000000")).build());
  }

  @Test
  void capped_onPercentOnly() {
    Discount d = Discount.percentOff(new BigDecimal("10")).capped(new BigDecimal("30.00"));
    assertThat(d.kind()).isEqualTo(Discount.Kind.PERCENT_OFF);
    assertThat(d.percent()).isEqualByComparingTo("10");
    assertThat(d.cap()).isEqualByComparingTo("30.00");
    assertThat(Discount.percentOff(BigDecimal.TEN).cap()).isNull();
    assertThat(d.capped(new BigDecimal("40")).cap()).as("replaces the cap").isEqualByComparingTo("40");
    assertThat(discount(d).build().discount()).isEqualTo(d);

    assertField(ErrorCode.INVALID_ARGUMENT, "cap", () -> Discount.amountOff(BigDecimal.TEN).capped(BigDecimal.ONE));
    assertField(ErrorCode.INVALID_ARGUMENT, "cap",
        () -> Discount.threshold(BigDecimal.TEN, BigDecimal.ONE).capped(BigDecimal.ONE));
    assertField(ErrorCode.INVALID_ARGUMENT, "cap", () -> Discount.percentOff(BigDecimal.TEN).capped(null));
    assertField(ErrorCode.INVALID_ARGUMENT, "cap",
        () -> Discount.percentOff(BigDecimal.TEN).capped(new BigDecimal("1E+100000000")));
  }

  @Test
  void cap_badValues_reportedWithTheSpec() {
    for (String bad : new String[] {"0", "-1", "0.001", "100000000.01"}) {
      assertField(ErrorCode.INVALID_TEMPLATE, "discount.cap",
          () -> discount(Discount.percentOff(BigDecimal.TEN).capped(new BigDecimal(bad))).build());
    }
    // a cap on another kind, through the constructor (or JSON), is a violation of the spec
    assertField(ErrorCode.INVALID_TEMPLATE, "discount.cap", () -> direct(new Discount(Discount.Kind.AMOUNT_OFF, null,
        BigDecimal.ONE, null, BigDecimal.ONE)).build());
    assertField(ErrorCode.INVALID_TEMPLATE, "discount.cap", () -> TemplateSpec.builder().name("n")
        .category(CouponCategory.THRESHOLD).productLine("mall").totalCount(10)
        .validity(Validity.rolling(Duration.ofDays(1)))
        .discount(new Discount(Discount.Kind.THRESHOLD, BigDecimal.TEN, BigDecimal.ONE, null, BigDecimal.ONE))
        .build());
  }

  @Test
  void percent_upToAndIncluding100() {
    assertThat(discount(Discount.percentOff(new BigDecimal("100"))).build().discount().percent())
        .isEqualByComparingTo("100");
    assertThat(discount(Discount.percentOff(new BigDecimal("99.99"))).build()).isNotNull();
    for (String bad : new String[] {"0", "-1", "100.01", "101"}) {
      assertField(ErrorCode.INVALID_TEMPLATE, "discount.percent",
          () -> discount(Discount.percentOff(new BigDecimal(bad))).build());
    }
  }

  @Test
  void json_roundTripsTheNewFields() {
    TemplateSpec spec = discount(Discount.percentOff(new BigDecimal("12.5")).capped(new BigDecimal("30.00")))
        .minimumSubtotal(new BigDecimal("99.90")).minimumQuantity(2).build();
    String json = spec.toJson();
    assertThat(json).contains("\"cap\":30.00", "\"minimumSubtotal\":99.90", "\"minimumQuantity\":2");
    assertThat(TemplateSpec.fromJson(json)).isEqualTo(spec);
  }

  @Test
  void json_withoutTheNewFields_stillReads() {
    TemplateSpec spec = discount(Discount.percentOff(BigDecimal.TEN)).build();
    String json = spec.toJson();
    String old = json.replace(",\"cap\":null", "").replace(",\"minimumSubtotal\":null", "")
        .replace(",\"minimumQuantity\":0", "");
    assertThat(old).doesNotContain("cap", "minimum");
    TemplateSpec read = TemplateSpec.fromJson(old);
    assertThat(read).isEqualTo(spec);
    assertThat(read.minimumSubtotal()).isNull();
    assertThat(read.minimumQuantity()).isZero();
    assertThat(read.discount().cap()).isNull();
  }

  @Test
  void json_badNewFields_refused() {
    String json = discount(Discount.percentOff(BigDecimal.TEN).capped(BigDecimal.TEN))
        .minimumSubtotal(BigDecimal.ONE).minimumQuantity(2).build().toJson();
    assertField(ErrorCode.INVALID_TEMPLATE, "minimumQuantity",
        () -> TemplateSpec.fromJson(json.replace("\"minimumQuantity\":2", "\"minimumQuantity\":-2")));
    assertField(ErrorCode.INVALID_ARGUMENT, "json",
        () -> TemplateSpec.fromJson(json.replace("\"minimumQuantity\":2", "\"minimumQuantity\":2.5")));
    assertField(ErrorCode.INVALID_ARGUMENT, "json",
        () -> TemplateSpec.fromJson(json.replace("\"minimumQuantity\":2", "\"minimumQuantity\":\"2\"")));
    assertField(ErrorCode.INVALID_TEMPLATE, "minimumSubtotal",
        () -> TemplateSpec.fromJson(json.replace("\"minimumSubtotal\":1", "\"minimumSubtotal\":-1")));
    assertField(ErrorCode.INVALID_ARGUMENT, "minimumSubtotal",
        () -> TemplateSpec.fromJson(json.replace("\"minimumSubtotal\":1", "\"minimumSubtotal\":1E+100000000")));
    assertField(ErrorCode.INVALID_TEMPLATE, "discount.cap",
        () -> TemplateSpec.fromJson(json.replace("\"cap\":10", "\"cap\":0.001")));
    assertField(ErrorCode.INVALID_ARGUMENT, "json",
        () -> TemplateSpec.fromJson(json.replace("\"minimumQuantity\"", "\"minimumQty\"")));
    assertField(ErrorCode.INVALID_ARGUMENT, "json",
        () -> TemplateSpec.fromJson(json.replace("\"cap\"", "\"maximum\"")));
  }

  private static TemplateSpec.Builder direct() {
    return direct(Discount.amountOff(new BigDecimal("5.00")));
  }

  private static TemplateSpec.Builder direct(Discount d) {
    return TemplateSpec.builder().name("n").category(CouponCategory.DIRECT).productLine("mall").totalCount(10)
        .validity(Validity.rolling(Duration.ofDays(1))).discount(d);
  }

  private static TemplateSpec.Builder discount(Discount d) {
    return TemplateSpec.builder().name("n").category(CouponCategory.DISCOUNT).productLine("mall").totalCount(10)
        .validity(Validity.rolling(Duration.ofDays(1))).discount(d);
  }

  private static CouponException catchThrowable(Executable call) {
    try {
      call.execute();
    } catch (CouponException e) {
      return e;
    } catch (Throwable t) {
      throw new AssertionError("expected CouponException but got " + t, t);
    }
    throw new AssertionError("expected CouponException");
  }

  private static void assertField(ErrorCode code, String field, Executable call) {
    CouponException e = catchThrowable(call);
    assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
    assertThat(e.violations()).as(e.getMessage()).extracting(Violation::field).contains(field);
  }
}
