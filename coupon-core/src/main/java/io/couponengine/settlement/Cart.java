package io.couponengine.settlement;

import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
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
   * @param userId the buyer; only their own coupons apply
   * @param lines 1 to {@value #MAX_LINES} lines with distinct goods ids, in display order (the order discounts are
   *     distributed in)
   * @throws CouponException INVALID_ARGUMENT naming {@code userId} when it is not an id (null, blank, invisible
   *     only, longer than 128 characters, control characters), {@code lines} for no lines or more than
   *     {@value #MAX_LINES}, {@code lines[i]} for a null line, or {@code lines[i].goodsId} for a goods id that
   *     appears twice
   */
  public Cart {
    Checks.id(userId, "userId");
    Checks.notNull(lines, "lines");
    if (lines.isEmpty() || lines.size() > MAX_LINES) {
      throw CouponException.invalidField("lines", "must hold 1 to %d lines but held %d", MAX_LINES, lines.size());
    }
    lines = Preconditions.requireElements(lines, "lines");
    Set<String> goods = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      CartLine line = lines.get(i);
      if (!goods.add(line.goodsId())) {
        throw CouponException.invalidField("lines[" + i + "].goodsId", "must not repeat goods '%s'",
            line.goodsId());
      }
    }
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
