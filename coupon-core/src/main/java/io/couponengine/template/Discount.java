package io.couponengine.template;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What a coupon takes off. Money is {@link BigDecimal} with at most two decimals; nothing here is ever a double.
 *
 * <pre>{@code
 * Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")); // 满减: 20 off once 100 is reached
 * Discount.percentOff(new BigDecimal("15"));                              // 折扣: 15% off
 * Discount.amountOff(new BigDecimal("5.00"));                             // 立减: 5 off
 * }</pre>
 *
 * <p>Instances are immutable. Field rules (positive amounts, at most two decimals, percent in (0, 100)) are checked
 * by {@link TemplateSpec} validation so that every problem is reported at once.
 *
 * @param kind which of the three discounts
 * @param threshold the subtotal that must be reached (THRESHOLD only)
 * @param amount the amount taken off (THRESHOLD and AMOUNT_OFF)
 * @param percent the percentage taken off, e.g. {@code 15} for 15% (PERCENT_OFF only)
 */
public record Discount(Kind kind, BigDecimal threshold, BigDecimal amount, BigDecimal percent) {

  /** The three discount kinds. */
  public enum Kind {
    /** Amount off once a threshold is reached. */
    THRESHOLD,
    /** Percentage off. */
    PERCENT_OFF,
    /** Amount off, unconditionally. */
    AMOUNT_OFF
  }

  /** Checks only that the kind is present. */
  public Discount {
    Objects.requireNonNull(kind, "kind");
  }

  /**
   * 满减: {@code amount} off when the in-scope subtotal is at least {@code threshold}.
   *
   * @param threshold the subtotal to reach
   * @param amount the amount off; not more than the threshold
   * @return the discount
   */
  public static Discount threshold(BigDecimal threshold, BigDecimal amount) {
    return new Discount(Kind.THRESHOLD, threshold, amount, null);
  }

  /**
   * 折扣: {@code percent}% off the in-scope subtotal.
   *
   * @param percent greater than 0 and less than 100, at most two decimals
   * @return the discount
   */
  public static Discount percentOff(BigDecimal percent) {
    return new Discount(Kind.PERCENT_OFF, null, null, percent);
  }

  /**
   * 立减: {@code amount} off the in-scope subtotal, never below the price floor.
   *
   * @param amount the amount off
   * @return the discount
   */
  public static Discount amountOff(BigDecimal amount) {
    return new Discount(Kind.AMOUNT_OFF, null, amount, null);
  }
}
