package io.couponengine.internal;

import io.couponengine.spi.CouponEvent;
import io.couponengine.spi.CouponEventListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers events to the configured listeners; a failing listener is logged and never fails the operation. */
public final class EventBus {
  private static final Logger log = LoggerFactory.getLogger(EventBus.class);
  private final CouponEventListener[] listeners;

  /**
   * Creates a bus.
   *
   * @param listeners the listeners, called in order
   */
  public EventBus(List<CouponEventListener> listeners) {
    this.listeners = listeners.toArray(new CouponEventListener[0]);
  }

  /**
   * Delivers one event to every listener.
   *
   * @param event the event
   */
  public void publish(CouponEvent event) {
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
  public boolean hasListeners() {
    return listeners.length > 0;
  }
}
