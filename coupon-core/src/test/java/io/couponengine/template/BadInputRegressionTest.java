package io.couponengine.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.error.Violation;
import io.couponengine.settlement.Cart;
import io.couponengine.settlement.CartLine;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** The bad inputs a tester found, each now refused with a {@link CouponException} naming the field. */
class BadInputRegressionTest {

  private static final String NBSP = "\u00a0\u00a0";

  @Test
  void noBreakSpaceOnlyIdsAndNamesAreRefused() {
    assertField(ErrorCode.INVALID_TEMPLATE, "name", () -> TemplateSpec.builder().name(NBSP)
        .category(CouponCategory.DIRECT).productLine("mall").totalCount(10)
        .validity(Validity.rolling(Duration.ofDays(1))).discount(Discount.amountOff(BigDecimal.ONE)).build());
    assertField(ErrorCode.INVALID_ARGUMENT, "goodsTypes[0]", () -> Scope.goodsTypes(NBSP));
    assertField(ErrorCode.INVALID_ARGUMENT, "regions[0]", () -> Scope.goodsTypes("books").withRegions(NBSP));
    assertField(ErrorCode.INVALID_ARGUMENT, "userId",
        () -> new Cart(NBSP, List.of(new CartLine("g", "books", null, BigDecimal.ONE, 1))));
    assertField(ErrorCode.INVALID_ARGUMENT, "goodsType", () -> new CartLine("g", NBSP, null, BigDecimal.ONE, 1));
    assertField(ErrorCode.INVALID_ARGUMENT, "goodsId", () -> new CartLine("\u200b", "b", null, BigDecimal.ONE, 1));
  }

  @Test
  void nullsThatUsedToBeNullPointerExceptions() {
    assertField(ErrorCode.INVALID_ARGUMENT, "goodsTypes[1]", () -> Scope.goodsTypes("books", null));
    assertField(ErrorCode.INVALID_ARGUMENT, "goodsTypes[1]",
        () -> new Scope(new LinkedHashSet<>(Arrays.asList("books", null)), null));
    assertField(ErrorCode.INVALID_ARGUMENT, "regions[0]", () -> Scope.all().withRegions((String) null));
    assertField(ErrorCode.INVALID_ARGUMENT, "templateIds[0]", () -> Stacking.withTemplates((String) null));
    assertField(ErrorCode.INVALID_ARGUMENT, "categories[0]", () -> Stacking.withCategories((CouponCategory) null));
    assertField(ErrorCode.INVALID_ARGUMENT, "kind", () -> new Discount(null, null, BigDecimal.ONE, null));
    assertField(ErrorCode.INVALID_ARGUMENT, "kind", () -> new Validity(null, null, null, Duration.ofDays(1)));
  }

  @Test
  void goodsTypesWithoutTypesIsRefused() {
    assertField(ErrorCode.INVALID_ARGUMENT, "goodsTypes", () -> Scope.goodsTypes(new String[0]));
    assertThat(Scope.all().isUnrestricted()).as("all goods is spelled Scope.all()").isTrue();
  }

  @Test
  void fromJsonIsStrict() {
    String good = spec().build().toJson();
    assertField(ErrorCode.INVALID_ARGUMENT, "json", () -> TemplateSpec.fromJson("null"));
    assertField(ErrorCode.INVALID_ARGUMENT, "json", () -> TemplateSpec.fromJson(good.replace("\"scope\"",
        "\"scopes\"")));
    assertField(ErrorCode.INVALID_ARGUMENT, "json",
        () -> TemplateSpec.fromJson(good.replace("\"perUserLimit\":1", "\"perUserLimit\":2.7")));
    assertThat(TemplateSpec.fromJson(good)).isEqualTo(spec().build());
  }

  @Test
  @Timeout(5)
  void hugeNumbersAreRefusedAtOnce() {
    BigDecimal huge = new BigDecimal("1E+100000000");
    assertField(ErrorCode.INVALID_ARGUMENT, "unitPrice", () -> new CartLine("g", "b", null, huge, 1));
    assertField(ErrorCode.INVALID_ARGUMENT, "unitPrice",
        () -> new CartLine("g", "b", null, new BigDecimal("1000000000000.00"), 1));
    assertThat(new CartLine("g", "b", null, new BigDecimal(CartLine.MAX_UNIT_PRICE), CartLine.MAX_QUANTITY)
        .lineTotal()).isEqualByComparingTo("999999999999990000.00");
    assertField(ErrorCode.INVALID_ARGUMENT, "amount", () -> Discount.amountOff(huge));
    assertField(ErrorCode.INVALID_ARGUMENT, "threshold", () -> Discount.threshold(huge, BigDecimal.ONE));
    assertField(ErrorCode.INVALID_ARGUMENT, "percent", () -> Discount.percentOff(new BigDecimal("1E-100000000")));
    assertField(ErrorCode.INVALID_ARGUMENT, "amount", () -> TemplateSpec.fromJson(spec().build().toJson()
        .replace("\"amount\":1", "\"amount\":1E+100000000")));
    // within the entry bound, the spec's own rule still reports the amount
    assertField(ErrorCode.INVALID_TEMPLATE, "discount.amount",
        () -> spec("amount").discount(Discount.amountOff(new BigDecimal("999999999999"))).build());
  }

  @Test
  void builderSettersOnce() {
    assertThatThrownBy(() -> TemplateSpec.builder().name("a").name("b"))
        .isInstanceOf(CouponException.class).hasMessage("name was already set to a");
    assertField(ErrorCode.INVALID_ARGUMENT, "totalCount", () -> TemplateSpec.builder().totalCount(1).totalCount(2));
  }

  @Test
  void stackingTemplateIdsMustBeWellFormed() {
    assertField(ErrorCode.INVALID_ARGUMENT, "templateIds[0]", () -> Stacking.withTemplates("not a template!"));
    assertField(ErrorCode.INVALID_ARGUMENT, "ids[0]", () -> Stacking.none().andTemplates("ABC"));
    assertThat(Stacking.withTemplates("K7PXQ2").templateIds()).containsExactly("K7PXQ2");
  }

  private static TemplateSpec.Builder spec() {
    return spec("");
  }

  /** A valid builder; {@code without} names a setter left for the test to call. */
  private static TemplateSpec.Builder spec(String without) {
    TemplateSpec.Builder b = TemplateSpec.builder().name("n").category(CouponCategory.DIRECT).productLine("mall")
        .totalCount(10).validity(Validity.rolling(Duration.ofDays(1)));
    return without.equals("amount") ? b : b.discount(Discount.amountOff(BigDecimal.ONE));
  }

  private static void assertField(ErrorCode code, String field, Executable call) {
    try {
      call.execute();
    } catch (CouponException e) {
      assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
      assertThat(e.violations()).extracting(Violation::field).contains(field);
      return;
    } catch (Throwable t) {
      throw new AssertionError("expected CouponException naming " + field + " but got " + t, t);
    }
    throw new AssertionError("expected CouponException naming " + field);
  }
}
