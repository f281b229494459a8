package io.couponengine;

import static io.couponengine.internal.Preconditions.requireArg;
import static io.couponengine.internal.Preconditions.requireElements;
import static io.couponengine.internal.Preconditions.requireRange;

import io.couponengine.error.CouponException;
import io.couponengine.event.CouponEventListener;
import io.couponengine.event.EngineObserver;
import io.couponengine.settlement.SettlementExecutor;
import io.couponengine.settlement.SettlementPolicy;
import io.couponengine.spi.CouponStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The immutable configuration an engine was built with (see {@link CouponEngine.Builder} for each setting's default).
 * The compact constructor makes the same checks as the builder, so a config built directly is held to the same
 * rules.
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
 * @param codeEntryMaxFailures failed code entries a user may make per {@code codeEntryWindow} before entries
 *     answer TOO_MANY_ATTEMPTS
 * @param codeEntryWindow the fixed window failed entries are counted in
 * @param observers observers of operations and their timings (metrics), called in order; empty for none
 */
public record EngineConfig(CouponStore store, Clock clock, Executor executor, List<CouponEventListener> listeners,
                           Duration expirySweepInterval, Duration reservationTimeout, int generationBatchSize,
                           int sweepBatchSize, SettlementPolicy settlementPolicy,
                           List<SettlementExecutor> settlementExecutors, int codeEntryMaxFailures,
                           Duration codeEntryWindow, List<EngineObserver> observers) {
  /** Shortest sweep interval and reservation timeout. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  /** Longest sweep interval and reservation timeout; the bound keeps instant arithmetic from overflowing. */
  public static final Duration MAX_INTERVAL = Duration.ofDays(366);
  /** Most failed code entries a window may allow. */
  public static final int MAX_CODE_ENTRY_FAILURES = 1_000_000;
  /** Largest generation and sweep batch. */
  public static final int MAX_BATCH_SIZE = 100_000;

  /**
   * Checks every setting and copies the lists.
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
   * @param codeEntryMaxFailures failed code entries a user may make per {@code codeEntryWindow} before entries
   *     answer TOO_MANY_ATTEMPTS
   * @param codeEntryWindow the fixed window failed entries are counted in
   * @param observers observers of operations and their timings (metrics), called in order; empty for none
   * @throws CouponException INVALID_ARGUMENT naming the first field out of range
   */
  public EngineConfig {
    requireArg(store, "store");
    requireArg(clock, "clock");
    listeners = requireElements(listeners, "listeners");
    if (expirySweepInterval != null) {
      requireRange(expirySweepInterval, MIN_INTERVAL, MAX_INTERVAL, "expirySweepInterval");
    }
    requireRange(reservationTimeout, MIN_INTERVAL, MAX_INTERVAL, "reservationTimeout");
    requireRange(generationBatchSize, 1, MAX_BATCH_SIZE, "generationBatchSize");
    requireRange(sweepBatchSize, 1, MAX_BATCH_SIZE, "sweepBatchSize");
    requireArg(settlementPolicy, "settlementPolicy");
    settlementExecutors = requireElements(settlementExecutors, "settlementExecutors");
    requireRange(codeEntryMaxFailures, 1, MAX_CODE_ENTRY_FAILURES, "codeEntryMaxFailures");
    requireRange(codeEntryWindow, MIN_INTERVAL, MAX_INTERVAL, "codeEntryWindow");
    observers = requireElements(observers, "observers");
  }
}
