package io.couponengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.memory.InMemoryCouponStore;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CouponEngineBuilderTest {

  @Test
  void shouldApplyDocumentedDefaults() {
    try (CouponEngine engine = CouponEngine.builder().build()) {
      EngineConfig c = engine.config();
      assertThat(c.store()).isInstanceOf(InMemoryCouponStore.class);
      assertThat(c.reservationTimeout()).isEqualTo(Duration.ofMinutes(30));
      assertThat(c.expirySweepInterval()).isNull();
      assertThat(c.generationBatchSize()).isEqualTo(10_000);
      assertThat(c.sweepBatchSize()).isEqualTo(1_000);
    }
  }

  @Test
  void shouldRefuseSettingTwice() {
    assertInvalid(() -> CouponEngine.builder().store(new InMemoryCouponStore()).store(new InMemoryCouponStore()));
    assertInvalid(() -> CouponEngine.builder().clock(Clock.systemUTC()).clock(Clock.systemUTC()));
    assertInvalid(() -> CouponEngine.builder().executor(Runnable::run).executor(Runnable::run));
    assertInvalid(() -> CouponEngine.builder().expirySweep(Duration.ofMinutes(1)).expirySweep(Duration.ofMinutes(1)));
    assertInvalid(() -> CouponEngine.builder().generationBatchSize(10).generationBatchSize(10));
  }

  @Test
  void shouldRequireValidValues() {
    assertInvalid(() -> CouponEngine.builder().store(null));
    assertInvalid(() -> CouponEngine.builder().clock(null));
    assertInvalid(() -> CouponEngine.builder().listener(null));
    assertInvalid(() -> CouponEngine.builder().expirySweep(Duration.ofMillis(10)));
    assertInvalid(() -> CouponEngine.builder().reservationTimeout(Duration.ZERO));
    assertInvalid(() -> CouponEngine.builder().generationBatchSize(0));
    assertInvalid(() -> CouponEngine.builder().sweepBatchSize(1_000_000));
  }

  @Test
  void shouldNotChangeBuiltEngineWhenBuilderIsReused() {
    CouponEngine.Builder b = CouponEngine.builder();
    try (CouponEngine first = b.build()) {
      b.listener(e -> { });
      try (CouponEngine second = b.build()) {
        assertThat(first.config().listeners()).isEmpty();
        assertThat(second.config().listeners()).hasSize(1);
      }
    }
  }

  private static void assertInvalid(Runnable r) {
    CouponException e = assertThrows(CouponException.class, r::run);
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }
}
