package io.couponengine;

import io.couponengine.coupon.RedemptionResult;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.CouponEventListener;
import io.couponengine.event.EventType;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the configured listeners; a failing listener is logged and never fails the operation. Also
 * carries the engine's {@link Observers} to the machinery that reports to them (generation, expiry, distributions).
 */
final class EventBus {
  private static final Logger log = LoggerFactory.getLogger(EventBus.class);
  private final CouponEventListener[] listeners;
  private final Observers observers;

  /**
   * Creates a bus.
   *
   * @param listeners the listeners, called in order
   * @param observers the engine's observers
   */
  EventBus(List<CouponEventListener> listeners, Observers observers) {
    this.listeners = listeners.toArray(new CouponEventListener[0]);
    this.observers = observers;
  }

  /**
   * The engine's observers (operations and timings, for metrics); never throw.
   *
   * @return the observers
   */
  Observers observers() {
    return observers;
  }

  /**
   * Delivers one event to every listener.
   *
   * @param event the event
   */
  void publish(CouponEvent event) {
    for (CouponEventListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        log.warn("event listener {} failed on {}", l, event.id(), e);
      }
    }
  }

  /**
   * Whether anyone listens (lets hot paths skip building events).
   *
   * @return true when there is at least one listener
   */
  boolean hasListeners() {
    return listeners.length > 0;
  }

  /**
   * Publishes an order event for a redemption step that changed something (a replayed step publishes nothing).
   *
   * @param type RESERVED, COMMITTED or RELEASED
   * @param now when
   * @param result the step's result
   */
  void publishOrder(EventType type, Instant now, RedemptionResult result) {
    if (result.outcome().isSuccess() && !result.replayed()) {
      String user = result.coupons().isEmpty() ? null : result.coupons().get(0).userId();
      publish(CouponEvent.ofOrder(type, now, result.orderId(), user, result.coupons()));
    }
  }
}
