package io.couponengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.event.EngineObserver;
import io.couponengine.event.SweepKind;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.settlement.Cart;
import io.couponengine.settlement.CartLine;
import io.couponengine.spi.CouponStore;
import io.couponengine.template.Template;
import io.couponengine.testing.ForwardingStore;
import io.couponengine.testing.MutableClock;
import io.couponengine.testing.Specs;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine reports its operations to {@link EngineObserver}s, and an observer can never break one. */
class EngineObserverTest {
  private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");
  private final MutableClock clock = new MutableClock(T0);
  private final ForwardingStore store = new ForwardingStore(new InMemoryCouponStore());
  private final Recorder recorder = new Recorder();
  private final CouponEngine engine = CouponEngine.builder().store(store).clock(clock).executor(Runnable::run)
      .generationBatchSize(100).observer(recorder).build();

  @AfterEach
  void close() {
    engine.close();
  }

  /** Writes each call as a line, with "t" for a positive time. */
  static final class Recorder implements EngineObserver {
    final List<String> calls = new CopyOnWriteArrayList<>();

    private static String t(long nanos) {
      return nanos > 0 ? "t" : "no time: " + nanos;
    }

    @Override
    public void onEngineStarted(CouponStore store) {
      calls.add("started " + store.getClass().getSimpleName());
    }

    @Override
    public void onEngineClosed(CouponStore store) {
      calls.add("closed " + store.getClass().getSimpleName());
    }

    @Override
    public void onClaim(String templateId, ClaimOutcome outcome, long nanos) {
      calls.add("claim " + templateId + " " + outcome + " " + t(nanos));
    }

    @Override
    public void onClaimFailed(String templateId, ErrorCode error, long nanos) {
      calls.add("claim failed " + templateId + " " + error + " " + t(nanos));
    }

    @Override
    public void onGrant(String templateId, ClaimOutcome outcome, long users) {
      calls.add("grant " + templateId + " " + outcome + " " + users);
    }

    @Override
    public void onReserve(RedemptionOutcome outcome, long nanos) {
      calls.add("reserve " + outcome + " " + t(nanos));
    }

    @Override
    public void onReserveFailed(ErrorCode error, long nanos) {
      calls.add("reserve failed " + error + " " + t(nanos));
    }

    @Override
    public void onSettle(long nanos) {
      calls.add("settle " + t(nanos));
    }

    @Override
    public void onSettleFailed(ErrorCode error, long nanos) {
      calls.add("settle failed " + error + " " + t(nanos));
    }

    @Override
    public void onGenerationProgress(String templateId, long generated, long total) {
      calls.add("generation " + templateId + " " + generated + "/" + total);
    }

    @Override
    public void onSweep(SweepKind kind, int count) {
      calls.add("sweep " + kind + " " + count);
    }

    List<String> starting(String prefix) {
      return calls.stream().filter(c -> c.startsWith(prefix)).toList();
    }
  }

  private Template ready(long total, int perUser) {
    return engine.generation(engine.createTemplate(Specs.threshold(total, perUser)).id()).join();
  }

  @Test
  void claim_reportsEachOutcomeWithItsTemplateAndTime() {
    Template t = ready(3, 1);
    engine.claim(new ClaimRequest("a", t.id(), "k1"));
    engine.claim(new ClaimRequest("a", t.id(), "k1"));
    engine.claim(new ClaimRequest("a", t.id(), "k2"));
    engine.claim(new ClaimRequest("b", t.id(), "k"));
    engine.claim(new ClaimRequest("c", t.id(), "k"));
    engine.claim(new ClaimRequest("d", t.id(), "k"));
    engine.claim(new ClaimRequest("d", "no-such-template", "k"));
    String id = t.id();
    assertThat(recorder.starting("claim")).containsExactly(
        "claim " + id + " CLAIMED t", "claim " + id + " DUPLICATE t", "claim " + id + " LIMIT_REACHED t",
        "claim " + id + " CLAIMED t", "claim " + id + " CLAIMED t", "claim " + id + " SOLD_OUT t",
        "claim no-such-template TEMPLATE_NOT_FOUND t");
  }

