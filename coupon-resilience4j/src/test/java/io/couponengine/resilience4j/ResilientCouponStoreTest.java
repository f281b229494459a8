package io.couponengine.resilience4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.EventType;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.template.Template;
import io.couponengine.testing.ForwardingStore;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What counts against the breaker, what a refusal does and does not do, events and close, over the in-memory store
 * (a {@link ForwardingStore} makes a method fail or counts what reached it). Real outages: the outage test.
 */
class ResilientCouponStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

  /** Judges every 4 calls; opens at 50% failures or 50% of calls slower than 20 ms; stays open a minute. */
  private static final CircuitBreakerConfig SMALL = CircuitBreakerConfig.custom()
      .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
      .slowCallRateThreshold(50).slowCallDurationThreshold(Duration.ofMillis(20))
      .waitDurationInOpenState(Duration.ofMinutes(1)).build();

  private final ForwardingStore forwarding = new ForwardingStore(new InMemoryCouponStore());

  private ResilientCouponStore store() {
    return ResilientCouponStore.builder(forwarding).circuitBreaker(SMALL).build();
  }

  private static ClaimCommand claim(String user) {
    return new ClaimCommand("NOSUCH", user, "k", "c-" + user, 1, T0, T0.plus(Duration.ofDays(1)));
  }

  @Test
  void storeUnavailable_opensTheBreaker_thenCallsAreRefusedWithoutReachingTheStore() {
    ResilientCouponStore store = store();
    CouponException down = CouponException.of(ErrorCode.STORE_UNAVAILABLE, "down");
    forwarding.failOn("claim", down);
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> store.claim(claim("u"))).isSameAs(down);
    }
    assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    forwarding.failOn("claim", null);

    assertThatThrownBy(() -> store.claim(claim("u"))).isInstanceOfSatisfying(CouponException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
      assertThat(e.getCause()).isInstanceOf(CallNotPermittedException.class);
      assertThat(e.getMessage()).contains("'store'", "claim");
    });
    assertThatThrownBy(() -> store.findCouponsByUser("u")).isInstanceOf(CouponException.class);
    assertThat(forwarding.calls("claim")).isEqualTo(4);
    assertThat(forwarding.calls("findCouponsByUser")).isZero();
    assertThat(store.refusedCalls()).isEqualTo(2);
  }

  @Test
  void otherRuntimeExceptions_countAsFailures_andPassUnchanged() {
    ResilientCouponStore store = store();
    UncheckedIOException io = new UncheckedIOException(new java.io.IOException("reset"));
    forwarding.failOn("findTemplate", io);
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> store.findTemplate("T")).isSameAs(io);
    }
    assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void otherCouponExceptions_andReturnedRefusals_areSuccesses() {
    ResilientCouponStore store = store();
    for (ErrorCode code : List.of(ErrorCode.INVALID_ARGUMENT, ErrorCode.TEMPLATE_NOT_FOUND, ErrorCode.CONFLICT,
        ErrorCode.INVALID_TEMPLATE, ErrorCode.INVALID_CODE, ErrorCode.INTERNAL)) {
      CouponException e = code == ErrorCode.INVALID_TEMPLATE
          ? CouponException.invalidTemplate(List.of(new io.couponengine.error.Violation("x", "bad")))
          : CouponException.of(code, "no");
      forwarding.failOn("codeKey", e);
      for (int i = 0; i < 4; i++) {
        assertThatThrownBy(() -> store.codeKey("T", "0".repeat(32))).isSameAs(e);
      }
    }
    for (int i = 0; i < 8; i++) {
      assertThat(store.claim(claim("u" + i)).outcome()).isEqualTo(ClaimOutcome.TEMPLATE_NOT_FOUND);
    }
    assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(store.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
    assertThat(store.circuitBreaker().getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(4);
  }

  @Test
  void slowCalls_openTheBreaker_butSlowBulkCallsDoNot() {
    ForwardingStore slow = new ForwardingStore(new InMemoryCouponStore()) {
      @Override
      public Optional<Template> findTemplate(String id) {
        sleep(30);
        return super.findTemplate(id);
      }

      @Override
      public long importCodes(String id, List<String> codes) {
        sleep(30);
        return super.importCodes(id, codes);
      }
    };
    ResilientCouponStore store = ResilientCouponStore.builder(slow).circuitBreaker(SMALL).build();
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> store.importCodes("T", List.of("A"))).isInstanceOf(CouponException.class);
    }
    assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(store.circuitBreaker().getMetrics().getNumberOfSlowCalls()).isZero();
    // the window of 4 now holds 2 fast bulk calls and 2 slow reads: 50% slow
    assertThat(store.findTemplate("T")).isEmpty();
    assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(store.findTemplate("T")).isEmpty();
    assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(store.circuitBreaker().getMetrics().getNumberOfSlowCalls()).isEqualTo(2);
  }

  @Test
  void scanPool_aThrowingSinkIsTheCallersFailure_notTheStores() {
    InMemoryCouponStore memory = new InMemoryCouponStore();
    ResilientCouponStore overMemory = ResilientCouponStore.builder(memory).circuitBreaker(SMALL).build();
    Template t = new Template("SCAN01", io.couponengine.testing.Specs.threshold(10, 1),
        io.couponengine.template.TemplateStatus.AVAILABLE, T0, null);
    memory.insertTemplate(t);
    memory.appendCodes(t.id(), 0, List.of("A1", "A2", "A3"));
    IllegalStateException full = new IllegalStateException("disk full");
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> overMemory.scanPool(t.id(), 2, batch -> {
        throw full;
      })).isSameAs(full);
    }
    assertThat(overMemory.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    List<String> seen = new ArrayList<>();
    overMemory.scanPool(t.id(), 2, seen::addAll);
    assertThat(seen).containsExactlyInAnyOrder("A1", "A2", "A3");
    assertThat(overMemory.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
  }

  @Test
  void stateTransitions_arePublished_andAThrowingListenerIsSkipped() {
    List<CouponEvent> events = new ArrayList<>();
    ResilientCouponStore store = ResilientCouponStore.builder(forwarding).name("redis").circuitBreaker(SMALL)
        .listener(e -> {
          throw new IllegalStateException("listener bug");
        })
        .listener(events::add)
        .build();
    store.circuitBreaker().transitionToOpenState();
    store.circuitBreaker().transitionToHalfOpenState();
    store.circuitBreaker().transitionToClosedState();

    assertThat(events).extracting(CouponEvent::details).containsExactly(
        Map.of("store", "redis", "from", "CLOSED", "to", "OPEN"),
        Map.of("store", "redis", "from", "OPEN", "to", "HALF_OPEN"),
        Map.of("store", "redis", "from", "HALF_OPEN", "to", "CLOSED"));
    assertThat(events).allSatisfy(e -> {
      assertThat(e.type()).isEqualTo(EventType.STORE_STATE_CHANGED);
      assertThat(e.templateId()).isNull();
      assertThat(e.id()).startsWith("STORE_STATE_CHANGED:redis:");
    });
    assertThat(events).extracting(CouponEvent::id).doesNotHaveDuplicates();
  }

  @Test
  void close_closesTheDelegateOnlyWhenAsked_once() {
    AtomicInteger closes = new AtomicInteger();
    ForwardingStore counting = new ForwardingStore(new InMemoryCouponStore()) {
      @Override
      public void close() {
        closes.incrementAndGet();
      }
    };
    ResilientCouponStore.builder(counting).build().close();
    assertThat(closes).hasValue(0);
    ResilientCouponStore owning = ResilientCouponStore.builder(counting).closeDelegate().build();
    owning.close();
    owning.close();
    assertThat(closes).hasValue(1);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
