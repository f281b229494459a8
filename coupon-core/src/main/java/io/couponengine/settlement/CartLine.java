package io.couponengine.settlement;

import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.math.BigDecimal;

/**
 * One line of a {@link Cart}: a quantity of one goods at one unit price.
 *
 * <pre>{@code
 * CartLine line = new CartLine("sku-42", "digital", "shanghai", new BigDecimal("19.90"), 3);
 * line.lineTotal(); // 59.70
 * }</pre>
 *
 * <p>Immutable. The unit price is kept at scale 2 ({@code 19.9} becomes {@code 19.90}); it is at most
 * {@value #MAX_UNIT_PRICE}, so a line total stays below 10^18 and a cart total below 10^21.
 *
 * @param goodsId the goods (SKU) id, non-blank, at most 128 characters, unique within a cart
 * @param goodsType the goods type a coupon {@link io.couponengine.template.Scope scope} names, non-blank
 * @param region the region the goods are sold in, or null when the cart has none (then only coupons without a
 *     region restriction cover the line)
 * @param unitPrice the price of one unit, {@code 0 <= unitPrice <=} {@value #MAX_UNIT_PRICE}, at most two decimals
 * @param quantity how many units, 1 to {@value #MAX_QUANTITY}
 */
public record CartLine(String goodsId, String goodsType, String region, BigDecimal unitPrice, int quantity) {

  /** The largest quantity of one line. */
  public static final int MAX_QUANTITY = 1_000_000;
  /** The largest unit price: twelve integer digits. */
  public static final String MAX_UNIT_PRICE = "999999999999.99";

  /**
   * Validates every field. The price's size is checked before any rounding, so a value such as
   * {@code 1E+100000000} is refused at once.
   *
   * @param goodsId the goods (SKU) id, non-blank, at most 128 characters, unique within a cart
   * @param goodsType the goods type a coupon {@link io.couponengine.template.Scope scope} names, non-blank
   * @param region the region the goods are sold in, or null when the cart has none (then only coupons without a
   *     region restriction cover the line)
   * @param unitPrice the price of one unit, {@code 0 <= unitPrice <=} {@value #MAX_UNIT_PRICE}, at most two decimals
   * @param quantity how many units, 1 to {@value #MAX_QUANTITY}
   * @throws CouponException INVALID_ARGUMENT naming the field: {@code goodsId} or {@code goodsType} when not an id
   *     (null, blank, invisible only, longer than 128 characters, control characters), {@code region} when present
   *     but not an id, {@code unitPrice} when null, negative, above {@value #MAX_UNIT_PRICE} or with more than two
   *     decimals, {@code quantity} when not 1 to {@value #MAX_QUANTITY}
   */
  public CartLine {
    Checks.id(goodsId, "goodsId");
    Checks.id(goodsType, "goodsType");
    if (region != null) {
      Checks.id(region, "region");
    }
    unitPrice = Checks.money(unitPrice, "unitPrice", 2);
    Preconditions.requireRange(quantity, 1, MAX_QUANTITY, "quantity");
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
