package io.couponengine.template;

/** The kind of coupon a template issues; each category goes with exactly one kind of {@link Discount}. */
public enum CouponCategory {
  /** 满减: an amount off once the in-scope subtotal reaches a threshold ({@link Discount#threshold}). */
  THRESHOLD,
  /** 折扣: a percentage off the in-scope subtotal ({@link Discount#percentOff}). */
  DISCOUNT,
  /** 立减: a fixed amount off, no threshold ({@link Discount#amountOff}). */
  DIRECT;

  /**
   * Returns the discount kind this category requires.
   *
   * @return the matching discount kind
   */
  public Discount.Kind discountKind() {
    return switch (this) {
      case THRESHOLD -> Discount.Kind.THRESHOLD;
      case DISCOUNT -> Discount.Kind.PERCENT_OFF;
      case DIRECT -> Discount.Kind.AMOUNT_OFF;
    };
  }

  /**
   * The code prefix used when a template names none: {@code TH}, {@code DC} or {@code DR}.
   *
   * @return two characters of the code alphabet
   */
  public String defaultCodePrefix() {
    return switch (this) {
      case THRESHOLD -> "TH";
      case DISCOUNT -> "DC";
      case DIRECT -> "DR";
    };
  }
}
