package io.couponengine.settlement;

import io.couponengine.template.CouponCategory;
import java.util.EnumSet;
import java.util.List;

/**
 * The executors every {@link ExecutorRegistry} starts with.
 *
 * <pre>{@code
 * BuiltInExecutors.all(); // threshold, discount, direct, threshold+discount
 * }</pre>
 *
 * <p>Each applies its coupons one after the other, in {@link CouponCategory} declaration order (THRESHOLD before
 * DISCOUNT before DIRECT), each on what its own in-scope lines still cost after the coupons before it:
 * <ul>
 *   <li>{@code threshold} (满减): the amount off when the in-scope subtotal reaches the threshold;</li>
 *   <li>{@code discount} (折扣): the percentage of the in-scope subtotal, rounded with the policy;</li>
 *   <li>{@code direct} (立减): the amount off the in-scope subtotal;</li>
 *   <li>{@code threshold+discount}: the threshold coupon first, on its in-scope goods at full price (so the
 *       threshold is checked against undiscounted prices); then the percentage on what remains of the discount
 *       coupon's in-scope goods. Doing the threshold first is what shops show ("满100减20, then 9折") and the order
 *       that favours the shop slightly: the percentage applies to the reduced amount.</li>
 * </ul>
 * A saving never exceeds the in-scope subtotal it applies to, and is spread over the in-scope lines with
 * {@link Allocations#distribute}. The price floor is applied afterwards by the calculator. Instances are immutable
 * and thread-safe.
 */
public final class BuiltInExecutors {
  private static final SettlementExecutor THRESHOLD =
      new ChainExecutor("threshold", EnumSet.of(CouponCategory.THRESHOLD));
  private static final SettlementExecutor DISCOUNT =
      new ChainExecutor("discount", EnumSet.of(CouponCategory.DISCOUNT));
  private static final SettlementExecutor DIRECT = new ChainExecutor("direct", EnumSet.of(CouponCategory.DIRECT));
  private static final SettlementExecutor THRESHOLD_DISCOUNT =
      new ChainExecutor("threshold+discount", EnumSet.of(CouponCategory.THRESHOLD, CouponCategory.DISCOUNT));
  private static final List<SettlementExecutor> ALL = List.of(THRESHOLD, DISCOUNT, DIRECT, THRESHOLD_DISCOUNT);

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
