package io.couponengine.settlement;

import static io.couponengine.settlement.Fixtures.NOW;
import static io.couponengine.settlement.Fixtures.byId;
import static io.couponengine.settlement.Fixtures.cappedDiscount;
import static io.couponengine.settlement.Fixtures.cart;
import static io.couponengine.settlement.Fixtures.coupon;
import static io.couponengine.settlement.Fixtures.direct;
import static io.couponengine.settlement.Fixtures.discount;
import static io.couponengine.settlement.Fixtures.line;
import static io.couponengine.settlement.Fixtures.money;
import static io.couponengine.settlement.Fixtures.stackAll;
import static io.couponengine.settlement.Fixtures.threshold;
import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.coupon.Coupon;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.Stacking;
import io.couponengine.template.Template;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests of the built-in executors with hand-computed prices. */
class BuiltInExecutorsTest {
  private static final Scope ALL = Scope.all();
  private static final Scope DIGITAL = Scope.goodsTypes("digital");
  private static final Scope BOOKS = Scope.goodsTypes("books");
  private static final Stacking ANY = stackAll();

  /** One row: a cart, templates (one coupon each), the policy, then the expected final price and allocations. */
  record Row(String name, Cart cart, List<Template> templates, SettlementPolicy policy, String finalPrice,
             List<Map<String, String>> allocations, List<RejectionReason> rejected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> rows() {
    SettlementPolicy dflt = SettlementPolicy.defaults();
    return Stream.of(
        row("threshold exactly met", cart(line("A", "digital", "60.00"), line("B", "digital", "40.00")),
            List.of(threshold("100.00", "20.00", ALL, ANY)), dflt, "80.00",
            List.of(alloc("A", "12.00", "B", "8.00")), List.of()),
        row("threshold missed by 0.01", cart(line("A", "digital", "60.00"), line("B", "digital", "39.99")),
            List.of(threshold("100.00", "20.00", ALL, ANY)), dflt, "99.99",
            List.of(), List.of(RejectionReason.THRESHOLD_NOT_MET)),
        row("threshold counts only in-scope lines",
            cart(line("A", "digital", "90.00"), line("C", "books", "50.00")),
            List.of(threshold("100.00", "20.00", DIGITAL, ANY)), dflt, "140.00",
            List.of(), List.of(RejectionReason.THRESHOLD_NOT_MET)),
        row("threshold on in-scope line only", cart(line("A", "digital", "100.00"), line("C", "books", "50.00")),
            List.of(threshold("100.00", "20.00", DIGITAL, ANY)), dflt, "130.00",
            List.of(alloc("A", "20.00")), List.of()),
        row("threshold with quantity", cart(line("A", "digital", "25.00", 4)),
            List.of(threshold("100.00", "20.00", ALL, ANY)), dflt, "80.00",
            List.of(alloc("A", "20.00")), List.of()),
        row("percent rounds 4.9995 up", cart(line("A", "digital", "33.33")),
            List.of(discount("15", ALL, ANY)), dflt, "28.33", List.of(alloc("A", "5.00")), List.of()),
        row("percent half-up cents", cart(line("A", "digital", "10.05")),
            List.of(discount("10", ALL, ANY)), dflt, "9.04", List.of(alloc("A", "1.01")), List.of()),
        row("percent half-even cents", cart(line("A", "digital", "10.05")),
            List.of(discount("10", ALL, ANY)), dflt.withRoundingMode(RoundingMode.HALF_EVEN), "9.05",
            List.of(alloc("A", "1.00")), List.of()),
        row("percent split, last line takes the remainder",
            cart(line("A", "digital", "3.33"), line("B", "digital", "3.33"), line("C", "digital", "3.34")),
            List.of(discount("10", ALL, ANY)), dflt, "9.00",
            List.of(alloc("A", "0.33", "B", "0.33", "C", "0.34")), List.of()),
        row("percent with fractional percent", cart(line("A", "digital", "19.99")),
            List.of(discount("12.5", ALL, ANY)), dflt, "17.49", List.of(alloc("A", "2.50")), List.of()),
        row("direct split 2:1", cart(line("A", "digital", "20.00"), line("B", "digital", "10.00")),
            List.of(direct("10.00", ALL, ANY)), dflt, "20.00", List.of(alloc("A", "6.67", "B", "3.33")), List.of()),
        row("direct split in thirds",
            cart(line("A", "digital", "10.00"), line("B", "digital", "10.00"), line("C", "digital", "10.00")),
            List.of(direct("10.00", ALL, ANY)), dflt, "20.00",
            List.of(alloc("A", "3.33", "B", "3.33", "C", "3.34")), List.of()),
        row("direct capped at in-scope subtotal",
            cart(line("A", "digital", "30.00"), line("B", "books", "20.00")),
            List.of(direct("50.00", DIGITAL, ANY)), dflt, "20.00", List.of(alloc("A", "30.00")), List.of()),
        row("direct hits the floor", cart(line("A", "digital", "30.00")),
            List.of(direct("50.00", ALL, ANY)), dflt, "0.01", List.of(alloc("A", "29.99")), List.of()),
        row("direct with zero floor", cart(line("A", "digital", "30.00")),
            List.of(direct("50.00", ALL, ANY)), dflt.withPriceFloor(BigDecimal.ZERO), "0.00",
            List.of(alloc("A", "30.00")), List.of()),
        row("floor taken from the last line backwards",
            cart(line("A", "digital", "20.00"), line("B", "digital", "10.00")),
            List.of(direct("40.00", ALL, ANY)), dflt.withPriceFloor(money("1.00")), "1.00",
            List.of(alloc("A", "20.00", "B", "9.00")), List.of()),
        row("direct out of scope", cart(line("A", "digital", "30.00")),
            List.of(direct("5.00", BOOKS, ANY)), dflt, "30.00", List.of(), List.of(RejectionReason.OUT_OF_SCOPE)),
        row("threshold then discount on all goods",
            cart(line("A", "digital", "100.00"), line("B", "books", "50.00")),
            List.of(threshold("100.00", "20.00", DIGITAL, ANY), discount("10", ALL, ANY)), dflt, "117.00",
            List.of(alloc("A", "20.00"), alloc("A", "8.00", "B", "5.00")), List.of()),
        row("threshold then discount on other goods",
            cart(line("A", "digital", "100.00"), line("B", "books", "50.00")),
            List.of(threshold("100.00", "20.00", DIGITAL, ANY), discount("10", BOOKS, ANY)), dflt, "125.00",
            List.of(alloc("A", "20.00"), alloc("B", "5.00")), List.of()),
        row("threshold then discount, discount given first",
            cart(line("A", "digital", "100.00")),
            List.of(discount("10", ALL, ANY), threshold("100.00", "20.00", ALL, ANY)), dflt, "72.00",
            List.of(alloc("A", "20.00"), alloc("A", "8.00")), List.of()),
        row("floor reduces the last coupon (the discount)", cart(line("A", "digital", "100.00")),
            List.of(threshold("100.00", "99.99", ALL, ANY), discount("99", ALL, ANY)), dflt, "0.01",
            List.of(alloc("A", "99.99"), alloc("A", "0.00")), List.of()),
        row("floor reaches back to the threshold coupon", cart(line("A", "digital", "100.00")),
            List.of(threshold("100.00", "100.00", ALL, ANY), discount("50", ALL, ANY)), dflt, "0.01",
            List.of(alloc("A", "99.99"), alloc("A", "0.00")), List.of()),
        row("cart below the floor gets no discount", cart(line("A", "digital", "0.00")),
            List.of(direct("5.00", ALL, ANY)), dflt, "0.00", List.of(alloc("A", "0.00")), List.of()),
        row("scale 4 keeps sub-cent amounts", cart(line("A", "digital", "10.05")),
            List.of(discount("10", ALL, ANY)), dflt.withScale(4), "9.0450", List.of(alloc("A", "1.0050")),
            List.of()),
        // threshold+direct: 20 off A (A 100 -> 80), then 10 over A 80 : B 50 -> 6.15 (6.1538..) + 3.85 = 120.00
        row("threshold then direct", cart(line("A", "digital", "100.00"), line("B", "books", "50.00")),
            List.of(direct("10.00", ALL, ANY), threshold("100.00", "20.00", DIGITAL, ANY)), dflt, "120.00",
            List.of(alloc("A", "20.00"), alloc("A", "6.15", "B", "3.85")), List.of()),
        // direct+discount: 30 off B (B 50 -> 20), then 10% of A 100 + B 20 = 12.00 -> 10.00 + 2.00 = 108.00
        // (the percentage first would give 105.00: the order favours the shop, as threshold+discount does)
        row("direct then discount, discount given first",
            cart(line("A", "digital", "100.00"), line("B", "books", "50.00")),
            List.of(discount("10", ALL, ANY), direct("30.00", BOOKS, ANY)), dflt, "108.00",
            List.of(alloc("B", "30.00"), alloc("A", "10.00", "B", "2.00")), List.of()),
        // threshold+direct+discount: 20 off A (80); 10 over A 80 : B 50 -> 6.15 + 3.85 (A 73.85, B 46.15);
        // 10% of 120.00 = 12.00 -> A 7.385 -> 7.39, B 4.61; 150 - 20 - 10 - 12 = 108.00
        row("threshold then direct then discount",
            cart(line("A", "digital", "100.00"), line("B", "books", "50.00")),
            List.of(discount("10", ALL, ANY), direct("10.00", ALL, ANY), threshold("100.00", "20.00", DIGITAL, ANY)),
            dflt, "108.00",
            List.of(alloc("A", "20.00"), alloc("A", "6.15", "B", "3.85"), alloc("A", "7.39", "B", "4.61")),
            List.of()),
        // all on one line: 100 - 20 = 80, - 5 = 75, 10% = 7.50 -> 67.50 (the example of BuiltInExecutors)
        row("threshold then direct then discount, one line", cart(line("A", "digital", "100.00")),
            List.of(threshold("100.00", "20.00", ALL, ANY), direct("5.00", ALL, ANY), discount("10", ALL, ANY)),
            dflt, "67.50", List.of(alloc("A", "20.00"), alloc("A", "5.00"), alloc("A", "7.50")), List.of()),
        row("direct then discount, floor taken from the discount", cart(line("A", "digital", "50.00")),
            List.of(direct("10.00", ALL, ANY), discount("100", ALL, ANY)), dflt, "0.01",
            List.of(alloc("A", "10.00"), alloc("A", "39.99")), List.of()),
        row("cap binds: 10% of 500 is 50, at most 30", cart(line("A", "digital", "500.00")),
            List.of(cappedDiscount("10", "30.00", ALL, ANY)), dflt, "470.00", List.of(alloc("A", "30.00")), List.of()),
        row("cap does not bind: 10% of 200 is 20", cart(line("A", "digital", "200.00")),
            List.of(cappedDiscount("10", "30.00", ALL, ANY)), dflt, "180.00", List.of(alloc("A", "20.00")), List.of()),
        row("cap exactly reached", cart(line("A", "digital", "300.00")),
            List.of(cappedDiscount("10", "30.00", ALL, ANY)), dflt, "270.00", List.of(alloc("A", "30.00")), List.of()),
        // the cap applies to the percentage of what is left: 500 - 20 = 480, 10% = 48 -> 30
        row("cap inside threshold+discount", cart(line("A", "digital", "500.00")),
            List.of(threshold("100.00", "20.00", ALL, ANY), cappedDiscount("10", "30.00", ALL, ANY)), dflt, "450.00",
            List.of(alloc("A", "20.00"), alloc("A", "30.00")), List.of()),
        // 400 + 200: 20 off A, 10 over 380 : 200 -> 6.55 + 3.45, 25% of 570 = 142.50 -> 40.00 over 373.45 : 196.55
        row("cap inside threshold+direct+discount, split over lines",
            cart(line("A", "digital", "400.00"), line("B", "books", "200.00")),
            List.of(threshold("100.00", "20.00", DIGITAL, ANY), direct("10.00", ALL, ANY),
                cappedDiscount("25", "40.00", ALL, ANY)), dflt, "530.00",
            List.of(alloc("A", "20.00"), alloc("A", "6.55", "B", "3.45"), alloc("A", "26.21", "B", "13.79")),
            List.of()),
        row("100% off, the floor still applies", cart(line("A", "digital", "50.00")),
            List.of(discount("100", ALL, ANY)), dflt, "0.01", List.of(alloc("A", "49.99")), List.of()),
        row("100% off with a zero floor", cart(line("A", "digital", "50.00")),
            List.of(discount("100", ALL, ANY)), dflt.withPriceFloor(BigDecimal.ZERO), "0.00",
            List.of(alloc("A", "50.00")), List.of()),
        row("100% off in-scope goods only", cart(line("A", "digital", "50.00"), line("B", "books", "20.00")),
            List.of(discount("100", DIGITAL, ANY)), dflt, "20.00", List.of(alloc("A", "50.00")), List.of()),
        row("minimum subtotal counts in-scope lines only",
            cart(line("A", "digital", "90.00"), line("B", "books", "50.00")),
            List.of(Fixtures.template(CouponCategory.DIRECT, Discount.amountOff(money("5.00")), DIGITAL, ANY, "100.00",
                0)), dflt, "140.00", List.of(), List.of(RejectionReason.MINIMUM_NOT_MET)),
        row("minimum subtotal met exactly", cart(line("A", "digital", "100.00"), line("B", "books", "50.00")),
            List.of(Fixtures.template(CouponCategory.DIRECT, Discount.amountOff(money("5.00")), DIGITAL, ANY, "100.00",
                0)), dflt, "145.00", List.of(alloc("A", "5.00")), List.of()),
        row("minimum quantity counts in-scope items only",
            cart(line("A", "digital", "10.00", 2), line("B", "books", "10.00", 5)),
            List.of(Fixtures.template(CouponCategory.DIRECT, Discount.amountOff(money("5.00")), DIGITAL, ANY, null,
                3)), dflt, "70.00", List.of(), List.of(RejectionReason.MINIMUM_NOT_MET)),
        row("minimum quantity met", cart(line("A", "digital", "10.00", 3), line("B", "books", "10.00", 5)),
            List.of(Fixtures.template(CouponCategory.DIRECT, Discount.amountOff(money("5.00")), DIGITAL, ANY, null,
                3)), dflt, "75.00", List.of(alloc("A", "5.00")), List.of()),
        row("minimum on a percentage coupon", cart(line("A", "digital", "150.00")),
            List.of(Fixtures.template(CouponCategory.DISCOUNT, Discount.percentOff(money("10")), ALL, ANY, "200.00",
                0)), dflt, "150.00", List.of(), List.of(RejectionReason.MINIMUM_NOT_MET)),
        row("both minimums, one missed", cart(line("A", "digital", "300.00")),
            List.of(Fixtures.template(CouponCategory.DISCOUNT, Discount.percentOff(money("10")), ALL, ANY, "200.00",
                2)), dflt, "300.00", List.of(), List.of(RejectionReason.MINIMUM_NOT_MET)),
        // the minimum is judged on undiscounted prices: 150 reaches 150 although the threshold leaves 130 first
        row("minimum judged before the coupons before it", cart(line("A", "digital", "150.00")),
            List.of(threshold("100.00", "20.00", ALL, ANY), Fixtures.template(CouponCategory.DIRECT,
                Discount.amountOff(money("5.00")), ALL, ANY, "150.00", 0)), dflt, "125.00",
            List.of(alloc("A", "20.00"), alloc("A", "5.00")), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void settle_table(Row row) {
    List<Coupon> coupons = new ArrayList<>();
    row.templates().forEach(t -> coupons.add(coupon(t)));
    SettlementCalculator calculator = new SettlementCalculator(row.policy(), ExecutorRegistry.ofDefaults());

    SettlementResult r = calculator.settle(row.cart(), coupons, byId(row.templates()), NOW);

    assertThat(r.finalPrice()).isEqualByComparingTo(row.finalPrice());
    assertThat(r.finalPrice().scale()).isEqualTo(row.policy().scale());
    assertThat(r.originalTotal().subtract(r.totalDiscount())).isEqualByComparingTo(r.finalPrice());
    assertThat(r.rejected()).extracting(RejectedCoupon::reason).containsExactlyElementsOf(row.rejected());
    assertThat(r.applied()).hasSameSizeAs(row.allocations());
    for (int i = 0; i < row.allocations().size(); i++) {
      Map<String, BigDecimal> expected = new LinkedHashMap<>();
      row.allocations().get(i).forEach((k, v) -> expected.put(k, money(v)));
      assertThat(r.applied().get(i).allocations()).usingRecursiveComparison()
          .withComparatorForType(BigDecimal::compareTo, BigDecimal.class).isEqualTo(expected);
      assertThat(r.applied().get(i).allocations().keySet()).containsExactlyElementsOf(expected.keySet());
    }
  }

  private static Arguments row(String name, Cart cart, List<Template> templates, SettlementPolicy policy,
      String finalPrice, List<Map<String, String>> allocations, List<RejectionReason> rejected) {
    return Arguments.of(new Row(name, cart, templates, policy, finalPrice, allocations, rejected));
  }

  private static Map<String, String> alloc(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
