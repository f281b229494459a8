package io.couponengine.settlement;

import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.TemplateSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The built-in executor: applies coupons one after the other, each on what its in-scope lines still cost after the
 * coupons before it, in the order THRESHOLD, DIRECT, DISCOUNT (amounts off first, the percentage last). Internal;
 * see {@link BuiltInExecutors}.
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

  /** Applies the coupons in the order THRESHOLD, DIRECT, DISCOUNT. */
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
    if (!isInApplicationOrder(coupons)) {
      ordered = new ArrayList<>(coupons);
      ordered.sort((a, b) -> Integer.compare(rank(a.category()), rank(b.category())));
    }
    List<CouponSaving> out = new ArrayList<>(ordered.size());
    int[] index = new int[n];
    BigDecimal[] bases = new BigDecimal[n];
    for (SelectedCoupon c : ordered) {
      TemplateSpec spec = c.template().spec();
      Scope scope = spec.scope();
      int count = 0;
      BigDecimal subtotal = BigDecimal.ZERO;
      BigDecimal full = BigDecimal.ZERO;
      long quantity = 0;
      for (int i = 0; i < n; i++) {
        CartLine line = lines.get(i);
        if (scope.covers(line.goodsType(), line.region())) {
          index[count] = i;
          bases[count] = remaining[i];
          subtotal = subtotal.add(remaining[i]);
          full = full.add(priced.lineTotal(i));
          quantity += line.quantity();
          count++;
        }
      }
      BigDecimal amount = minimumsMet(spec, full, quantity)
          ? saving(spec.discount(), full, subtotal, policy)
          : policy.round(BigDecimal.ZERO);
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

  /**
   * Whether the template's minimums hold for its in-scope lines at undiscounted prices.
   *
   * @param full the in-scope subtotal before any coupon
   * @param quantity the number of in-scope items
   */
  static boolean minimumsMet(TemplateSpec spec, BigDecimal full, long quantity) {
    BigDecimal min = spec.minimumSubtotal();
    return (min == null || full.compareTo(min) >= 0) && quantity >= spec.minimumQuantity();
  }

  /**
   * What a discount takes off, never more than what its in-scope lines still cost.
   *
   * @param full the in-scope subtotal before any coupon: the threshold is judged on it
   * @param subtotal what the in-scope lines still cost after the coupons applied before
   */
  static BigDecimal saving(Discount d, BigDecimal full, BigDecimal subtotal, SettlementPolicy policy) {
    BigDecimal amount = switch (d.kind()) {
      case THRESHOLD -> full.compareTo(d.threshold()) >= 0 ? d.amount() : BigDecimal.ZERO;
      case PERCENT_OFF -> {
        BigDecimal p = subtotal.multiply(d.percent()).divide(HUNDRED, policy.scale(), policy.roundingMode());
        yield d.cap() != null && p.compareTo(d.cap()) > 0 ? d.cap() : p;
      }
      case AMOUNT_OFF -> d.amount();
    };
    if (amount.compareTo(subtotal) > 0) {
      amount = subtotal;
    }
    return policy.round(amount);
  }

  /**
   * The most a coupon could save on a cart, alone: its saving on the in-scope subtotal at full price, rounded up.
   * In any combination a built-in or a contract-keeping executor gives it no more, so it bounds the price search.
   */
  static BigDecimal upperBound(Discount d, BigDecimal full, SettlementPolicy policy) {
    BigDecimal amount = switch (d.kind()) {
      case THRESHOLD, AMOUNT_OFF -> d.amount();
      case PERCENT_OFF -> {
        BigDecimal p = full.multiply(d.percent()).divide(HUNDRED, policy.scale(), RoundingMode.CEILING);
        yield d.cap() != null && p.compareTo(d.cap()) > 0 ? d.cap() : p;
      }
    };
    return amount.min(full);
  }

  /** The position of a category in the chain: THRESHOLD 0, DIRECT 1, DISCOUNT 2. */
  static int rank(CouponCategory category) {
    return switch (category) {
      case THRESHOLD -> 0;
      case DIRECT -> 1;
      case DISCOUNT -> 2;
    };
  }

  private static boolean isInApplicationOrder(List<SelectedCoupon> coupons) {
    for (int i = 1; i < coupons.size(); i++) {
      if (rank(coupons.get(i - 1).category()) > rank(coupons.get(i).category())) {
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
