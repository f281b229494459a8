package io.couponengine.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.CouponEngine;
import io.couponengine.cache.NearCachedStore;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.CouponEventListener;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.spi.CouponStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The in-memory default, the properties an engine is built from, user beans winning, and shutdown. */
class CouponAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(Boots.COUPON);

  @Test
  void noProperties_memoryEngineThatClaims() {
    runner.run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(CouponEngine.class).hasSingleBean(InMemoryCouponStore.class);
      CouponEngine engine = context.getBean(CouponEngine.class);
      assertThat(engine.config().store()).isSameAs(context.getBean(CouponStore.class));
      assertThat(engine.config().reservationTimeout()).isEqualTo(Duration.ofMinutes(30));
      assertThat(engine.config().expirySweepInterval()).isNull();
      assertThat(Boots.claimOne(engine, 5, "u1").outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    });
  }

  @Test
  void properties_reachTheEngineBuilder() {
    runner.withPropertyValues("coupon.store=MEMORY", "coupon.expiry-sweep=2m", "coupon.reservation-timeout=90s",
        "coupon.generation-batch-size=500", "coupon.sweep-batch-size=50").run(context -> {
          assertThat(context).hasNotFailed();
          CouponEngine engine = context.getBean(CouponEngine.class);
          assertThat(engine.config().expirySweepInterval()).isEqualTo(Duration.ofMinutes(2));
          assertThat(engine.config().reservationTimeout()).isEqualTo(Duration.ofSeconds(90));
          assertThat(engine.config().generationBatchSize()).isEqualTo(500);
          assertThat(engine.config().sweepBatchSize()).isEqualTo(50);
        });
  }

  @Test
  void nearCacheEnabled_wrapsTheStoreBean() {
    runner.withPropertyValues("coupon.near-cache.enabled=true", "coupon.near-cache.maximum-size=123",
        "coupon.near-cache.ttl=3s").run(context -> {
          CouponEngine engine = context.getBean(CouponEngine.class);
          assertThat(engine.config().store()).isInstanceOf(NearCachedStore.class);
          assertThat(engine.config().store().toString())
              .contains("maximumSize=123", "ttl=PT3S", "InMemoryCouponStore");
          assertThat(Boots.claimOne(engine, 5, "u1").outcome()).isEqualTo(ClaimOutcome.CLAIMED);
        });
  }

  @Test
  void usersEngine_wins() {
    CouponEngine own = CouponEngine.builder().build();
    runner.withBean("myEngine", CouponEngine.class, () -> own).run(context -> {
      assertThat(context).hasSingleBean(CouponEngine.class);
      assertThat(context.getBean(CouponEngine.class)).isSameAs(own);
    });
    own.close();
  }

  @Test
  void usersStore_isUsed() {
    InMemoryCouponStore own = new InMemoryCouponStore();
    runner.withBean("myStore", CouponStore.class, () -> own).run(context -> {
      assertThat(context).hasSingleBean(CouponStore.class);
      assertThat(context.getBean(CouponEngine.class).config().store()).isSameAs(own);
    });
  }

  @Test
  void listenerBeans_receiveEvents() {
    List<CouponEvent> seen = new CopyOnWriteArrayList<>();
    runner.withBean(CouponEventListener.class, () -> seen::add).run(context -> {
      Boots.claimOne(context.getBean(CouponEngine.class), 3, "u1");
      assertThat(seen).isNotEmpty();
    });
  }

  @Test
  void contextClose_closesTheEngine() {
    AtomicReference<CouponEngine> engine = new AtomicReference<>();
    runner.run(context -> engine.set(context.getBean(CouponEngine.class)));
    assertThatThrownBy(() -> Boots.claimOne(engine.get(), 3, "u1"))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENGINE_CLOSED));
  }

  @Test
  void health_memoryStoreIsUp() {
    runner.run(context -> {
      Boots.HealthReport h = Boots.health(context.getBean("couponHealthIndicator"));
      assertThat(h.status()).isEqualTo("UP");
      assertThat(h.details()).containsEntry("store", "InMemoryCouponStore").containsKey("pingMillis");
      assertThat(context.getBean("couponHealthIndicator").getClass().getSimpleName())
          .isEqualTo(Boots.boot4() ? "CouponHealthIndicator" : "CouponBoot3HealthIndicator");
    });
  }

  @Test
  void health_canBeTurnedOff() {
    runner.withPropertyValues("management.health.coupon.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("couponHealthIndicator"));
  }
}
