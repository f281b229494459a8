package io.couponengine.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.CouponEngine;
import io.couponengine.cache.NearCachedStore;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.settlement.Cart;
import io.couponengine.settlement.CartLine;
import io.couponengine.spi.CouponStore;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.testing.ForwardingStore;
import io.couponengine.testing.MutableClock;
import io.couponengine.testing.Specs;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real engines, real claims, a {@link SimpleMeterRegistry}: the meters show exactly what happened. */
class CouponEngineMetricsTest {
  private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");
  private final MutableClock clock = new MutableClock(T0);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<CouponEngine> engines = new ArrayList<>();

  @AfterEach
  void close() {
    engines.forEach(CouponEngine::close);
  }

  private CouponEngine engine(CouponStore store, CouponEngineMetrics metrics) {
    CouponEngine e = CouponEngine.builder().store(store).clock(clock).executor(Runnable::run)
        .generationBatchSize(100).observer(metrics).build();
    engines.add(e);
    return e;
  }

  private static Template ready(CouponEngine engine, TemplateSpec spec) {
    return engine.generation(engine.createTemplate(spec).id()).join();
  }

  private static double claims(MeterRegistry r, String outcome) {
    return r.get("coupon.claims").tag("outcome", outcome).functionCounter().count();
  }

  /** Eight users claim, two of them again with new keys: 8 CLAIMED, 2 LIMIT_REACHED. */
  private static void tenClaims(CouponEngine engine, String templateId) {
    for (int i = 0; i < 8; i++) {
      assertThat(engine.claim(new ClaimRequest("u" + i, templateId, "k")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    }
    for (int i = 0; i < 2; i++) {
      assertThat(engine.claim(new ClaimRequest("u" + i, templateId, "again")).outcome())
          .isEqualTo(ClaimOutcome.LIMIT_REACHED);
    }
  }

  @Test
  void claims_areCountedByOutcome_andTimed() {
    CouponEngineMetrics metrics = CouponEngineMetrics.builder().build();
    metrics.bindTo(registry);
    CouponEngine engine = engine(new InMemoryCouponStore(), metrics);
    Template t = ready(engine, Specs.threshold(100, 1));
    tenClaims(engine, t.id());

    assertThat(claims(registry, "CLAIMED")).isEqualTo(8);
    assertThat(claims(registry, "LIMIT_REACHED")).isEqualTo(2);
    assertThat(claims(registry, "SOLD_OUT")).isZero(); // registered up front
    assertThat(claims(registry, "ERROR")).isZero();
    Timer timer = registry.get("coupon.claim").timer();
    assertThat(timer.count()).isEqualTo(10);
    assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(timer.takeSnapshot().percentileValues()).isEmpty();
    assertThat(registry.find("coupon.claims").tagKeys("template").meters()).isEmpty();
  }

  @Test
  void bindTo_afterTheClaims_stillShowsThem_andSeveralRegistriesSeeTheSame() {
    CouponEngineMetrics metrics = CouponEngineMetrics.builder().build();
    CouponEngine engine = engine(new InMemoryCouponStore(), metrics);
    Template t = ready(engine, Specs.threshold(100, 1));
    tenClaims(engine, t.id()); // no registry bound yet: nothing fails

    metrics.bindTo(registry);
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    metrics.bindTo(second);
    metrics.bindTo(second); // twice: harmless
    for (MeterRegistry r : List.of(registry, second)) {
      assertThat(claims(r, "CLAIMED")).isEqualTo(8);
      assertThat(claims(r, "LIMIT_REACHED")).isEqualTo(2);
      assertThat(r.get("coupon.generation.codes").functionCounter().count()).isEqualTo(100);
      assertThat(r.get("coupon.claim").timer().count()).isZero(); // timers record from the first bindTo on
    }
    engine.claim(new ClaimRequest("late", t.id(), "k"));
    for (MeterRegistry r : List.of(registry, second)) {
      assertThat(claims(r, "CLAIMED")).isEqualTo(9);
      assertThat(r.get("coupon.claim").timer().count()).isEqualTo(1);
    }
  }

  @Test
  void templateTag_on_givesEachTemplateItsSeries_andUnknownIdsOne() {
    CouponEngineMetrics metrics = CouponEngineMetrics.builder().templateTag(true).build();
    metrics.bindTo(registry);
    CouponEngine engine = engine(new InMemoryCouponStore(), metrics);
    Template a = ready(engine, Specs.threshold(100, 1));
    Template b = ready(engine, Specs.threshold(2, 1));
    tenClaims(engine, a.id());
    for (int i = 0; i < 3; i++) {
      engine.claim(new ClaimRequest("u" + i, b.id(), "k"));
    }
    for (int i = 0; i < 5; i++) {
      engine.claim(new ClaimRequest("u", "made-up-" + i, "k"));
    }

    assertThat(registry.get("coupon.claims").tags("template", a.id(), "outcome", "CLAIMED").functionCounter()
        .count()).isEqualTo(8);
    assertThat(registry.get("coupon.claims").tags("template", a.id(), "outcome", "LIMIT_REACHED")
        .functionCounter().count()).isEqualTo(2);
    assertThat(registry.get("coupon.claims").tags("template", b.id(), "outcome", "CLAIMED").functionCounter()
        .count()).isEqualTo(2);
    assertThat(registry.get("coupon.claims").tags("template", b.id(), "outcome", "SOLD_OUT").functionCounter()
        .count()).isEqualTo(1);
    assertThat(registry.get("coupon.claims").tags("template", "unknown", "outcome", "TEMPLATE_NOT_FOUND")
        .functionCounter().count()).isEqualTo(5);
    assertThat(registry.find("coupon.claims").tag("template", b.id()).meters()).hasSize(2); // only what occurred
    assertThat(registry.get("coupon.claim").tag("template", a.id()).timer().count()).isEqualTo(10);
    assertThat(registry.get("coupon.generation.codes").tag("template", b.id()).functionCounter().count())
        .isEqualTo(2);
  }

  @Test
  void failedClaims_areCountedAsErrorWithTheirCode() {
    CouponEngineMetrics metrics = CouponEngineMetrics.builder().build();
    metrics.bindTo(registry);
    ForwardingStore store = new ForwardingStore(new InMemoryCouponStore());
    CouponEngine engine = engine(store, metrics);
    Template t = ready(engine, Specs.threshold(100, 1));
    engine.claim(new ClaimRequest("a", t.id(), "k"));
    store.failOn("claim", new IllegalStateException("connection refused"));
    for (int i = 0; i < 3; i++) {
      String user = "u" + i;
      assertThatThrownBy(() -> engine.claim(new ClaimRequest(user, t.id(), "k")))
          .isInstanceOfSatisfying(CouponException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
    }

    assertThat(claims(registry, "CLAIMED")).isEqualTo(1);
    assertThat(claims(registry, "ERROR")).isEqualTo(3);
    assertThat(registry.get("coupon.errors").tags("operation", "claim", "error", "STORE_UNAVAILABLE")
        .functionCounter().count()).isEqualTo(3);
    assertThat(registry.get("coupon.claim").timer().count()).isEqualTo(4);
  }

  @Test
  void grantsReservationsAndSettlements_areCountedAndTimed() {
    CouponEngineMetrics metrics = CouponEngineMetrics.builder().build();
    metrics.bindTo(registry);
    CouponEngine engine = engine(new InMemoryCouponStore(), metrics);
    Template t = ready(engine, Specs.threshold(100, 5));
    String code = engine.claim(new ClaimRequest("u", t.id(), "k")).coupon().orElseThrow().code();
    engine.grant(t.id(), "g", List.of("a", "b", "c")).join();
    engine.grant(t.id(), "g", List.of("a", "b", "c")).join(); // the same grant again: DUPLICATE for all
    Cart cart = new Cart("u", List.of(new CartLine("g1", "books", null, new BigDecimal("150.00"), 1)));
    engine.settle(cart, List.of(code));
    engine.bestCombination(cart);
    engine.reserve(cart, "order-1", List.of(code));
    engine.reserve("other", "order-2", List.of(code));

    assertThat(registry.get("coupon.grants").tag("outcome", "CLAIMED").functionCounter().count()).isEqualTo(3);
    assertThat(registry.get("coupon.grants").tag("outcome", "DUPLICATE").functionCounter().count()).isEqualTo(3);
    assertThat(claims(registry, "CLAIMED")).isEqualTo(1); // grants are not claims
    assertThat(registry.get("coupon.settle").timer().count()).isEqualTo(2);
    assertThat(registry.get("coupon.reserve").timer().count()).isEqualTo(2);
    assertThat(registry.get("coupon.reservations").tag("outcome", "RESERVED").functionCounter().count())
        .isEqualTo(1);
    assertThat(registry.get("coupon.reservations").tag("outcome", "NOT_OWNER").functionCounter().count())
        .isEqualTo(1);
  }

  @Test
  void generation_countsCodesAndFinishedGenerations() {
    CouponEngineMetrics metrics = CouponEngineMetrics.builder().build();
    metrics.bindTo(registry);
    CouponEngine engine = engine(new InMemoryCouponStore(), metrics);
    Template t = ready(engine, Specs.threshold(350, 1));
    assertThat(registry.get("coupon.generation.codes").functionCounter().count()).isEqualTo(350);
    assertThat(registry.get("coupon.generations").functionCounter().count()).isEqualTo(1);
    engine.addCodes(t.id(), 150).join();
    assertThat(registry.get("coupon.generation.codes").functionCounter().count()).isEqualTo(500);
    assertThat(registry.get("coupon.generations").functionCounter().count()).isEqualTo(2);
  }

  @Test
  void sweeps_countWhatTheyExpiredAndReleased() {
    CouponEngineMetrics metrics = CouponEngineMetrics.builder().build();
    metrics.bindTo(registry);
    CouponEngine engine = engine(new InMemoryCouponStore(), metrics);
    Template fixed = ready(engine, Specs.fixed(10, 5, T0, T0.plus(Duration.ofDays(1))));
    Template rolling = ready(engine, Specs.threshold(10, 5));
    for (int i = 0; i < 3; i++) {
      engine.claim(new ClaimRequest("u", fixed.id(), "k" + i));
    }
    String code = engine.claim(new ClaimRequest("u", rolling.id(), "r")).coupon().orElseThrow().code();
    engine.reserve("u", "order-1", List.of(code));
    clock.advance(Duration.ofDays(2));
    engine.expireDue();
    engine.releaseStaleReservations();
    engine.expireDue();

    assertThat(sweep("coupon.sweep", "EXPIRED_COUPONS")).isEqualTo(3);
    assertThat(sweep("coupon.sweep", "EXPIRED_TEMPLATES")).isEqualTo(1);
    assertThat(sweep("coupon.sweep", "RELEASED_RESERVATIONS")).isEqualTo(1);
    assertThat(sweep("coupon.sweep.runs", "EXPIRED_COUPONS")).isEqualTo(2);
    assertThat(sweep("coupon.sweep.runs", "RELEASED_RESERVATIONS")).isEqualTo(1);
  }

  private double sweep(String name, String kind) {
    return registry.get(name).tag("kind", kind).functionCounter().count();
  }

  @Test
  void nearCache_caffeineStatisticsAreBound() {
    CouponEngineMetrics metrics = CouponEngineMetrics.builder().build();
    NearCachedStore store = NearCachedStore.builder(new InMemoryCouponStore()).build();
    CouponEngine engine = engine(store, metrics);
    Template t = ready(engine, Specs.threshold(10, 1));
    engine.claim(new ClaimRequest("u", t.id(), "k"));
    assertThat(engine.coupons("u", CouponStatus.USABLE)).hasSize(1); // a miss: the claim invalidated the user
    assertThat(engine.coupons("u", CouponStatus.USABLE)).hasSize(1); // a hit
    assertThat(engine.coupons("u", CouponStatus.USABLE)).hasSize(1); // a hit
    metrics.bindTo(registry); // after the reads: the statistics are the cache's own

    assertThat(registry.get("cache.gets").tags("cache", "coupon.users", "result", "hit").functionCounter().count())
        .isEqualTo(2);
    assertThat(registry.get("cache.gets").tags("cache", "coupon.users", "result", "miss").functionCounter()
        .count()).isEqualTo(1);
    assertThat(registry.get("cache.gets").tags("cache", "coupon.templates", "result", "miss").functionCounter()
        .count()).isEqualTo(1);
    assertThat(registry.get("cache.size").tag("cache", "coupon.users").gauge().value()).isEqualTo(1);
    assertThat(registry.find("cache.gets").tag("cache", "coupon.catalog").meters()).isEmpty(); // no catalog TTL
    assertThat(registry.get("coupon.cache.stale.reads").functionCounter().count()).isZero();
  }

  @Test
  void percentiles_whenAsked() {
    CouponEngineMetrics metrics = CouponEngineMetrics.builder().percentiles(0.5, 0.99).build();
    metrics.bindTo(registry);
    CouponEngine engine = engine(new InMemoryCouponStore(), metrics);
    Template t = ready(engine, Specs.threshold(100, 1));
    tenClaims(engine, t.id());
    assertThat(registry.get("coupon.claim").timer().takeSnapshot().percentileValues()).hasSize(2);
  }

  @Test
  void builder_refusesBadValuesWithInvalidArgument() {
    assertInvalid(() -> CouponEngineMetrics.builder().percentiles(0.5, 1.5));
    assertInvalid(() -> CouponEngineMetrics.builder().percentiles(-0.1));
    assertInvalid(() -> CouponEngineMetrics.builder().percentiles(Double.NaN));
    assertInvalid(() -> CouponEngineMetrics.builder().percentiles((double[]) null));
    assertInvalid(() -> CouponEngineMetrics.builder().percentiles(0.5).percentiles(0.9));
    assertInvalid(() -> CouponEngineMetrics.builder().templateTag(true).templateTag(false));
    assertInvalid(() -> CouponEngineMetrics.builder().percentileHistogram(true).percentileHistogram(true));
    assertInvalid(() -> CouponEngineMetrics.builder().build().bindTo(null));
    assertThat(CouponEngineMetrics.builder().percentiles(0, 1).percentileHistogram(true).templateTag(true).build())
        .hasToString("CouponEngineMetrics[templateTag=true, percentiles=[0.0, 1.0], percentileHistogram=true]");
  }

  private static void assertInvalid(Runnable r) {
    assertThatThrownBy(r::run).isInstanceOfSatisfying(CouponException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }
}
