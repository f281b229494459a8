package io.couponengine.settlement;

import io.couponengine.error.CouponException;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A user's cart at checkout: who buys, and the lines bought.
 *
 * <pre>{@code
 * Cart cart = new Cart("user-1", List.of(
 *     new CartLine("sku-1", "digital", null, new BigDecimal("60.00"), 1),
 *     new CartLine("sku-2", "books", null, new BigDecimal("25.50"), 2)));
 * cart.total(); // 111.00
 * }</pre>
 *
 * <p>Immutable; the line list is copied.
 *
 * @param userId the buyer; only their own coupons apply
 * @param lines 1 to {@value #MAX_LINES} lines with distinct goods ids, in display order (the order discounts are
 *     distributed in)
 */
public record Cart(String userId, List<CartLine> lines) {

  /** The most lines one cart may have. */
  public static final int MAX_LINES = 500;

  /**
   * Validates and copies the lines.
   *
   * @throws CouponException INVALID_ARGUMENT for a blank user id, no lines, more than {@value #MAX_LINES} lines, a
   *     null line, or a goods id that appears twice
   */
  public Cart {
    Checks.id(userId, "userId");
    Checks.notNull(lines, "lines");
    if (lines.isEmpty() || lines.size() > MAX_LINES) {
      throw CouponException.invalidArgument("lines must hold 1 to %d lines but held %d", MAX_LINES, lines.size());
    }
    Set<String> goods = new HashSet<>();
    for (CartLine line : lines) {
      Checks.notNull(line, "line");
      if (!goods.add(line.goodsId())) {
        throw CouponException.invalidArgument("goods '%s' appears on two lines", line.goodsId());
      }
    }
    lines = List.copyOf(lines);
  }

  /**
   * The price of the cart before any coupon.
   *
   * @return the sum of the line totals, scale 2
   */
  public BigDecimal total() {
    BigDecimal sum = BigDecimal.ZERO.setScale(2);
    for (CartLine line : lines) {
      sum = sum.add(line.lineTotal());
    }
    return sum;
  }
}
