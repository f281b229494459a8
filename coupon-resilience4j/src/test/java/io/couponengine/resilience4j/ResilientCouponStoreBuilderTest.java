package io.couponengine.resilience4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.error.Violation;
import io.couponengine.memory.InMemoryCouponStore;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Every option of {@link ResilientCouponStore.Builder}, every refusal and its field. */
class ResilientCouponStoreBuilderTest {
  private final InMemoryCouponStore memory = new InMemoryCouponStore();

  private ResilientCouponStore.Builder builder() {
    return ResilientCouponStore.builder(memory);
  }

  private static void assertInvalid(String field, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(CouponException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(e.violations()).extracting(Violation::field).containsExactly(field);
      assertThat(e.getMessage()).startsWith(field + " ");
    });
  }

  @Test
  void shouldUseTheDocumentedDefaults() {
    ResilientCouponStore store = builder().build();
    assertThat(store.name()).isEqualTo("store");
    assertThat(store.circuitBreaker().getName()).isEqualTo("store");
    CircuitBreakerConfig c = store.circuitBreaker().getCircuitBreakerConfig();
    assertThat(c.getSlidingWindowType()).isEqualTo(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED);
    assertThat(c.getSlidingWindowSize()).isEqualTo(50);
    assertThat(c.getMinimumNumberOfCalls()).isEqualTo(20);
    assertThat(c.getFailureRateThreshold()).isEqualTo(50f);
    assertThat(c.getSlowCallRateThreshold()).isEqualTo(80f);
    assertThat(c.getSlowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(5);
    assertThat(c.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isTrue();
    assertThat(c.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(5_000L);
    assertThat(store.bulkhead().getName()).isEqualTo("store");
    assertThat(store.bulkhead().getBulkheadConfig().getMaxConcurrentCalls()).isEqualTo(64);
    assertThat(store.bulkhead().getBulkheadConfig().getMaxWaitDuration()).isEqualTo(Duration.ZERO);
    assertThat(store.refusedCalls()).isZero();
  }

  @Test
  void shouldApplyEveryOption() {
    CircuitBreakerConfig config = CircuitBreakerConfig.custom().slidingWindowSize(7).build();
    ResilientCouponStore store = builder().name("redis-eu.1").circuitBreaker(config)
        .bulkhead(3, Duration.ofMillis(2)).listener(e -> { }).listener(e -> { }).closeDelegate().build();
    assertThat(store.name()).isEqualTo("redis-eu.1");
    assertThat(store.circuitBreaker().getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(7);
    assertThat(store.bulkhead().getBulkheadConfig().getMaxConcurrentCalls()).isEqualTo(3);
    assertThat(store.bulkhead().getBulkheadConfig().getMaxWaitDuration()).isEqualTo(Duration.ofMillis(2));
    assertThat(store.toString()).contains("redis-eu.1", "CLOSED");
  }

  @Test
  void shouldBuildIndependentStoresFromOneBuilder() {
    ResilientCouponStore.Builder b = builder().name("twice");
    ResilientCouponStore first = b.build();
    ResilientCouponStore second = b.build();
    first.circuitBreaker().transitionToOpenState();
    assertThat(second.circuitBreaker().getState().name()).isEqualTo("CLOSED");
    assertThat(first.bulkhead()).isNotSameAs(second.bulkhead());
  }

  @Test
  void shouldRequireDelegate() {
    assertInvalid("delegate", () -> ResilientCouponStore.builder(null));
  }

  @Test
  void shouldRequireValidName() {
    assertInvalid("name", () -> builder().name(null));
    assertInvalid("name", () -> builder().name(""));
    assertInvalid("name", () -> builder().name(" redis"));
    assertInvalid("name", () -> builder().name("redis main"));
    assertInvalid("name", () -> builder().name("-redis"));
    assertInvalid("name", () -> builder().name("redis\n"));
    assertInvalid("name", () -> builder().name("r".repeat(65)));
    assertThat(builder().name("r".repeat(64)).build().name()).hasSize(64);
  }

  @Test
  void shouldRefuseNameTwice() {
    assertInvalid("name", () -> builder().name("a").name("b"));
  }

  @Test
  void shouldRequireCircuitBreakerConfig() {
    assertInvalid("circuitBreaker", () -> builder().circuitBreaker(null));
    assertInvalid("circuitBreaker", () -> builder().circuitBreaker(CircuitBreakerConfig.ofDefaults())
        .circuitBreaker(CircuitBreakerConfig.ofDefaults()));
  }

  @Test
  void shouldRequireValidMaxConcurrentCalls() {
    assertInvalid("maxConcurrentCalls", () -> builder().bulkhead(0, Duration.ZERO));
    assertInvalid("maxConcurrentCalls", () -> builder().bulkhead(-1, Duration.ZERO));
    assertInvalid("maxConcurrentCalls", () -> builder().bulkhead(100_001, Duration.ZERO));
    assertThat(builder().bulkhead(100_000, Duration.ZERO).build().bulkhead().getBulkheadConfig()
        .getMaxConcurrentCalls()).isEqualTo(100_000);
  }

  @Test
  void shouldRequireValidMaxWait() {
    assertInvalid("maxWait", () -> builder().bulkhead(1, null));
    assertInvalid("maxWait", () -> builder().bulkhead(1, Duration.ofNanos(-1)));
    assertInvalid("maxWait", () -> builder().bulkhead(1, Duration.ofSeconds(10).plusNanos(1)));
    assertThat(builder().bulkhead(1, Duration.ofSeconds(10)).build().bulkhead().getBulkheadConfig()
        .getMaxWaitDuration()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void shouldRefuseBulkheadTwice() {
    assertInvalid("bulkhead", () -> builder().bulkhead(1, Duration.ZERO).bulkhead(2, Duration.ZERO));
  }

  @Test
  void shouldRequireListener() {
    assertInvalid("listener", () -> builder().listener(null));
  }

  @Test
  void shouldRefuseCloseDelegateTwice() {
    assertInvalid("closeDelegate", () -> builder().closeDelegate().closeDelegate());
  }
}
