package io.couponengine.settlement;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A cart with its line totals computed once, shared by the many settlements of one optimization. Internal. */
final class PricedCart {
  private final Cart cart;
  private final BigDecimal[] lineTotals;
  private final BigDecimal total;
  private Map<String, Integer> index;

  private PricedCart(Cart cart) {
    this.cart = cart;
    List<CartLine> lines = cart.lines();
    this.lineTotals = new BigDecimal[lines.size()];
    BigDecimal sum = BigDecimal.ZERO.setScale(2);
    for (int i = 0; i < lineTotals.length; i++) {
      lineTotals[i] = lines.get(i).lineTotal();
      sum = sum.add(lineTotals[i]);
    }
    this.total = sum;
  }

  static PricedCart of(Cart cart) {
    return new PricedCart(cart);
  }

  Cart cart() {
    return cart;
  }

  BigDecimal lineTotal(int i) {
    return lineTotals[i];
  }

  BigDecimal total(SettlementPolicy policy) {
    return total.setScale(policy.scale());
  }

  /** The line index of a goods id, or -1; builds its map on first use (not thread-safe: one settlement only). */
  int indexOf(String goodsId) {
    if (index == null) {
      index = new HashMap<>(lineTotals.length * 2);
      List<CartLine> lines = cart.lines();
      for (int i = 0; i < lines.size(); i++) {
        index.put(lines.get(i).goodsId(), i);
      }
    }
    return index.getOrDefault(goodsId, -1);
  }
}
