package io.couponengine;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.error.CouponException;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.EventType;
import io.couponengine.event.SweepKind;
import io.couponengine.spi.CouponStore;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expiry both ways, as Redis expires keys: passively on every read (a coupon or template past its window is shown,
 * and persisted, as EXPIRED) and actively by the sweep (expired templates and coupons in batches, then stale
 * reservations). Safe to run on several engines at once: every change is a conditional store update.
 */
final class Expiry {
  private static final Logger log = LoggerFactory.getLogger(Expiry.class);

  private final CouponStore store;
  private final Clock clock;
  private final EventBus events;
  private final int sweepBatchSize;
  private final Consumer<String> templateExpired;

  /**
   * Creates the expiry of one engine.
   *
   * @param store the store
   * @param clock the clock
   * @param events where expiry and release events go
   * @param sweepBatchSize coupons (or reservations) per store call
   * @param templateExpired told the id of each template this engine expired (the claim path forgets it)
   */
  Expiry(CouponStore store, Clock clock, EventBus events, int sweepBatchSize, Consumer<String> templateExpired) {
    this.store = store;
    this.clock = clock;
    this.events = events;
    this.sweepBatchSize = sweepBatchSize;
    this.templateExpired = templateExpired;
  }

  /**
   * Runs one active sweep: expires every template past its claim window and every USABLE coupon past its validity,
   * in batches of the configured sweep batch size. Safe to run on several engines at once.
   *
   * @return how many coupons and templates this call expired
   * @throws CouponException STORE_UNAVAILABLE
   */
  int expireDue() {
    Instant now = clock.instant();
    int templates = 0;
    try {
      for (TemplateStatus s : List.of(TemplateStatus.AVAILABLE, TemplateStatus.PAUSED, TemplateStatus.CREATING)) {
        for (Template t : StoreCalls.call("find templates", () -> store.findTemplates(s))) {
          if (t.isPastClaimWindow(now) && expireTemplate(t, now)) {
            templates++;
          }
        }
      }
    } finally {
      events.observers().onSweep(SweepKind.EXPIRED_TEMPLATES, templates); // what was done, also when it failed
    }
    int coupons = 0;
    try {
      while (true) {
        List<Coupon> batch = StoreCalls.call("expire coupons",
            () -> store.expireDueCoupons(now, sweepBatchSize));
        for (Coupon c : batch) {
          events.publish(CouponEvent.ofCoupon(EventType.EXPIRED, now, c));
        }
        coupons += batch.size();
        if (batch.size() < sweepBatchSize) {
          return templates + coupons;
        }
      }
    } finally {
      events.observers().onSweep(SweepKind.EXPIRED_COUPONS, coupons);
    }
  }

  /**
   * Releases every reservation held longer than the reservation timeout. The scheduled sweep calls this too.
   *
   * @return how many orders were released
   * @throws CouponException STORE_UNAVAILABLE
   */
  int releaseStaleReservations() {
    Instant now = clock.instant();
    int released = 0;
    try {
      while (true) {
        List<String> stale = StoreCalls.call("find stale reservations",
            () -> store.findStaleReservations(now, sweepBatchSize));
        int before = released;
        for (String orderId : stale) {
          RedemptionResult r = StoreCalls.call("release", () -> store.release(orderId, now));
          if (r.outcome().isSuccess() && !r.replayed()) {
            released++;
            events.publishOrder(EventType.RELEASED, now, r);
          }
        }
        if (stale.size() < sweepBatchSize || released == before) {
          return released;
        }
      }
    } finally {
      events.observers().onSweep(SweepKind.RELEASED_RESERVATIONS, released); // also what a failed run did
    }
  }

  /** The scheduled sweep: both sweeps, a failure logged and retried at the next interval. */
  void sweep() {
    try {
      expireDue();
      releaseStaleReservations();
    } catch (RuntimeException e) {
      log.warn("scheduled expiry sweep failed; it runs again at the next interval", e);
    }
  }

  /** A template as seen now (past its claim window: EXPIRED, persisted). */
  Template passiveExpire(Template t) {
    return passiveExpire(t, clock.instant());
  }

  Template passiveExpire(Template t, Instant now) {
    if (t.statusAt(now) == TemplateStatus.EXPIRED && t.status() != TemplateStatus.EXPIRED) {
      expireTemplate(t, now);
      return t.withStatus(TemplateStatus.EXPIRED, null);
    }
    return t;
  }

  private boolean expireTemplate(Template t, Instant now) {
    boolean changed = StoreCalls.call("expire template",
        () -> store.updateTemplateStatus(t.id(), t.status(), TemplateStatus.EXPIRED, null));
    if (changed) {
      templateExpired.accept(t.id());
      events.publish(CouponEvent.ofTemplate(EventType.TEMPLATE_EXPIRED, now, t.id(), Map.of()));
    }
    return changed;
  }

  /** A coupon as seen now (past its validity: EXPIRED, persisted). */
  Coupon passiveExpire(Coupon c, Instant now) {
    if (c.statusAt(now) == CouponStatus.EXPIRED && c.status() != CouponStatus.EXPIRED) {
      Optional<Coupon> changed = StoreCalls.call("expire coupon", () -> store.expireCoupon(c, now));
      changed.ifPresent(e -> events.publish(CouponEvent.ofCoupon(EventType.EXPIRED, now, e)));
      return c.withStatus(CouponStatus.EXPIRED, null);
    }
    return c;
  }
}
