package io.couponengine.cache;

import java.time.Duration;

/**
 * Told each time {@link NearCachedStore} answers a read with a stale value because the store failed
 * (stale-if-error): for a log line, a metric or an alert. Called on the reading thread; keep it quick and never
 * throw (an exception is logged and ignored).
 */
@FunctionalInterface
public interface StaleReadListener {
  /**
   * A stale value was served.
   *
   * @param kind {@code "template"} or {@code "user"} (a user's coupon list)
   * @param key the template id or the user id
   * @param age how long ago the value was read from the store
   */
  void onStaleRead(String kind, String key, Duration age);
}
