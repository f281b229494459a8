package io.couponengine.settlement;

import io.couponengine.error.CouponException;
import java.math.BigDecimal;

/**
 * One line of a {@link Cart}: a quantity of one goods at one unit price.
 *
 * <pre>{@code
 * CartLine line = new CartLine("sku-42", "digital", "shanghai", new BigDecimal("19.90"), 3);
 * line.lineTotal(); // 59.70
 * }</pre>
 *
 * <p>Immutable. The unit price is kept at scale 2 ({@code 19.9} becomes {@code 19.90}).
 *
 * @param goodsId the goods (SKU) id, non-blank, at most 128 characters, unique within a cart
 * @param goodsType the goods type a coupon {@link io.couponengine.template.Scope scope} names, non-blank
 * @param region the region the goods are sold in, or null when the cart has none (then only coupons without a
 *     region restriction cover the line)
 * @param unitPrice the price of one unit, {@code >= 0}, at most two decimals
 * @param quantity how many units, 1 to {@value #MAX_QUANTITY}
 */
public record CartLine(String goodsId, String goodsType, String region, BigDecimal unitPrice, int quantity) {

  /** The largest quantity of one line. */
  public static final int MAX_QUANTITY = 1_000_000;

  /**
   * Validates every field.
   *
   * @throws CouponException INVALID_ARGUMENT for a null or blank id or type, a blank region, a
   *     negative price, a price with more than two decimals, or a quantity out of range
   */
  public CartLine {
    Checks.id(goodsId, "goodsId");
    Checks.id(goodsType, "goodsType");
    if (region != null) {
      Checks.id(region, "region");
    }
    unitPrice = Checks.money(unitPrice, "unitPrice", 2);
    if (quantity < 1 || quantity > MAX_QUANTITY) {
      throw CouponException.invalidArgument(
          "quantity must be 1 to %d but was %d", MAX_QUANTITY, quantity);
    }
  }

  /**
   * The price of the whole line: unit price times quantity.
   *
   * @return the line total, scale 2
   */
  public BigDecimal lineTotal() {
    return unitPrice.multiply(BigDecimal.valueOf(quantity));
  }
}
