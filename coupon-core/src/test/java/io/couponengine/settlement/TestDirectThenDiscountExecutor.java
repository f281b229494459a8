package io.couponengine.settlement;

import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A test-only {@link java.util.ServiceLoader} provider (listed in src/test/resources/META-INF/services) for the combination
 * {DIRECT, DISCOUNT}: the direct amount first, then the percentage (as the built-in {@code direct+discount} does, so
 * it is used registered explicitly, replacing the built-in). Written against the public SPI only, the way a third
 * party would.
 */
public final class TestDirectThenDiscountExecutor implements SettlementExecutor {
  /** The provider's name. */
  public static final String NAME = "test-direct+discount";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<CouponCategory> categories() {
    return EnumSet.of(CouponCategory.DIRECT, CouponCategory.DISCOUNT);
  }

  @Override
  public List<CouponSaving> settle(Cart cart, List<SelectedCoupon> coupons, SettlementPolicy policy) {
    Map<String, BigDecimal> remaining = new LinkedHashMap<>();
    cart.lines().forEach(l -> remaining.put(l.goodsId(), l.lineTotal()));
    List<SelectedCoupon> ordered = new ArrayList<>(coupons);
    ordered.sort((a, b) -> a.category() == CouponCategory.DIRECT ? -1 : b.category() == CouponCategory.DIRECT ? 1 : 0);
    List<CouponSaving> out = new ArrayList<>();
    for (SelectedCoupon c : ordered) {
      Scope scope = c.template().spec().scope();
      List<String> ids = new ArrayList<>();
      List<BigDecimal> bases = new ArrayList<>();
      BigDecimal subtotal = BigDecimal.ZERO;
      for (CartLine l : cart.lines()) {
        if (scope.covers(l.goodsType(), l.region())) {
          ids.add(l.goodsId());
          bases.add(remaining.get(l.goodsId()));
          subtotal = subtotal.add(remaining.get(l.goodsId()));
        }
      }
      Discount d = c.template().spec().discount();
      BigDecimal amount = d.kind() == Discount.Kind.AMOUNT_OFF ? d.amount()
          : policy.round(subtotal.multiply(d.percent()).movePointLeft(2));
      amount = policy.round(amount.min(subtotal));
      List<BigDecimal> parts = Allocations.distribute(amount, bases, policy);
      Map<String, BigDecimal> alloc = new LinkedHashMap<>();
      for (int i = 0; i < ids.size(); i++) {
        alloc.put(ids.get(i), parts.get(i));
        remaining.merge(ids.get(i), parts.get(i).negate(), BigDecimal::add);
      }
      out.add(new CouponSaving(c.coupon().id(), amount, alloc));
    }
    return out;
  }
}
