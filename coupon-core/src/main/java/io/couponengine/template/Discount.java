package io.couponengine.template;

import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.math.BigDecimal;

/**
 * What a coupon takes off. Money is {@link BigDecimal} with at most two decimals; nothing here is ever a double.
 *
 * <pre>{@code
 * Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")); // 满减: 20 off once 100 is reached
 * Discount.percentOff(new BigDecimal("15"));                              // 折扣: 15% off
 * Discount.amountOff(new BigDecimal("5.00"));                             // 立减: 5 off
 * Discount.percentOff(new BigDecimal("10")).capped(new BigDecimal("30.00")); // 10% off, at most 30
 * }</pre>
 *
 * <p>Instances are immutable. Field rules (positive amounts, at most two decimals, percent in (0, 100], a cap only
 * on a percentage) are checked
 * by {@link TemplateSpec} validation so that every problem is reported at once. Only what would make that validation
 * itself costly is refused here, at the entry: a number of more than {@value #MAX_INTEGER_DIGITS} integer digits
 * (anything above 999,999,999,999.99, such as {@code 1E+100000000}) or written with more than
 * {@value #MAX_WRITTEN_DECIMALS} decimal places.
 *
 * @param kind which of the three discounts
 * @param threshold the subtotal that must be reached (THRESHOLD only)
 * @param amount the amount taken off (THRESHOLD and AMOUNT_OFF)
 * @param percent the percentage taken off, e.g. {@code 15} for 15% (PERCENT_OFF only)
 * @param cap the most a percentage takes off, or null for no cap (PERCENT_OFF only; see {@link #capped})
 */
public record Discount(Kind kind, BigDecimal threshold, BigDecimal amount, BigDecimal percent, BigDecimal cap) {

  /** The three discount kinds. */
  public enum Kind {
    /** Amount off once a threshold is reached. */
    THRESHOLD,
    /** Percentage off. */
    PERCENT_OFF,
    /** Amount off, unconditionally. */
    AMOUNT_OFF
  }

  /** The most integer digits an amount or percentage may have: at most 999,999,999,999.99. */
  public static final int MAX_INTEGER_DIGITS = 12;
  /** The most decimal places, trailing zeros included, a number may be written with. */
  public static final int MAX_WRITTEN_DECIMALS = 30;

  /**
   * Checks that the kind is present and that each number is of a size the validation can handle.
   *
   * @param kind which of the three discounts
   * @param threshold the subtotal that must be reached (THRESHOLD only)
   * @param amount the amount taken off (THRESHOLD and AMOUNT_OFF)
   * @param percent the percentage taken off, e.g. {@code 15} for 15% (PERCENT_OFF only)
   * @param cap the most a percentage takes off, or null for no cap (PERCENT_OFF only; see {@link #capped})
   * @throws CouponException INVALID_ARGUMENT naming {@code kind} when it is null, or {@code threshold},
   *     {@code amount}, {@code percent} or {@code cap} when it has more than {@value #MAX_INTEGER_DIGITS} integer
   *     digits or is written with more than {@value #MAX_WRITTEN_DECIMALS} decimal places
   */
  public Discount {
    Preconditions.requireArg(kind, "kind");
    bounded(threshold, "threshold");
    bounded(amount, "amount");
    bounded(percent, "percent");
    bounded(cap, "cap");
  }

  /**
   * A discount without a cap: the form before caps existed.
   *
   * @param kind which of the three discounts
   * @param threshold the subtotal that must be reached (THRESHOLD only)
   * @param amount the amount taken off (THRESHOLD and AMOUNT_OFF)
   * @param percent the percentage taken off (PERCENT_OFF only)
   * @throws CouponException INVALID_ARGUMENT as the canonical constructor
   */
  public Discount(Kind kind, BigDecimal threshold, BigDecimal amount, BigDecimal percent) {
    this(kind, threshold, amount, percent, null);
  }

  /**
   * Refuses absurd sizes before any arithmetic: {@code setScale} or {@code stripTrailingZeros} on {@code 1E+100000000}
   * would build a number of a hundred million digits. Only the exponent and the length of the unscaled value are
   * read here, which costs nothing whatever the size.
   */
  static void bounded(BigDecimal value, String field) {
    if (value == null) {
      return;
    }
    if (value.scale() > MAX_WRITTEN_DECIMALS) {
      throw CouponException.invalidField(field, "must be written with at most %d decimal places",
          MAX_WRITTEN_DECIMALS);
    }
    // 160 bits are 48 digits: with at most 30 decimals that is more than 12 integer digits, and precision() stays cheap
    if (value.unscaledValue().bitLength() > 160
        || value.signum() != 0 && (long) value.precision() - value.scale() > MAX_INTEGER_DIGITS) {
      throw CouponException.invalidField(field, "must have at most %d integer digits (at most 999999999999.99)",
          MAX_INTEGER_DIGITS);
    }
  }

  /**
   * 满减: {@code amount} off when the in-scope subtotal is at least {@code threshold}.
   *
   * @param threshold the subtotal to reach
   * @param amount the amount off; not more than the threshold
   * @return the discount
   * @throws CouponException INVALID_ARGUMENT naming a number of more than {@value #MAX_INTEGER_DIGITS} integer digits
   */
  public static Discount threshold(BigDecimal threshold, BigDecimal amount) {
    return new Discount(Kind.THRESHOLD, threshold, amount, null, null);
  }

  /**
   * 折扣: {@code percent}% off the in-scope subtotal.
   *
   * @param percent greater than 0 and at most 100 (100 makes the in-scope goods free, down to the price floor), at
   *     most two decimals
   * @return the discount, uncapped
   * @throws CouponException INVALID_ARGUMENT naming a number of more than {@value #MAX_INTEGER_DIGITS} integer digits
   */
  public static Discount percentOff(BigDecimal percent) {
    return new Discount(Kind.PERCENT_OFF, null, null, percent, null);
  }

  /**
   * This percentage with a cap: "10% off, at most 30". The saving is the percentage of the in-scope amount, rounded
   * with the settlement policy, then lowered to {@code max} when it is more. Calling it again replaces the cap.
   *
   * @param max the most the coupon takes off; positive, at most two decimals (checked with the spec)
   * @return a new discount with {@link #cap()} set to {@code max}
   * @throws CouponException INVALID_ARGUMENT naming {@code cap} when {@code max} is null, has more than
   *     {@value #MAX_INTEGER_DIGITS} integer digits or {@value #MAX_WRITTEN_DECIMALS} decimal places, or when this
   *     discount is not {@link Kind#PERCENT_OFF}
   */
  public Discount capped(BigDecimal max) {
    Preconditions.requireArg(max, "cap");
    if (kind != Kind.PERCENT_OFF) {
      throw CouponException.invalidField("cap", "is only for a PERCENT_OFF discount, not %s", kind);
    }
    return new Discount(kind, threshold, amount, percent, max);
  }

  /**
   * 立减: {@code amount} off the in-scope subtotal, never below the price floor.
   *
   * @param amount the amount off
   * @return the discount
   * @throws CouponException INVALID_ARGUMENT naming a number of more than {@value #MAX_INTEGER_DIGITS} integer digits
   */
  public static Discount amountOff(BigDecimal amount) {
    return new Discount(Kind.AMOUNT_OFF, null, amount, null, null);
  }
}
