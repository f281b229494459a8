package io.couponengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.EventType;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import io.couponengine.testing.ForwardingStore;
import io.couponengine.testing.MutableClock;
import io.couponengine.testing.Specs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CouponEngineTest {
  private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");
  private final MutableClock clock = new MutableClock(T0);
  private final ForwardingStore store = new ForwardingStore(new InMemoryCouponStore());
  private final List<CouponEvent> events = new CopyOnWriteArrayList<>();
  private final CouponEngine engine = CouponEngine.builder().store(store).clock(clock).executor(Runnable::run)
      .generationBatchSize(100).listener(events::add).build();

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void couponByCode_rejectsMalformedCodeBeforeTouchingTheStore() {
    Template t = engine.generation(engine.createTemplate(Specs.threshold(10, 1)).id()).join();
    String code = engine.claim(new ClaimRequest("u", t.id(), "k")).coupon().orElseThrow().code();
    int before = store.totalCalls();
    String typo = code.substring(0, code.length() - 2) + swapLast(code);
    for (String bad : List.of("", "hello", typo, code + "X", code.replace('-', '_'))) {
      assertThatThrownBy(() -> engine.couponByCode(bad))
          .isInstanceOf(CouponException.class)
          .extracting(e -> ((CouponException) e).code()).isEqualTo(ErrorCode.INVALID_CODE);
    }
    assertThat(store.totalCalls()).isEqualTo(before);
    assertThat(engine.couponByCode(code.toLowerCase().replace("-", ""))).isPresent();
    assertThat(store.calls("findCouponByCode")).isEqualTo(1);
  }

  private static String swapLast(String code) {
    char a = code.charAt(code.length() - 2);
    char b = code.charAt(code.length() - 1);
    return a == b ? "" + (char) (a == 'A' ? 'B' : 'A') + b : "" + b + a;
  }

  @Test
  void createTemplate_generatesAsynchronouslyAndReportsProgress() {
    Template t = engine.createTemplate(Specs.threshold(350, 1));
    assertThat(t.status()).isEqualTo(TemplateStatus.CREATING);
    Template ready = engine.generation(t.id()).join();
    assertThat(ready.status()).isEqualTo(TemplateStatus.AVAILABLE);
    assertThat(store.calls("appendCodes")).isEqualTo(4);
    assertThat(events).extracting(CouponEvent::type).containsSubsequence(EventType.TEMPLATE_CREATED,
        EventType.GENERATION_PROGRESS, EventType.TEMPLATE_READY);
    assertThat(events).filteredOn(e -> e.type() == EventType.GENERATION_PROGRESS)
        .extracting(e -> e.details().get("generated")).containsExactly("100", "200", "300", "350");
    assertThat(store.remainingCodes(t.id())).isEqualTo(350);
  }

  @Test
  void createTemplate_onDefaultExecutor_completesInBackground() throws Exception {
    try (CouponEngine async = CouponEngine.builder().build()) {
      Template t = async.createTemplate(Specs.threshold(50_000, 1));
      Template ready = async.generation(t.id()).get(30, TimeUnit.SECONDS);
      assertThat(ready.status()).isEqualTo(TemplateStatus.AVAILABLE);
      assertThat(async.claim(new ClaimRequest("u", t.id(), "k")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    }
  }

  @Test
  void generation_failure_leavesTemplateFailedNeverHalfAvailable() {
    store.failOn("appendCodes", CouponException.of(ErrorCode.CONFLICT, "disk full"));
    Template t = engine.createTemplate(Specs.threshold(500, 1));
    assertThatThrownBy(() -> engine.generation(t.id()).join())
        .isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(CouponException.class)
        .extracting(e -> ((CouponException) e).code()).isEqualTo(ErrorCode.GENERATION_FAILED);
    Template failed = engine.template(t.id()).orElseThrow();
    assertThat(failed.status()).isEqualTo(TemplateStatus.FAILED);
    assertThat(failed.failureReason()).contains("disk full");
    assertThat(engine.claim(new ClaimRequest("u", t.id(), "k")).outcome())
        .isEqualTo(ClaimOutcome.TEMPLATE_NOT_READY);
    assertThat(events).extracting(CouponEvent::type).contains(EventType.TEMPLATE_FAILED);
  }

  @Test
  void generation_retriesTransientStoreFailures() {
    ForwardingStore flaky = new ForwardingStore(new InMemoryCouponStore()) {
      private int n;

      @Override
      public long appendCodes(String id, long offset, List<String> codes) {
        if (n++ % 2 == 0) {
          super.appendCodes(id, offset, codes); // applied, but the acknowledgement is lost
          throw new IllegalStateException("connection reset");
        }
        return super.appendCodes(id, offset, codes);
      }
    };
    try (CouponEngine e = CouponEngine.builder().store(flaky).executor(Runnable::run).generationBatchSize(10)
        .build()) {
      Template t = e.generation(e.createTemplate(Specs.threshold(95, 1)).id()).join();
      assertThat(flaky.remainingCodes(t.id())).isEqualTo(95);
    }
  }

  @Test
  void generation_ofTemplateCreatedElsewhere_pollsTheStore() {
    try (CouponEngine other = CouponEngine.builder().store(store).clock(clock).build()) {
      Template t = engine.createTemplate(Specs.threshold(10, 1));
      assertThat(other.generation(t.id()).join().status()).isEqualTo(TemplateStatus.AVAILABLE);
      assertThatThrownBy(() -> other.generation("ZZZZZZ").join()).cause()
          .extracting(x -> ((CouponException) x).code()).isEqualTo(ErrorCode.TEMPLATE_NOT_FOUND);
    }
  }

  @Test
  void createTemplate_rejectsWindowAlreadyOver() {
    assertThatThrownBy(() -> engine.createTemplate(Specs.fixed(5, 1, T0.minusSeconds(100), T0)))
        .isInstanceOf(CouponException.class)
        .extracting(e -> ((CouponException) e).code()).isEqualTo(ErrorCode.INVALID_TEMPLATE);
    assertThat(store.calls("insertTemplate")).isZero();
  }

  @Test
  void claim_rejectsMalformedRequests() {
    for (ThrowingCallable bad : List.<ThrowingCallable>of(
        () -> engine.claim(null), () -> engine.claim(new ClaimRequest(null, "ABCDEF", "k")),
        () -> engine.claim(new ClaimRequest("u", " ", "k")),
        () -> engine.claim(new ClaimRequest("u", "ABCDEF", "k".repeat(129))),
        () -> engine.claim(new ClaimRequest("u", "ABCDEF", null)))) {
      assertThatThrownBy(bad)
          .isInstanceOf(CouponException.class)
          .extracting(e -> ((CouponException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }
    assertThat(store.totalCalls()).isZero();
  }

  @Test
  void claim_storeFailure_isStoreUnavailableWithCause() {
    Template t = engine.generation(engine.createTemplate(Specs.threshold(10, 1)).id()).join();
    IllegalStateException boom = new IllegalStateException("connection refused");
    store.failOn("claim", boom);
    assertThatThrownBy(() -> engine.claim(new ClaimRequest("u", t.id(), "k")))
        .isInstanceOf(CouponException.class)
        .hasCause(boom)
        .extracting(e -> ((CouponException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
    store.failOn("claim", null);
    assertThat(engine.claim(new ClaimRequest("u", t.id(), "k")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
  }

  @Test
  void claimableTemplates_excludesSoldOutLimitReachedAndExpired() {
    Template a = engine.generation(engine.createTemplate(Specs.threshold(10, 1)).id()).join();
    Template b = engine.generation(engine.createTemplate(Specs.threshold(1, 5)).id()).join();
    Template c = engine.generation(engine.createTemplate(
        Specs.fixed(10, 1, T0, T0.plus(Duration.ofHours(1)))).id()).join();
    assertThat(engine.claimableTemplates("u1")).extracting(Template::id).containsExactlyInAnyOrder(a.id(), b.id(),
        c.id());
    engine.claim(new ClaimRequest("u1", a.id(), "k"));
    engine.claim(new ClaimRequest("u2", b.id(), "k"));
    assertThat(engine.claimableTemplates("u1")).extracting(Template::id).containsExactly(c.id());
    clock.advance(Duration.ofHours(1));
    assertThat(engine.claimableTemplates("u1")).isEmpty();
    assertThat(engine.template(c.id()).orElseThrow().status()).isEqualTo(TemplateStatus.EXPIRED);
  }

  @Test
  void expireDue_sweepsCouponsAndTemplates_andPublishesEvents() {
    Template rolling = engine.generation(engine.createTemplate(Specs.threshold(10, 5)).id()).join();
    Template fixed = engine.generation(engine.createTemplate(
        Specs.fixed(10, 5, T0, T0.plus(Duration.ofDays(1)))).id()).join();
    Coupon r1 = engine.claim(new ClaimRequest("u1", rolling.id(), "a")).coupon().orElseThrow();
    engine.claim(new ClaimRequest("u1", fixed.id(), "b"));
    assertThat(engine.expireDue()).isZero();
    clock.advance(Duration.ofDays(1));
    assertThat(engine.expireDue()).isEqualTo(2); // the fixed template and its coupon
    clock.advance(Duration.ofDays(6));
    assertThat(engine.expireDue()).isEqualTo(1); // the rolling coupon
    assertThat(engine.expireDue()).isZero();
    assertThat(engine.coupons("u1", CouponStatus.EXPIRED)).extracting(Coupon::id).contains(r1.id());
    assertThat(events).filteredOn(e -> e.type() == EventType.EXPIRED).hasSize(2);
    assertThat(events).filteredOn(e -> e.type() == EventType.TEMPLATE_EXPIRED).hasSize(1);
  }

  @Test
  void scheduledSweep_runsWhenConfigured() throws Exception {
    InMemoryCouponStore s = new InMemoryCouponStore();
    MutableClock c = new MutableClock(T0);
    try (CouponEngine e = CouponEngine.builder().store(s).clock(c).executor(Runnable::run)
        .expirySweep(Duration.ofSeconds(1)).build()) {
      Template t = e.generation(e.createTemplate(Specs.threshold(5, 5)).id()).join();
      Coupon coupon = e.claim(new ClaimRequest("u", t.id(), "k")).coupon().orElseThrow();
      c.advance(Duration.ofDays(8));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (s.findCouponByCode(coupon.code()).orElseThrow().status() != CouponStatus.EXPIRED
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(s.findCouponByCode(coupon.code()).orElseThrow().status()).isEqualTo(CouponStatus.EXPIRED);
    }
  }

  @Test
  void closedEngine_refusesWork() {
    engine.close();
    engine.close();
    assertThatThrownBy(() -> engine.claim(new ClaimRequest("u", "ABCDEF", "k")))
        .extracting(e -> ((CouponException) e).code()).isEqualTo(ErrorCode.ENGINE_CLOSED);
  }

  @Test
  void failingListener_neverFailsTheOperation() {
    try (CouponEngine e = CouponEngine.builder().executor(Runnable::run)
        .listener(x -> { throw new IllegalStateException("listener bug"); }).build()) {
      Template t = e.generation(e.createTemplate(Specs.threshold(5, 5)).id()).join();
      assertThat(e.claim(new ClaimRequest("u", t.id(), "k")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    }
  }
}
