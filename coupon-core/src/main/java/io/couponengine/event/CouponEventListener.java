package io.couponengine.event;

/**
 * Receives {@link CouponEvent}s. The engine calls listeners synchronously on the thread that caused the event
 * (claim threads, the generation executor, the sweeper), after the store acknowledged the change; keep them fast
 * and hand heavy work to your own executor. An exception thrown by a listener is logged and swallowed: it never
 * undoes or fails the operation. Events may be delivered more than once by durable transports; use
 * {@link CouponEvent#id()} to apply each once.
 *
 * <pre>{@code
 * CouponEngine engine = CouponEngine.builder()
 *     .listener(e -> metrics.count(e.type()))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface CouponEventListener {
  /**
   * Called once per event by the engine.
   *
   * @param event the event
   */
  void onEvent(CouponEvent event);
}
