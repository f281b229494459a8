package io.couponengine.examples;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.settlement.Cart;
import io.couponengine.settlement.CartLine;
import io.couponengine.settlement.PricedReservation;
import io.couponengine.spi.CouponStore;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStats;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One template through a shop's promotion calendar, on the embedded store with a clock the demo moves: claims open
 * at the start of a claim window, coupons claimed before the sale are PENDING until its use window opens, the
 * operator pauses and resumes claims, adds stock when the first codes run out, a priced reservation settles a cart and holds its coupon with the saving, a
 * paid order is refunded (revert), a payment that arrives after the sweeper released its reservation is still
 * committed, and claims close with the window. The last line is one JSON object with the template's figures recounted from the store.
 *
 * <pre>
 * java -cp coupon-examples/target/coupon-examples.jar io.couponengine.examples.PromotionCalendarDemo
 * </pre>
 */
public final class PromotionCalendarDemo {
  private PromotionCalendarDemo() {}

  /** A clock the demo moves by hand, as the tests do. */
  private static final class StepClock extends Clock {
    private volatile Instant now;

    StepClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /**
   * Runs the demo.
   *
   * @param argv ignored
   * @throws Exception when the JSON line cannot be written
   */
  public static void main(String[] argv) throws Exception {
    Instant start = Instant.parse("2026-12-01T00:00:00Z");
    Instant saleOpens = start.plus(Duration.ofDays(1));
    StepClock clock = new StepClock(start);
    CouponStore store = new InMemoryCouponStore();
    try (CouponEngine engine = CouponEngine.builder().store(store).clock(clock).executor(Runnable::run).build()) {
      Instant claimsOpen = start.plus(Duration.ofHours(12));
      Template t = engine.createTemplate(TemplateSpec.builder()
          .name("Winter sale: 10 off 50")
          .category(CouponCategory.DIRECT)
          .productLine("mall")
          .totalCount(3)
          .perUserLimit(1)
          .validity(Validity.fixed(saleOpens, saleOpens.plus(Duration.ofDays(7))))
          .claimWindow(claimsOpen, saleOpens.plus(Duration.ofDays(3)))
          .minimumSubtotal(new BigDecimal("50.00"))
          .discount(Discount.amountOff(new BigDecimal("10.00")))
          .build());
      t = engine.generation(t.id()).join();
      say(clock, "template %s created, %s; claims open %s, the sale %s", t.id(), t.status(), claimsOpen,
          saleOpens);
      say(clock, "alice tries early: %s", engine.claim(new ClaimRequest("alice", t.id(), "early")).outcome());
      clock.advance(Duration.ofHours(12));

      Coupon alice = claim(engine, clock, "alice", t);
      Coupon bob = claim(engine, clock, "bob", t);
      say(clock, "alice's PENDING coupons: %d, USABLE: %d", engine.coupons("alice", CouponStatus.PENDING).size(),
          engine.coupons("alice", CouponStatus.USABLE).size());
      say(clock, "reserve before the sale: %s", engine.reserve("alice", "too-early", List.of(alice.code()))
          .outcome());

      engine.pause(t.id());
      say(clock, "paused; carol's claim: %s", engine.claim(new ClaimRequest("carol", t.id(), "c-1")).outcome());
      engine.resume(t.id());
      say(clock, "resumed; carol's claim: %s", engine.claim(new ClaimRequest("carol", t.id(), "c-1")).outcome());
      say(clock, "all %d codes are out; erin's claim: %s", t.totalCount(),
          engine.claim(new ClaimRequest("erin", t.id(), "e-1")).outcome());
      Template more = engine.addCodes(t.id(), 97).join();
      say(clock, "97 more codes, same permutation: total %d; erin's claim: %s", more.totalCount(),
          engine.claim(new ClaimRequest("erin", t.id(), "e-1")).outcome());

      clock.advance(Duration.ofDays(1));
      say(clock, "the sale opens; alice's USABLE coupons: %d", engine.coupons("alice", CouponStatus.USABLE).size());

      Cart small = new Cart("alice", List.of(new CartLine("scarf", "fashion", null, new BigDecimal("30.00"), 1)));
      say(clock, "a 30.00 cart: %s", engine.reserve(small, "order-small", List.of(alice.code())).reservation()
          .outcome());
      Cart cart = new Cart("alice", List.of(new CartLine("coat", "fashion", null, new BigDecimal("80.00"), 1)));
      PricedReservation priced = engine.reserve(cart, "order-a", List.of(alice.code()));
      say(clock, "an 80.00 cart: %s, pays %s, saving %s", priced.reservation().outcome(),
          priced.settlement().finalPrice(), priced.reservation().savings());
      say(clock, "order-a: %s", engine.commit("order-a").outcome());
      RedemptionResult refund = engine.revert("order-a");
      say(clock, "order-a refunded: %s, alice's coupon is %s again", refund.outcome(),
          refund.coupons().get(0).status());

      engine.reserve("bob", "order-b", List.of(bob.code()));
      clock.advance(Duration.ofMinutes(31));
      say(clock, "the sweeper released %d stale reservation(s)", engine.releaseStaleReservations());
      say(clock, "bob's payment arrives late: %s", engine.commit("order-b").outcome());
      clock.advance(Duration.ofDays(3));
      say(clock, "claims closed: dave's claim: %s", engine.claim(new ClaimRequest("dave", t.id(), "d-1"))
          .outcome());

      TemplateStats stats = engine.stats(t.id());
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("template", t.id());
      figures.put("issued", stats.issued());
      figures.put("usable", stats.usable());
      figures.put("reserved", stats.reserved());
      figures.put("used", stats.used());
      figures.put("expired", stats.expired());
      figures.put("remaining", stats.remaining());
      figures.put("discount_given", stats.discountGiven().toPlainString());
      figures.put("recounted", recount(store, t, List.of("alice", "bob", "carol", "erin"), clock.instant()));
      System.out.println(ClaimLoad.json(figures));
    }
  }

  private static Coupon claim(CouponEngine engine, StepClock clock, String user, Template t) {
    ClaimResult r = engine.claim(new ClaimRequest(user, t.id(), user + "-1"));
    say(clock, "%s claims: %s", user, r.outcome());
    return r.coupon().orElseThrow();
  }

  /** The template's figures counted from the store's own data (the demo knows its users). */
  private static Map<String, Object> recount(CouponStore store, Template t, List<String> users, Instant now) {
    Map<String, Long> byStatus = new LinkedHashMap<>();
    for (CouponStatus s : CouponStatus.values()) {
      byStatus.put(s.name().toLowerCase(java.util.Locale.ROOT), 0L);
    }
    long issued = 0;
    for (String user : users) {
      for (Coupon c : store.findCouponsByUser(user)) {
        if (c.templateId().equals(t.id())) {
          issued++;
          byStatus.merge(c.statusAt(now).name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("issued", issued);
    out.putAll(byStatus);
    out.put("remaining", store.remainingCodes(t.id()));
    return out;
  }

  private static void say(StepClock clock, String format, Object... args) {
    System.out.printf("[%s] %s%n", clock.instant(), String.format(format, args));
  }
}
