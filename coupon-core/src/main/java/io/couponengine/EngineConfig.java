package io.couponengine;

import io.couponengine.settlement.SettlementExecutor;
import io.couponengine.settlement.SettlementPolicy;
import io.couponengine.event.CouponEventListener;
import io.couponengine.spi.CouponStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The immutable configuration an engine was built with (see {@link CouponEngine.Builder} for each setting's default).
 *
 * @param store the storage
 * @param clock the time source
 * @param executor runs code generation, or null for the engine's own small daemon pool
 * @param listeners event listeners, called in order
 * @param expirySweepInterval how often the active sweep runs, or null when it is not scheduled
 * @param reservationTimeout how long a reservation holds coupons before the sweeper releases it
 * @param generationBatchSize codes generated and loaded per store call
 * @param sweepBatchSize coupons expired (or reservations released) per store call during a sweep
 * @param settlementPolicy price floor, scale and rounding of settlements
 * @param settlementExecutors executors registered explicitly, on top of the built-ins (they may replace one)
 */
public record EngineConfig(CouponStore store, Clock clock, Executor executor, List<CouponEventListener> listeners,
                           Duration expirySweepInterval, Duration reservationTimeout, int generationBatchSize,
                           int sweepBatchSize, SettlementPolicy settlementPolicy,
                           List<SettlementExecutor> settlementExecutors) {
  /** Copies the listener and settlement executor lists. */
  public EngineConfig {
    listeners = List.copyOf(listeners);
    settlementExecutors = List.copyOf(settlementExecutors);
  }
}
