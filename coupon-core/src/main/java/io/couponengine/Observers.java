package io.couponengine;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.error.ErrorCode;
import io.couponengine.event.EngineObserver;
import io.couponengine.event.SweepKind;
import io.couponengine.spi.CouponStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's observers behind one {@link EngineObserver} that never throws: each observer is called in order and
 * a {@code RuntimeException} it throws is logged (the first one of each observer at WARN with its stack trace, the
 * later ones at DEBUG, so a broken observer cannot flood the log) and swallowed.
 */
final class Observers implements EngineObserver {
  private static final Logger log = LoggerFactory.getLogger(Observers.class);

  private final EngineObserver[] observers;
  /** Failures per observer, for the log. */
  private final AtomicLongArray failures;

  /**
   * Puts observers behind one.
   *
   * @param observers the observers, called in order; may be empty
   */
  Observers(List<EngineObserver> observers) {
    this.observers = observers.toArray(new EngineObserver[0]);
    this.failures = new AtomicLongArray(this.observers.length);
  }

  /**
   * Whether there is any observer (lets hot paths skip reading the clock).
   *
   * @return true when at least one observer was added
   */
  boolean active() {
    return observers.length > 0;
  }

  private void each(String method, Consumer<EngineObserver> call) {
    for (int i = 0; i < observers.length; i++) {
      try {
        call.accept(observers[i]);
      } catch (RuntimeException e) {
        failed(i, method, e);
      }
    }
  }

  @Override
  public void onEngineStarted(CouponStore store) {
    each("onEngineStarted", o -> o.onEngineStarted(store));
  }

  @Override
  public void onEngineClosed(CouponStore store) {
    each("onEngineClosed", o -> o.onEngineClosed(store));
  }

  @Override
  public void onClaim(String templateId, ClaimOutcome outcome, long nanos) {
    for (int i = 0; i < observers.length; i++) { // no capturing lambda on the claim path
      try {
        observers[i].onClaim(templateId, outcome, nanos);
      } catch (RuntimeException e) {
        failed(i, "onClaim", e);
      }
    }
  }

  private void failed(int i, String method, RuntimeException e) {
    long n = failures.incrementAndGet(i);
    if (n == 1) {
      log.warn("engine observer {} failed in {}; ignored (later failures of it are logged at DEBUG)",
          observers[i], method, e);
    } else if (log.isDebugEnabled()) {
      log.debug("engine observer {} failed in {} ({} failures so far)", observers[i], method, n, e);
    }
  }

  @Override
  public void onClaimFailed(String templateId, ErrorCode error, long nanos) {
    each("onClaimFailed", o -> o.onClaimFailed(templateId, error, nanos));
  }

  @Override
  public void onGrant(String templateId, ClaimOutcome outcome, long users) {
    each("onGrant", o -> o.onGrant(templateId, outcome, users));
  }

  @Override
  public void onReserve(RedemptionOutcome outcome, long nanos) {
    each("onReserve", o -> o.onReserve(outcome, nanos));
  }

  @Override
  public void onReserveFailed(ErrorCode error, long nanos) {
    each("onReserveFailed", o -> o.onReserveFailed(error, nanos));
  }

  @Override
  public void onSettle(long nanos) {
    each("onSettle", o -> o.onSettle(nanos));
  }

  @Override
  public void onSettleFailed(ErrorCode error, long nanos) {
    each("onSettleFailed", o -> o.onSettleFailed(error, nanos));
  }

  @Override
  public void onGenerationProgress(String templateId, long generated, long total) {
    each("onGenerationProgress", o -> o.onGenerationProgress(templateId, generated, total));
  }

  @Override
  public void onSweep(SweepKind kind, int count) {
    each("onSweep", o -> o.onSweep(kind, count));
  }

  @Override
  public String toString() {
    return "Observers" + List.of(observers);
  }
}
