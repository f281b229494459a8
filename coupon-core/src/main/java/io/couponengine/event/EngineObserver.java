package io.couponengine.event;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.error.ErrorCode;
import io.couponengine.spi.CouponStore;

/**
 * Observes what an engine does and how long it takes, for metrics: claims by outcome with their latency, grants,
 * reservations, settlements, code generation progress and sweeps. Where a {@link CouponEventListener} receives one
 * event per change of state, an observer receives one call per operation, refusals and failures included, with the
 * time it took; it is the hook a metrics binding (such as {@code coupon-micrometer}'s {@code CouponEngineMetrics})
 * implements, and the core engine depends on no metrics library.
 *
 * <pre>{@code
 * EngineObserver slowClaims = new EngineObserver() {
 *   public void onClaim(String templateId, ClaimOutcome outcome, long nanos) {
 *     if (nanos > 50_000_000) log.info("slow claim of {}: {} in {} ms", templateId, outcome, nanos / 1_000_000);
 *   }
 * };
 * CouponEngine engine = CouponEngine.builder().observer(slowClaims).build();
 * }</pre>
 *
 * <p>Every method is a no-op by default: implement the ones you need. The engine calls them synchronously, on the
 * thread that ran the operation (a claim's caller, the generation executor, the sweeper), after the operation
 * ended, so an observer must be fast and thread-safe and must not block. It should not throw either: the engine
 * catches any {@code RuntimeException} an observer throws, logs it (once per observer at WARN, later ones at DEBUG)
 * and goes on, so an observer can never fail or slow down a claim by throwing. Several observers are called in the
 * order they were added to the builder.
 *
 * <p>Timings are {@link System#nanoTime()} differences, taken around the whole engine call (argument checks, store
 * calls, events). Every call is reported, with its outcome or, when it throws, its error code (an argument the
 * engine refuses is a failure with INVALID_ARGUMENT or INVALID_CODE), except a call a closed engine refuses with
 * ENGINE_CLOSED.
 */
public interface EngineObserver {
  /** An observer that does nothing; the engine's default when none is added. */
  EngineObserver NONE = new EngineObserver() {
    @Override
    public String toString() {
      return "EngineObserver.NONE";
    }
  };

  /**
   * Called once when an engine built with this observer is ready, at the end of
   * {@code CouponEngine.Builder.build()} (before {@code build()} returns), with the engine's store. A metrics binding
   * looks at the store here, for example for a {@link io.couponengine.cache.NearCachedStore} whose cache statistics
   * it reports. An observer given to several engines is called once for each.
   *
   * @param store the store of the engine that was built ({@code engine.config().store()})
   */
  default void onEngineStarted(CouponStore store) {}

  /**
   * Called once when an engine built with this observer is closed, the first time {@code CouponEngine.close()}
   * runs, with the engine's store (which the engine does not close).
   *
   * @param store the store of the engine that closed
   */
  default void onEngineClosed(CouponStore store) {}

  /**
   * A claim ended with an outcome: {@code CouponEngine.claim} and {@code CouponEngine.claimByCode} (one call each).
   * Grants are not claims here: they are reported per outcome by {@link #onGrant}.
   *
   * @param templateId the template id the caller asked for (also for TEMPLATE_NOT_FOUND: any well-formed id, so
   *     do not use it as a metric tag for that outcome); for a claim by code, the template the code belongs to, or
   *     null when the code matches no template
   * @param outcome how the claim ended (CLAIMED, DUPLICATE or a refusal)
   * @param nanos how long the claim took, in nanoseconds
   */
  default void onClaim(String templateId, ClaimOutcome outcome, long nanos) {}

  /**
   * A claim failed with an exception instead of an outcome (the engine then throws a
   * {@link io.couponengine.error.CouponException} with this code to the caller): typically STORE_UNAVAILABLE, or
   * INVALID_ARGUMENT / INVALID_CODE for a request the engine refused.
   *
   * @param templateId the template claimed, or null when it was not known yet (a null request, a typed code that
   *     cannot be one)
   * @param error the exception's error code
   * @param nanos how long the call took until it failed, in nanoseconds
   */
  default void onClaimFailed(String templateId, ErrorCode error, long nanos) {}

  /**
   * One batch of an operator grant ({@code CouponEngine.grant}) ended: called once per outcome that occurred in the
   * batch, with how many users got it. Grants are counted here, per user, and not by {@link #onClaim}, so bulk
   * grants do not skew the claim latency.
   *
   * @param templateId the granted template
   * @param outcome the outcome
   * @param users how many users of the batch got this outcome, 1 or more
   */
  default void onGrant(String templateId, ClaimOutcome outcome, long users) {}

  /**
   * A reservation ended with an outcome: {@code CouponEngine.reserve}, plain or priced (one call each).
   *
   * @param outcome RESERVED or a refusal
   * @param nanos how long the reservation took (for a priced one, the settlement included), in nanoseconds
   */
  default void onReserve(RedemptionOutcome outcome, long nanos) {}

  /**
   * A reservation failed with an exception (the engine then throws a {@link io.couponengine.error.CouponException}
   * with this code).
   *
   * @param error the exception's error code
   * @param nanos how long the call took until it failed, in nanoseconds
   */
  default void onReserveFailed(ErrorCode error, long nanos) {}

  /**
   * A cart was priced: {@code CouponEngine.settle} or {@code CouponEngine.bestCombination} returned.
   *
   * @param nanos how long it took, in nanoseconds
   */
  default void onSettle(long nanos) {}

  /**
   * Pricing a cart failed with an exception ({@code settle} or {@code bestCombination}).
   *
   * @param error the exception's error code
   * @param nanos how long the call took until it failed, in nanoseconds
   */
  default void onSettleFailed(ErrorCode error, long nanos) {}

  /**
   * A template's code generation progressed, on the generation executor: called once when a generation (the first
   * one, or one of {@code addCodes}) starts, with the codes already loaded (0 for a first generation), then after
   * each batch loaded; {@code generated == total} on the last call of a generation that succeeds. A generation
   * that fails makes no further call (its template's {@code TEMPLATE_FAILED} event, or the future of
   * {@code addCodes}, tells).
   *
   * @param templateId the template
   * @param generated codes loaded so far (the template's serials below this number are in the store)
   * @param total codes this generation loads up to (the template's total)
   */
  default void onGenerationProgress(String templateId, long generated, long total) {}

  /**
   * One run of a sweep ended: {@code expireDue()} reports {@link SweepKind#EXPIRED_TEMPLATES} and
   * {@link SweepKind#EXPIRED_COUPONS}, {@code releaseStaleReservations()} {@link SweepKind#RELEASED_RESERVATIONS},
   * whether called directly or by the scheduled sweep. Called once per kind and run, also when nothing was due.
   * Passive expiry on reads is not reported.
   *
   * @param kind what was swept
   * @param count how many were expired or released by this run, 0 or more
   */
  default void onSweep(SweepKind kind, int count) {}
}
