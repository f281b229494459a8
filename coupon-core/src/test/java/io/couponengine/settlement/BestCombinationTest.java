package io.couponengine.settlement;

import static io.couponengine.settlement.Fixtures.NOW;
import static io.couponengine.settlement.Fixtures.USER;
import static io.couponengine.settlement.Fixtures.byId;
import static io.couponengine.settlement.Fixtures.cart;
import static io.couponengine.settlement.Fixtures.coupon;
import static io.couponengine.settlement.Fixtures.direct;
import static io.couponengine.settlement.Fixtures.discount;
import static io.couponengine.settlement.Fixtures.line;
import static io.couponengine.settlement.Fixtures.stackAll;
import static io.couponengine.settlement.Fixtures.threshold;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.error.CouponException;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Scope;
import io.couponengine.template.Stacking;
import io.couponengine.template.Template;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BestCombinationTest {
  private final BestCombination best = BestCombination.ofDefaults();
  private final Cart cart = cart(line("A", "digital", "100.00"), line("B", "books", "50.00"));

  @Test
  void find_prefersStackedPair() {
    Template th = threshold("100.00", "20.00", Scope.all(), stackAll());
    Template dc = discount("10", Scope.all(), stackAll());
    Template dr = direct("25.00", Scope.all(), stackAll());
    BestCombinationResult r = best.find(cart, List.of(coupon(dr), coupon(th), coupon(dc)), byId(th, dc, dr), NOW);
    // threshold+direct+discount: 150 - 20 = 130, - 25 = 105, - 10.50 = 94.50 (threshold+discount alone: 117;
    // direct alone: 125)
    assertThat(r.result().finalPrice()).isEqualByComparingTo("94.50");
    assertThat(r.coupons()).extracting(Coupon::templateId).containsExactly(th.id(), dr.id(), dc.id());
  }

  @Test
  void find_nonStackablePair_bestSingle() {
    Template th = threshold("100.00", "20.00", Scope.all(), Stacking.none());
    Template dc = discount("10", Scope.all(), stackAll());
    BestCombinationResult r = best.find(cart, List.of(coupon(th), coupon(dc)), byId(th, dc), NOW);
    assertThat(r.result().finalPrice()).isEqualByComparingTo("130.00");
    assertThat(r.coupons()).extracting(Coupon::templateId).containsExactly(th.id());
  }

  @Test
  void find_nothingApplies_emptyCombination() {
    Template th = threshold("500.00", "20.00", Scope.all(), stackAll());
    Coupon reserved = coupon(direct("5.00", Scope.all(), stackAll()), USER, CouponStatus.RESERVED,
        NOW.plusSeconds(60));
    BestCombinationResult r = best.find(cart, List.of(coupon(th), reserved), byId(th), NOW);
    assertThat(r.coupons()).isEmpty();
    assertThat(r.result().finalPrice()).isEqualByComparingTo("150.00");
    assertThat(r.result().rejected()).isEmpty();
  }

  @Test
  void find_tiedPrice_fewerCoupons() {
    // both bring the price to the floor; alone the direct coupon already does
    Template dr = direct("200.00", Scope.all(), stackAll());
    Template dc = discount("10", Scope.all(), stackAll());
    Cart small = cart(line("A", "x", "10.00"));
    Template th = threshold("10.00", "10.00", Scope.all(), stackAll());
    BestCombinationResult r = best.find(small, List.of(coupon(th), coupon(dc), coupon(dr)), byId(th, dc, dr), NOW);
    assertThat(r.result().finalPrice()).isEqualByComparingTo("0.01");
    assertThat(r.coupons()).hasSize(1);
  }

  @Test
  void find_tiedPriceAndCount_earlierExpiry() {
    Template a = direct("5.00", Scope.all(), stackAll());
    Template b = direct("5.00", Scope.all(), stackAll());
    Coupon late = coupon(a, USER, CouponStatus.USABLE, NOW.plus(Duration.ofDays(5)));
    Coupon early = coupon(b, USER, CouponStatus.USABLE, NOW.plus(Duration.ofDays(1)));
    BestCombinationResult r = best.find(cart, List.of(late, early), byId(a, b), NOW);
    assertThat(r.coupons()).containsExactly(early);
  }

  @Test
  void find_sameTemplateTwice_usesTheOneExpiringFirst() {
    Template a = direct("5.00", Scope.all(), stackAll());
    Coupon late = coupon(a, USER, CouponStatus.USABLE, NOW.plus(Duration.ofDays(5)));
    Coupon early = coupon(a, USER, CouponStatus.USABLE, NOW.plus(Duration.ofDays(1)));
    BestCombinationResult r = best.find(cart, List.of(late, early), byId(a), NOW);
    assertThat(r.coupons()).containsExactly(early);
  }

  @Test
  void find_twentyCoupons_exactAndFast() {
    List<Template> templates = new ArrayList<>();
    List<Coupon> coupons = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Template t = switch (i % 3) {
        case 0 -> threshold((100 + i) + ".00", (10 + i) + ".00", Scope.all(), stackAll());
        case 1 -> discount(String.valueOf(5 + i), i % 2 == 0 ? Scope.goodsTypes("books") : Scope.all(),
            Stacking.withCategories(CouponCategory.THRESHOLD));
        default -> direct((15 + i) + ".00", Scope.all(), Stacking.none());
      };
      templates.add(t);
      coupons.add(coupon(t));
    }
    Map<String, Template> byId = byId(templates);
    BestCombinationResult r = best.find(cart, coupons, byId, NOW);
    // best: threshold 118/28 (150 >= 118) then discount 24% on 122 = 29.28 -> 92.72
    assertThat(r.result().finalPrice()).isEqualByComparingTo("92.72");
    assertThat(r.coupons()).hasSize(2);
  }

  @Test
  void find_malformedInput_invalidArgument() {
    Template a = direct("5.00", Scope.all(), stackAll());
    Coupon c = coupon(a);
    assertThrows(CouponException.class, () -> best.find(null, List.of(), Map.of(), NOW));
    assertThrows(CouponException.class, () -> best.find(cart, List.of(c, c), byId(a), NOW));
    assertThrows(CouponException.class, () -> best.find(cart, List.of(), Map.of(), null));
  }
}
