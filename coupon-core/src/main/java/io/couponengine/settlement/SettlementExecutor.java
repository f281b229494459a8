package io.couponengine.settlement;

import io.couponengine.template.CouponCategory;
import java.util.List;
import java.util.Set;

/**
 * Settles one combination of coupon categories: computes, from the cart and the chosen coupons, what each coupon
 * saves and on which lines. This is an extension point (SPI); the built-ins are in {@link BuiltInExecutors} and the
 * {@link ExecutorRegistry} picks the executor for a combination.
 *
 * <pre>{@code
 * public final class DirectThenDiscount implements SettlementExecutor {
 *   public String name() { return "acme-direct+discount"; }
 *   public Set<CouponCategory> categories() { return EnumSet.of(CouponCategory.DIRECT, CouponCategory.DISCOUNT); }
 *   public List<CouponSaving> settle(Cart cart, List<SelectedCoupon> coupons, SettlementPolicy policy) {
 *     ... // use Allocations.distribute to spread each saving over the coupon's in-scope lines
 *   }
 * }
 * // classpath: META-INF/services/io.couponengine.settlement.SettlementExecutor lists the class
 * }</pre>
 *
 * <p><b>Why this interface lives in {@code settlement} and not in {@code spi}.</b> Its signature is made of
 * settlement types ({@link Cart}, {@link SelectedCoupon}, {@link SettlementPolicy}, {@link CouponSaving}); putting it
 * in {@code spi} would make the storage SPI package depend on settlement, and keeps a settlement plug-in writer
 * inside one package. It is as stable as the {@code spi} package.
 *
 * <p><b>Contract.</b> The calculator calls {@link #settle} only with coupons that passed every pre-check (owner,
 * usable, known template, at least one in-scope line, threshold and the template's minimums met on the original
 * in-scope lines), pairwise
 * stackable, exactly one coupon per category of {@link #categories()}, handed over in {@link CouponCategory}
 * declaration order (THRESHOLD, DISCOUNT, DIRECT). The executor returns one {@link CouponSaving} per coupon, in the
 * order it applied them (that order decides whose saving the price floor reduces: the last one's). Allocations
 * name only lines in the coupon's scope, and over all coupons a line never loses more than its line total. Savings
 * have at most {@link SettlementPolicy#scale()} decimals. The executor does not apply the price floor: the
 * calculator does. The calculator verifies this contract for every executor that is not built in and answers
 * {@code CouponException(INTERNAL)} naming the executor when it is broken.
 *
 * <p>Implementations must be pure (no storage, no clock, no randomness) and thread-safe; a {@link
 * java.util.ServiceLoader} provider needs a public no-argument constructor.
 */
public interface SettlementExecutor {

  /**
   * A unique name, used in messages and to detect two providers of the same executor.
   *
   * @return a non-blank name, at most 64 characters
   */
  String name();

  /**
   * The combination of categories this executor settles, for example {@code {THRESHOLD, DISCOUNT}}.
   *
   * @return a non-empty set
   */
  Set<CouponCategory> categories();

  /**
   * Computes what each coupon saves.
   *
   * @param cart the cart
   * @param coupons one coupon per category of {@link #categories()}, in category declaration order
   * @param policy scale and rounding to use
   * @return one saving per coupon, in the order applied
   */
  List<CouponSaving> settle(Cart cart, List<SelectedCoupon> coupons, SettlementPolicy policy);
}
