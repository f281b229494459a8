package io.couponengine.settlement;

import static io.couponengine.settlement.Fixtures.NOW;
import static io.couponengine.settlement.Fixtures.byId;
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
            List.of()));
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
