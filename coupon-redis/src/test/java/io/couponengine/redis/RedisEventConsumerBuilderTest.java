package io.couponengine.redis;

import static io.couponengine.redis.RedisCouponStoreBuilderTest.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.event.CouponEventListener;
import io.couponengine.template.Template;
import io.couponengine.testing.Specs;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * The options of {@link RedisEventConsumer.Builder}, one test per option: each refusal is INVALID_ARGUMENT naming the
 * field, each option may be set once, and the defaults. Runs on the test Redis, never a mock.
 */
class RedisEventConsumerBuilderTest {
  private static final CouponEventListener IGNORE = e -> { };

  private JedisPooled jedis;
  private String prefix;

  @BeforeEach
  void setUp() {
    jedis = TestRedis.newClient();
    prefix = TestRedis.uniquePrefix();
  }

  @AfterEach
  void tearDown() {
    TestRedis.deleteKeys(TestRedis.target(), prefix);
    jedis.close();
  }

  private RedisEventConsumer.Builder builder() {
    return RedisEventConsumer.builder(jedis, prefix, "ledger", "ledger-1", IGNORE);
  }

  @Test
  void shouldRequireJedis() {
    assertInvalid("jedis", () -> RedisEventConsumer.builder(null, prefix, "ledger", "ledger-1", IGNORE));
  }

  @Test
  void shouldRequireValidKeyPrefix() {
    for (String bad : new String[] {null, "", "  ", "a{b", "a}b", "tab\there", "x".repeat(129)}) {
      assertInvalid("keyPrefix", () -> RedisEventConsumer.builder(jedis, bad, "ledger", "ledger-1", IGNORE));
    }
  }

  @Test
  void shouldRequireValidGroup() {
    for (String bad : new String[] {null, "", " ", "a\nb", "g".repeat(129)}) {
      assertInvalid("group", () -> RedisEventConsumer.builder(jedis, prefix, bad, "ledger-1", IGNORE));
    }
  }

  @Test
  void shouldRequireValidConsumer() {
    for (String bad : new String[] {null, "", " ", "a\nb", "c".repeat(129)}) {
      assertInvalid("consumer", () -> RedisEventConsumer.builder(jedis, prefix, "ledger", bad, IGNORE));
    }
  }

  @Test
  void shouldRequireListener() {
    assertInvalid("listener", () -> RedisEventConsumer.builder(jedis, prefix, "ledger", "ledger-1", null));
  }

  @Test
  void shouldRequireValidBatch() {
    assertInvalid("batch", () -> builder().batch(0));
    assertInvalid("batch", () -> builder().batch(-1));
    assertInvalid("batch", () -> builder().batch(1).batch(2));
    assertInvalid("batch", () -> builder().batch(1).batch(0));

    // the batch reaches XREADGROUP: 25 claims on one template stream are read 10 per pass
    try (CouponEngine engine = CouponEngine.builder().store(new RedisCouponStore(jedis, prefix))
        .executor(Runnable::run).build()) {
      Template t = engine.generation(engine.createTemplate(Specs.threshold(25, 1)).id()).join();
      for (int i = 0; i < 25; i++) {
        engine.claim(new ClaimRequest("u" + i, t.id(), "k" + i));
      }
    }
    try (RedisEventConsumer c = builder().batch(10).build()) {
      assertThat(c.pollOnce()).isEqualTo(10);
      assertThat(c.pollOnce()).isEqualTo(10);
      assertThat(c.pollOnce()).isEqualTo(5);
      assertThat(c.pollOnce()).isZero();
    }
  }

  @Test
  void shouldRequireValidMinIdle() {
    for (Duration bad : new Duration[] {null, Duration.ofMillis(-1), Duration.ofDays(366),
        Duration.ofSeconds(Long.MAX_VALUE)}) {
      assertInvalid("minIdle", () -> builder().minIdle(bad));
    }
    assertInvalid("minIdle", () -> builder().minIdle(Duration.ZERO).minIdle(Duration.ZERO));
    assertThat(builder().minIdle(Duration.ZERO).build().minIdle()).isEqualTo(Duration.ZERO);
  }

  @Test
  void shouldRequireValidPause() {
    for (Duration bad : new Duration[] {null, Duration.ZERO, Duration.ofMillis(-1), Duration.ofNanos(999_999),
        Duration.ofDays(366), Duration.ofSeconds(Long.MAX_VALUE)}) {
      assertInvalid("pause", () -> builder().pause(bad));
    }
    assertInvalid("pause", () -> builder().pause(Duration.ofSeconds(1)).pause(Duration.ofSeconds(1)));
    assertThat(builder().pause(Duration.ofMillis(1)).build().pause()).isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void shouldApplyDocumentedDefaults() {
    RedisEventConsumer c = builder().build();
    assertThat(c.batch()).isEqualTo(100);
    assertThat(c.minIdle()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.pause()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void shouldNotChangeBuiltConsumerWhenBuilderIsReused() {
    RedisEventConsumer.Builder b = builder();
    RedisEventConsumer first = b.build();
    RedisEventConsumer second = b.batch(7).build();
    assertThat(first.batch()).isEqualTo(100);
    assertThat(second.batch()).isEqualTo(7);
  }
}
