package io.couponengine.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.template.Template;
import io.couponengine.testing.ForwardingStore;
import io.couponengine.testing.MutableClock;
import io.couponengine.testing.Specs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stale-if-error: reads fall back to the last value when the store is down; writes never do. */
class NearCachedStoreStaleTest {
  private static final CouponException DOWN =
      CouponException.storeUnavailable("read", new java.io.IOException("connection reset"));

  private final ForwardingStore backend = new ForwardingStore(new InMemoryCouponStore());
  private final FakeTicker ticker = new FakeTicker();
  private final List<String> told = new ArrayList<>();
  private final NearCachedStore store = NearCachedStore.builder(backend).ttl(Duration.ofSeconds(10))
      .jitterPercent(0).ticker(ticker).staleReadListener((kind, key, age) -> told.add(kind + " " + key + " " + age))
      .build();
  private final CouponEngine engine = CouponEngine.builder().store(store)
      .clock(new MutableClock(Instant.parse("2026-11-25T00:00:00Z"))).executor(Runnable::run).build();

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void storeDown_readsServeTheLastValue_untilMaxStaleness_andSayItWasStale() {
    Template t = engine.generation(engine.createTemplate(Specs.threshold(10, 2)).id()).join();
    Coupon c = engine.claim(new ClaimRequest("u1", t.id(), "k")).couponOrNull();
    assertThat(engine.coupons("u1", CouponStatus.USABLE)).containsExactly(c); // loaded: now remembered
    assertThat(store.findTemplate(t.id())).isPresent();

    ticker.advance(Duration.ofSeconds(30)); // past the TTL: the next read asks the store
    backend.failOn("findCouponsByUser", DOWN);
    backend.failOn("findTemplate", DOWN);
    assertThat(store.findCouponsByUser("u1")).containsExactly(c);
    assertThat(store.findTemplate(t.id())).map(Template::id).contains(t.id());
    assertThat(store.staleReads()).isEqualTo(2);
    assertThat(told).containsExactly("user u1 PT30S", "template " + t.id() + " PT30S");

    // a key never read before: nothing to fall back on
    assertThatThrownBy(() -> store.findCouponsByUser("stranger")).isSameAs(DOWN);

    // older than the maximum staleness (5 minutes by default): the failure, not a guess
    ticker.advance(NearCachedStore.DEFAULT_MAX_STALENESS);
    assertThatThrownBy(() -> store.findCouponsByUser("u1")).isSameAs(DOWN);
    assertThat(store.staleReads()).isEqualTo(2);

    // back up: fresh again
    backend.failOn("findCouponsByUser", null);
    backend.failOn("findTemplate", null);
    assertThat(store.findCouponsByUser("u1")).containsExactly(c);
    assertThat(store.staleReads()).isEqualTo(2);
  }

  @Test
  void storeDown_writesAndClaimsFail_neverServedFromTheCache() {
    Template t = engine.generation(engine.createTemplate(Specs.threshold(10, 2)).id()).join();
    engine.claim(new ClaimRequest("u1", t.id(), "k"));
    engine.coupons("u1", CouponStatus.USABLE);
    backend.failOn("claim", DOWN);
    backend.failOn("reserve", DOWN);
    assertThatThrownBy(() -> engine.claim(new ClaimRequest("u1", t.id(), "k2")))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
    String code = store.findCouponsByUser("u1").get(0).code();
    assertThatThrownBy(() -> engine.reserve("u1", "o1", List.of(code)))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
    backend.failOn("claim", null);
    assertThat(engine.claim(new ClaimRequest("u1", t.id(), "k2")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
  }

  @Test
  void otherErrors_areNeverHidden_andStaleIfErrorCanBeTurnedOff() {
    Template t = engine.generation(engine.createTemplate(Specs.threshold(10, 2)).id()).join();
    store.findTemplate(t.id());
    ticker.advance(Duration.ofSeconds(30));
    CouponException bad = CouponException.invalidField("templateId", "broken");
    backend.failOn("findTemplate", bad);
    assertThatThrownBy(() -> store.findTemplate(t.id())).isSameAs(bad);

    NearCachedStore off = NearCachedStore.builder(backend).staleIfError(Duration.ZERO).ticker(ticker).build();
    backend.failOn("findTemplate", null);
    off.findTemplate(t.id());
    ticker.advance(Duration.ofSeconds(30));
    backend.failOn("findTemplate", DOWN);
    assertThatThrownBy(() -> off.findTemplate(t.id())).isSameAs(DOWN);
  }

  @Test
  void builder_refusesBadStaleness_andAListenerThatThrowsIsIgnored() {
    assertThatThrownBy(() -> NearCachedStore.builder(backend).staleIfError(Duration.ofSeconds(-1)))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> NearCachedStore.builder(backend).staleIfError(null))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> NearCachedStore.builder(backend).staleReadListener(null))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    NearCachedStore noisy = NearCachedStore.builder(backend).ticker(ticker).staleReadListener((k, key, age) -> {
      throw new IllegalStateException("listener bug");
    }).build();
    noisy.findCouponsByUser("u9");
    ticker.advance(Duration.ofSeconds(30));
    backend.failOn("findCouponsByUser", DOWN);
    assertThat(noisy.findCouponsByUser("u9")).isEmpty();
    assertThat(noisy.staleReads()).isEqualTo(1);
  }
}