  @Test
  void claim_storeFailure_isReportedWithItsCodeAndStillThrown() {
    Template t = ready(3, 1);
    store.failOn("claim", new IllegalStateException("connection refused"));
    assertThatThrownBy(() -> engine.claim(new ClaimRequest("a", t.id(), "k")))
        .isInstanceOfSatisfying(CouponException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
    assertThatThrownBy(() -> engine.claim(null)).isInstanceOf(CouponException.class);
    assertThat(recorder.starting("claim")).containsExactly(
        "claim failed " + t.id() + " STORE_UNAVAILABLE t", "claim failed null INVALID_ARGUMENT t");
  }

  @Test
  void claimByCode_reportsTheCodesTemplate() {
    Template shared = engine.generation(engine.createTemplate(
        Specs.thresholdBuilder(1).totalCount(5).sharedCode("SUMMER20").build()).id()).join();
    engine.claimByCode("a", "summer20", "k");
    engine.claimByCode("a", "NOPE", "k");
    assertThatThrownBy(() -> engine.claimByCode("a", "has space", "k")).isInstanceOf(CouponException.class);
    assertThatThrownBy(() -> engine.claimByCode(null, "summer20", "k")).isInstanceOf(CouponException.class);
    assertThat(recorder.starting("claim")).containsExactly(
        "claim " + shared.id() + " CLAIMED t", "claim null CODE_NOT_FOUND t", "claim failed null INVALID_CODE t",
        "claim failed null INVALID_ARGUMENT t");
  }

  @Test
  void grant_reportsUsersPerOutcome() {
    Template t = ready(10, 1);
    engine.claim(new ClaimRequest("b", t.id(), "k"));
    engine.grant(t.id(), "g1", List.of("a", "b", "c")).join();
    assertThat(recorder.starting("grant")).containsExactlyInAnyOrder(
        "grant " + t.id() + " CLAIMED 2", "grant " + t.id() + " LIMIT_REACHED 1");
    assertThat(recorder.starting("claim")).hasSize(1); // grants are not claims
  }

  @Test
  void generation_reportsTheStartAndEachBatch() {
    Template t = ready(350, 1);
    assertThat(recorder.starting("generation")).containsExactly("generation " + t.id() + " 0/350",
        "generation " + t.id() + " 100/350", "generation " + t.id() + " 200/350",
        "generation " + t.id() + " 300/350", "generation " + t.id() + " 350/350");
    recorder.calls.clear();
    engine.addCodes(t.id(), 150).join();
    assertThat(recorder.starting("generation")).containsExactly("generation " + t.id() + " 350/500",
        "generation " + t.id() + " 450/500", "generation " + t.id() + " 500/500");
  }

  @Test
  void sweeps_reportWhatEachRunDid() {
    Template fixed = engine.generation(engine.createTemplate(
        Specs.fixed(10, 5, T0, T0.plus(Duration.ofDays(1)))).id()).join();
    Template rolling = ready(10, 5);
    for (int i = 0; i < 3; i++) {
      engine.claim(new ClaimRequest("u", fixed.id(), "k" + i));
    }
    String code = engine.claim(new ClaimRequest("u", rolling.id(), "r")).coupon().orElseThrow().code();
    engine.reserve("u", "order-1", List.of(code));
    clock.advance(Duration.ofDays(2));
    assertThat(engine.expireDue()).isEqualTo(4);
    assertThat(engine.releaseStaleReservations()).isEqualTo(1);
    assertThat(engine.expireDue()).isZero();
    assertThat(recorder.starting("sweep")).containsExactly("sweep EXPIRED_TEMPLATES 1", "sweep EXPIRED_COUPONS 3",
        "sweep RELEASED_RESERVATIONS 1", "sweep EXPIRED_TEMPLATES 0", "sweep EXPIRED_COUPONS 0");
  }

  @Test
  void reserveAndSettle_areReportedWithOutcomesAndFailures() {
    Template t = ready(10, 5);
    String code = engine.claim(new ClaimRequest("u", t.id(), "k")).coupon().orElseThrow().code();
    Cart cart = new Cart("u", List.of(new CartLine("g1", "books", null, new BigDecimal("150.00"), 1)));
    engine.settle(cart, List.of(code));
    engine.bestCombination(cart);
    engine.reserve(cart, "order-1", List.of(code));
    engine.reserve("other", "order-2", List.of(code));
    assertThatThrownBy(() -> engine.reserve("u", "order-3", List.of())).isInstanceOf(CouponException.class);
    store.failOn("findCouponsByUser", new IllegalStateException("down"));
    assertThatThrownBy(() -> engine.bestCombination(cart)).isInstanceOf(CouponException.class);
    assertThat(recorder.starting("settle")).containsExactly("settle t", "settle t",
        "settle failed STORE_UNAVAILABLE t");
    assertThat(recorder.starting("reserve")).containsExactly("reserve RESERVED t", "reserve NOT_OWNER t",
        "reserve failed INVALID_ARGUMENT t");
  }

  @Test
  void lifecycle_startedOnceAtBuildAndClosedOnceAtClose() {
    assertThat(recorder.calls).first().isEqualTo("started ForwardingStore");
    engine.close();
    engine.close();
    assertThat(recorder.starting("closed")).containsExactly("closed ForwardingStore");
    assertThatThrownBy(() -> engine.claim(new ClaimRequest("a", "t", "k"))).isInstanceOf(CouponException.class);
    assertThat(recorder.starting("claim")).isEmpty(); // ENGINE_CLOSED is not reported
  }

  @Test
  void throwingObserver_neverBreaksAClaim_andLaterObserversStillRun() {
    EngineObserver broken = new EngineObserver() {
      @Override
      public void onClaim(String templateId, ClaimOutcome outcome, long nanos) {
        throw new IllegalStateException("metrics backend down");
      }

      @Override
      public void onGenerationProgress(String templateId, long generated, long total) {
        throw new IllegalStateException("metrics backend down");
      }

      @Override
      public void onSweep(SweepKind kind, int count) {
        throw new IllegalStateException("metrics backend down");
      }
    };
    Recorder after = new Recorder();
    try (CouponEngine e = CouponEngine.builder().executor(Runnable::run).observer(broken).observer(after).build()) {
      Template t = e.generation(e.createTemplate(Specs.threshold(2, 1)).id()).join();
      assertThat(e.claim(new ClaimRequest("a", t.id(), "k")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
      assertThat(e.claim(new ClaimRequest("b", t.id(), "k")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
      assertThat(e.claim(new ClaimRequest("c", t.id(), "k")).outcome()).isEqualTo(ClaimOutcome.SOLD_OUT);
      assertThat(e.expireDue()).isZero();
      assertThat(after.starting("claim")).hasSize(3);
      assertThat(after.starting("generation")).hasSize(2);
      assertThat(after.starting("sweep")).hasSize(2);
    }
  }

  @Test
  void builder_addsObserversInOrder_andRefusesNull() {
    EngineObserver first = new Recorder();
    EngineObserver second = EngineObserver.NONE;
    CouponEngine.Builder b = CouponEngine.builder().observer(first).observer(second);
    try (CouponEngine e = b.build()) {
      assertThat(e.config().observers()).containsExactly(first, second);
    }
    assertThatThrownBy(() -> b.observer(null)).isInstanceOfSatisfying(CouponException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    try (CouponEngine plain = CouponEngine.builder().build()) {
      assertThat(plain.config().observers()).isEmpty();
    }
  }
}
