/**
 * Settlement: the price of a cart with coupons. Pure computation; nothing here touches storage.
 *
 * <pre>{@code
 * SettlementCalculator calculator = SettlementCalculator.ofDefaults();
 * SettlementResult result = calculator.settle(cart, coupons, templatesById, Instant.now());
 * BestCombinationResult best = BestCombination.ofDefaults().find(cart, coupons, templatesById, Instant.now());
 * }</pre>
 *
 * <p>{@link io.couponengine.settlement.Cart} and {@link io.couponengine.settlement.CartLine} describe what is bought;
 * {@link io.couponengine.settlement.SettlementCalculator} checks each coupon, forms the combination and lets the
 * {@link io.couponengine.settlement.SettlementExecutor} that the {@link io.couponengine.settlement.ExecutorRegistry}
 * picks for it compute the savings; {@link io.couponengine.settlement.SettlementPolicy} sets the price floor and
 * rounding; {@link io.couponengine.settlement.BestCombination} finds the cheapest allowed combination. The executor
 * interface is the package's extension point (SPI). Money is {@link java.math.BigDecimal} throughout.
 */
package io.couponengine.settlement;
