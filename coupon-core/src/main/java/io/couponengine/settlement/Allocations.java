package io.couponengine.settlement;

import io.couponengine.error.CouponException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;

/**
 * Spreads a saving over lines in proportion to their amounts, so that the parts sum to the saving exactly. Built-in
 * executors use it; custom {@link SettlementExecutor}s may too.
 *
 * <pre>{@code
 * Allocations.distribute(new BigDecimal("10.00"),
 *     List.of(new BigDecimal("20.00"), new BigDecimal("10.00")), SettlementPolicy.defaults());
 * // [6.67, 3.33]: 6.666.. rounds HALF_UP to 6.67, the last line takes the remainder
 * }</pre>
 *
 * <p>Each part but the last is {@code amount * base / total}, rounded with the policy; the last line takes what is
 * left, so the parts always add up. Each part is also kept within {@code [0, base]} and so that what is left still
 * fits into the remaining lines; with ordinary numbers this never binds, but it guarantees that no line is
 * discounted below zero even when rounding piles up on many small lines. Stateless and thread-safe.
 */
public final class Allocations {

  private Allocations() {}

  /**
   * Splits {@code amount} over lines with the given amounts.
   *
   * @param amount the saving to split, {@code 0 <= amount <= sum(bases)}
   * @param bases the amount each line still has (in-scope lines only, cart order), each {@code >= 0}
   * @param policy scale and rounding
   * @return one part per base, in the same order, summing to {@code amount} exactly
   * @throws CouponException INVALID_ARGUMENT naming the argument ({@code bases[i]} for a base) when it is null, an
   *     amount of more than 24 integer digits or 30 decimal places, a negative base, or an amount that is negative or
   *     larger than the sum of the bases
   */
  public static List<BigDecimal> distribute(BigDecimal amount, List<BigDecimal> bases, SettlementPolicy policy) {
    Checks.amount(amount, "amount");
    Checks.notNull(bases, "bases");
    Checks.notNull(policy, "policy");
    BigDecimal[] b = new BigDecimal[bases.size()];
    BigDecimal total = BigDecimal.ZERO;
    for (int i = 0; i < b.length; i++) {
      b[i] = Checks.amount(bases.get(i), "bases[" + i + "]");
      if (b[i].signum() < 0) {
        throw CouponException.invalidField("bases[" + i + "]", "must not be negative but was %s",
            b[i].toPlainString());
      }
      total = total.add(b[i]);
    }
    if (amount.signum() < 0 || amount.compareTo(total) > 0) {
      throw CouponException.invalidField("amount", "must be 0 to %s but was %s", total.toPlainString(),
          amount.toPlainString());
    }
    return Arrays.asList(distribute(amount, b, b.length, total, policy));
  }

  /**
   * The unchecked core: {@code bases[0..count)} with their precomputed {@code total}; preconditions as above.
   */
  static BigDecimal[] distribute(BigDecimal amount, BigDecimal[] bases, int count, BigDecimal total,
      SettlementPolicy policy) {
    BigDecimal[] parts = new BigDecimal[count];
    BigDecimal zero = BigDecimal.ZERO.setScale(policy.scale());
    if (count == 0) {
      return parts;
    }
    BigDecimal left = amount;
    BigDecimal restBase = total;
    for (int i = 0; i < count - 1; i++) {
      BigDecimal base = bases[i];
      BigDecimal part;
      if (left.signum() == 0 || base.signum() == 0) {
        part = zero;
      } else {
        part = amount.multiply(base).divide(total, policy.scale(), policy.roundingMode());
        BigDecimal low = left.subtract(restBase.subtract(base)); // what the later lines cannot absorb
        if (part.compareTo(low) < 0) {
          part = low;
        }
        if (part.compareTo(base) > 0) {
          part = base;
        }
        if (part.compareTo(left) > 0) {
          part = left;
        }
        if (part.signum() < 0) {
          part = zero;
        }
      }
      parts[i] = part;
      left = left.subtract(part);
      restBase = restBase.subtract(base);
    }
    parts[count - 1] = left;
    return parts;
  }
}
