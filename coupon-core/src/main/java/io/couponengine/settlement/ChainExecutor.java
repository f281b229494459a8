package io.couponengine.settlement;

import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The built-in executor: applies coupons one after the other, each on what its in-scope lines still cost after the
 * coupons before it. Internal; see {@link BuiltInExecutors}.
 */
final class ChainExecutor implements SettlementExecutor {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private final String name;
  private final Set<CouponCategory> categories;

  ChainExecutor(String name, Set<CouponCategory> categories) {
    this.name = name;
    this.categories = Collections.unmodifiableSet(EnumSet.copyOf(categories));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<CouponCategory> categories() {
    return categories;
  }

  /** Applies the coupons in category declaration order: THRESHOLD, then DISCOUNT, then DIRECT. */
  @Override
  public List<CouponSaving> settle(Cart cart, List<SelectedCoupon> coupons, SettlementPolicy policy) {
    return settle(PricedCart.of(cart), coupons, policy);
  }

  /** As {@link #settle(Cart, List, SettlementPolicy)}, reusing the line totals the calculator computed. */
  List<CouponSaving> settle(PricedCart priced, List<SelectedCoupon> coupons, SettlementPolicy policy) {
    List<CartLine> lines = priced.cart().lines();
    int n = lines.size();
    BigDecimal[] remaining = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      remaining[i] = priced.lineTotal(i);
    }
    List<SelectedCoupon> ordered = coupons;
    if (!isInCategoryOrder(coupons)) {
      ordered = new ArrayList<>(coupons);
      ordered.sort((a, b) -> a.category().compareTo(b.category()));
    }
    List<CouponSaving> out = new ArrayList<>(ordered.size());
    int[] index = new int[n];
    BigDecimal[] bases = new BigDecimal[n];
    for (SelectedCoupon c : ordered) {
      Scope scope = c.template().spec().scope();
      int count = 0;
      BigDecimal subtotal = BigDecimal.ZERO;
      for (int i = 0; i < n; i++) {
        CartLine line = lines.get(i);
        if (scope.covers(line.goodsType(), line.region())) {
          index[count] = i;
          bases[count] = remaining[i];
          subtotal = subtotal.add(remaining[i]);
          count++;
        }
      }
      BigDecimal amount = saving(c.template().spec().discount(), subtotal, policy);
      BigDecimal[] parts = Allocations.distribute(amount, bases, count, subtotal, policy);
      String[] goods = new String[count];
      for (int k = 0; k < count; k++) {
        int i = index[k];
        remaining[i] = remaining[i].subtract(parts[k]);
        goods[k] = lines.get(i).goodsId();
      }
      out.add(new CouponSaving(c.coupon().id(), amount, new LineAmounts(goods, parts, count)));
    }
    return out;
  }

  /** What a discount takes off an in-scope subtotal, never more than the subtotal. */
  static BigDecimal saving(Discount d, BigDecimal subtotal, SettlementPolicy policy) {
    BigDecimal amount = switch (d.kind()) {
      case THRESHOLD -> subtotal.compareTo(d.threshold()) >= 0 ? d.amount() : BigDecimal.ZERO;
      case PERCENT_OFF -> subtotal.multiply(d.percent()).divide(HUNDRED, policy.scale(), policy.roundingMode());
      case AMOUNT_OFF -> d.amount();
    };
    if (amount.compareTo(subtotal) > 0) {
      amount = subtotal;
    }
    return policy.round(amount);
  }

  private static boolean isInCategoryOrder(List<SelectedCoupon> coupons) {
    for (int i = 1; i < coupons.size(); i++) {
      if (coupons.get(i - 1).category().compareTo(coupons.get(i).category()) > 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "SettlementExecutor[" + name + " " + categories + "]";
  }
}
