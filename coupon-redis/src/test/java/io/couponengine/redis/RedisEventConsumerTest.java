package io.couponengine.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.coupon.Coupon;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.EventType;
import io.couponengine.template.Template;
import io.couponengine.testing.Specs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** The durable event path: streams written inside the scripts, read by a consumer group, at least once. */
class RedisEventConsumerTest {
  private JedisPooled jedis;
  private String prefix;
  private CouponEngine engine;

  @BeforeEach
  void setUp() {
    jedis = TestRedis.newClient();
    prefix = TestRedis.uniquePrefix();
    engine = CouponEngine.builder().store(new RedisCouponStore(jedis, prefix)).executor(Runnable::run).build();
  }

  @AfterEach
  void tearDown() {
    engine.close();
    TestRedis.deleteKeys(TestRedis.target(), prefix);
    jedis.close();
  }

  @Test
  void consumerCrashBeforeAck_anotherConsumerReclaims_everyEventSeenAtLeastOnce() throws Exception {
    Template t = engine.generation(engine.createTemplate(Specs.threshold(100, 5)).id()).join();
    List<Coupon> claimed = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      claimed.add(engine.claim(new ClaimRequest("u" + (i % 8), t.id(), "k" + i)).coupon().orElseThrow());
    }
    assertThat(engine.reserve("u0", "order-1", List.of(claimed.get(0).code())).outcome().isSuccess()).isTrue();
    assertThat(engine.commit("order-1").outcome().isSuccess()).isTrue();

    // consumer A reads every entry, then "dies" before acknowledging any (its listener never returns normally)
    ConcurrentLinkedQueue<String> seenByA = new ConcurrentLinkedQueue<>();
    RedisEventConsumer a = RedisEventConsumer.builder(jedis, prefix, "ledger", "A", e -> {
      seenByA.add(e.id());
      throw new IllegalStateException("consumer A crashed before XACK");
    }).minIdle(Duration.ofMillis(200)).build();
    assertThat(a.pollOnce()).isZero();
    a.close();
    assertThat(seenByA).hasSize(42);

    // consumer B of the same group re-claims A's pending entries once idle, and gets new entries too
    ConcurrentLinkedQueue<CouponEvent> seenByB = new ConcurrentLinkedQueue<>();
    RedisEventConsumer b = RedisEventConsumer.builder(jedis, prefix, "ledger", "B", seenByB::add)
        .minIdle(Duration.ofSeconds(2)).build();
    assertThat(b.pollOnce()).as("nothing is idle long enough yet").isZero();
    Thread.sleep(2_100);
    engine.claim(new ClaimRequest("late", t.id(), "late"));
    int delivered = b.pollOnce();
    assertThat(delivered).isEqualTo(43);

    Set<String> ids = new HashSet<>();
    seenByB.forEach(e -> ids.add(e.id()));
    for (Coupon c : claimed) {
      assertThat(ids).contains("CLAIMED:" + c.id());
    }
    assertThat(ids).contains("RESERVED:order-1", "COMMITTED:order-1");
    assertThat(ids).containsAll(seenByA);
    CouponEvent claimEvent = seenByB.stream().filter(e -> e.type() == EventType.CLAIMED).findFirst().orElseThrow();
    assertThat(claimEvent.coupons()).hasSize(1);
    assertThat(claimEvent.templateId()).isEqualTo(t.id());
    CouponEvent commit = seenByB.stream().filter(e -> e.type() == EventType.COMMITTED).findFirst().orElseThrow();
    assertThat(commit.orderId()).isEqualTo("order-1");
    assertThat(commit.coupons()).singleElement().satisfies(c -> assertThat(c.orderId()).isEqualTo("order-1"));

    // everything acknowledged: another pass, even after the idle time, delivers nothing
    Thread.sleep(2_100);
    assertThat(b.pollOnce()).isZero();
    b.close();
  }
}
