package io.couponengine.settlement;

import io.couponengine.template.CouponCategory;
import java.util.EnumSet;
import java.util.List;

/**
 * The executors every {@link ExecutorRegistry} starts with: one for every combination of categories a template's
 * {@link io.couponengine.template.Stacking} can allow.
 *
 * <pre>{@code
 * BuiltInExecutors.all(); // threshold, discount, direct, threshold+discount, threshold+direct, direct+discount,
 *                         // threshold+direct+discount
 * }</pre>
 *
 * <p>Each applies its coupons one after the other, each on what its own in-scope lines still cost after the coupons
 * before it, in this order: <b>THRESHOLD, then DIRECT, then DISCOUNT</b> — the amounts off first, the percentage
 * last:
 * <ul>
 *   <li>{@code threshold} (满减): the amount off when the in-scope subtotal reaches the threshold;</li>
 *   <li>{@code discount} (折扣): the percentage of the in-scope subtotal, rounded with the policy, then lowered to
 *       the discount's {@linkplain io.couponengine.template.Discount#cap() cap} when it has one;</li>
 *   <li>{@code direct} (立减): the amount off the in-scope subtotal;</li>
 *   <li>{@code threshold+discount}: the threshold coupon first, on its in-scope goods at full price (so the
 *       threshold is checked against undiscounted prices); then the percentage on what remains of the discount
 *       coupon's in-scope goods. Doing the threshold first is what shops show ("满100减20, then 9折") and the order
 *       that favours the shop slightly: the percentage applies to the reduced amount.</li>
 *   <li>{@code threshold+direct}: the threshold coupon first (judged on undiscounted prices), then the direct
 *       amount off what remains of its in-scope goods. Two amounts: the order changes only where the first leaves
 *       less than the second's amount on shared goods.</li>
 *   <li>{@code direct+discount}: the direct amount first, then the percentage on what remains of the discount
 *       coupon's in-scope goods, for the same reason as above: the percentage applies to the reduced amount.</li>
 *   <li>{@code threshold+direct+discount}: the threshold (on undiscounted prices), then the direct amount, then the
 *       percentage on what remains.</li>
 * </ul>
 * Example: 100.00 of goods, 满100减20, 立减5 and 10% off, all on every line: 100 - 20 = 80, 80 - 5 = 75, 10% of 75 =
 * 7.50, final 67.50 (the savings are 20.00, 5.00 and 7.50, in that order).
 *
 * <p>Every coupon's {@linkplain io.couponengine.template.TemplateSpec#minimumSubtotal() minimums} are judged on its
 * in-scope lines at undiscounted prices, like the threshold; a coupon whose minimum is not met saves nothing (the
 * calculator has already rejected it with {@link RejectionReason#MINIMUM_NOT_MET}). A saving never exceeds what its
 * in-scope lines still cost, and is spread over them with {@link Allocations#distribute}. The savings come back in
 * the order applied, so the price floor, applied afterwards by the calculator, reduces the percentage first.
 * Instances are immutable and thread-safe.
 */
public final class BuiltInExecutors {
  private static final SettlementExecutor THRESHOLD =
      new ChainExecutor("threshold", EnumSet.of(CouponCategory.THRESHOLD));
  private static final SettlementExecutor DISCOUNT =
      new ChainExecutor("discount", EnumSet.of(CouponCategory.DISCOUNT));
  private static final SettlementExecutor DIRECT = new ChainExecutor("direct", EnumSet.of(CouponCategory.DIRECT));
  private static final SettlementExecutor THRESHOLD_DISCOUNT =
      new ChainExecutor("threshold+discount", EnumSet.of(CouponCategory.THRESHOLD, CouponCategory.DISCOUNT));
  private static final SettlementExecutor THRESHOLD_DIRECT =
      new ChainExecutor("threshold+direct", EnumSet.of(CouponCategory.THRESHOLD, CouponCategory.DIRECT));
  private static final SettlementExecutor DIRECT_DISCOUNT =
      new ChainExecutor("direct+discount", EnumSet.of(CouponCategory.DIRECT, CouponCategory.DISCOUNT));
  private static final SettlementExecutor THRESHOLD_DIRECT_DISCOUNT = new ChainExecutor("threshold+direct+discount",
      EnumSet.of(CouponCategory.THRESHOLD, CouponCategory.DIRECT, CouponCategory.DISCOUNT));
  private static final List<SettlementExecutor> ALL = List.of(THRESHOLD, DISCOUNT, DIRECT, THRESHOLD_DISCOUNT,
      THRESHOLD_DIRECT, DIRECT_DISCOUNT, THRESHOLD_DIRECT_DISCOUNT);

  private BuiltInExecutors() {}

  /**
   * 满减 alone.
   *
   * @return the {@code threshold} executor
   */
  public static SettlementExecutor threshold() {
    return THRESHOLD;
  }

  /**
   * 折扣 alone.
   *
   * @return the {@code discount} executor
   */
  public static SettlementExecutor discount() {
    return DISCOUNT;
  }

  /**
   * 立减 alone.
   *
   * @return the {@code direct} executor
   */
  public static SettlementExecutor direct() {
    return DIRECT;
  }

  /**
   * 满减 then 折扣.
   *
   * @return the {@code threshold+discount} executor
   */
  public static SettlementExecutor thresholdThenDiscount() {
    return THRESHOLD_DISCOUNT;
  }

  /**
   * 满减 then 立减.
   *
   * @return the {@code threshold+direct} executor
   */
  public static SettlementExecutor thresholdThenDirect() {
    return THRESHOLD_DIRECT;
  }

  /**
   * 立减 then 折扣.
   *
   * @return the {@code direct+discount} executor
   */
  public static SettlementExecutor directThenDiscount() {
    return DIRECT_DISCOUNT;
  }

  /**
   * 满减, then 立减, then 折扣.
   *
   * @return the {@code threshold+direct+discount} executor
   */
  public static SettlementExecutor thresholdThenDirectThenDiscount() {
    return THRESHOLD_DIRECT_DISCOUNT;
  }

  /**
   * Every built-in executor.
   *
   * @return an immutable list
   */
  public static List<SettlementExecutor> all() {
    return ALL;
  }

  static boolean isBuiltIn(SettlementExecutor e) {
    return e instanceof ChainExecutor;
  }
}
