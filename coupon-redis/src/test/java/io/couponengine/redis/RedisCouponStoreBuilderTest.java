package io.couponengine.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.template.Template;
import io.couponengine.testing.Specs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * The options of {@link RedisCouponStore.Builder}, one test per option (after Failsafe's RetryPolicyBuilderTest):
 * each refusal is INVALID_ARGUMENT naming the field, each option may be set once, and the values (defaults included)
 * reach Redis, observed on the test Redis ({@code COUPON_REDIS_URL} or a started server), never a mock.
 */
class RedisCouponStoreBuilderTest {
  private static final Duration TOO_LONG = Duration.ofDays(366);
  private static final Duration OVERFLOWING = Duration.ofSeconds(Long.MAX_VALUE);

  private JedisPooled jedis;
  private String prefix;
  private final List<CouponEngine> engines = new ArrayList<>();

  @BeforeEach
  void setUp() {
    jedis = TestRedis.newClient();
    prefix = TestRedis.uniquePrefix();
  }

  @AfterEach
  void tearDown() {
    engines.forEach(CouponEngine::close);
    TestRedis.deleteKeys(TestRedis.target(), prefix);
    jedis.close();
  }

  @Test
  void shouldRequireJedis() {
    assertInvalid("jedis", () -> RedisCouponStore.builder(null, prefix));
    assertInvalid("jedis", () -> new RedisCouponStore(null, prefix));
  }

  @Test
  void shouldRequireValidKeyPrefix() {
    for (String bad : new String[] {null, "", "   ", "\u00a0\u200b", "a{b", "a}b", "{t:x}", "line\nbreak",
        "x".repeat(129)}) {
      assertInvalid("keyPrefix", () -> RedisCouponStore.builder(jedis, bad));
      assertInvalid("keyPrefix", () -> new RedisCouponStore(jedis, bad));
    }
    assertThat(RedisCouponStore.builder(jedis, "a:b c").build().prefix()).isEqualTo("a:b c");
    assertThat(new RedisCouponStore(jedis, "x".repeat(128)).prefix()).hasSize(128);
  }

  @Test
  void shouldRequireValidWaitForReplicas() {
    assertInvalid("replicas", () -> builder().waitForReplicas(0, Duration.ofMillis(50)));
    assertInvalid("replicas", () -> builder().waitForReplicas(-1, Duration.ofMillis(50)));
    assertInvalid("timeout", () -> builder().waitForReplicas(1, null));
    assertInvalid("timeout", () -> builder().waitForReplicas(1, Duration.ZERO));
    assertInvalid("timeout", () -> builder().waitForReplicas(1, Duration.ofMillis(-1)));
    assertInvalid("timeout", () -> builder().waitForReplicas(1, Duration.ofNanos(999_999))); // WAIT 0 blocks
    assertInvalid("timeout", () -> builder().waitForReplicas(1, TOO_LONG));
    assertInvalid("timeout", () -> builder().waitForReplicas(1, OVERFLOWING));

    // a refused value leaves the option unset
    RedisCouponStore.Builder b = builder();
    assertInvalid("replicas", () -> b.waitForReplicas(0, Duration.ofMillis(50)));
    RedisCouponStore store = b.waitForReplicas(1, Duration.ofMillis(50)).build();

    // the test Redis has no replica: the claim is applied but WAIT answers 0 of 1
    Assumptions.assumeTrue(jedis.info("replication").contains("connected_slaves:0"), "the test Redis has replicas");
    CouponEngine engine = engine(store);
    Template t = engine.generation(engine.createTemplate(Specs.threshold(10, 5)).id()).join();
    CouponException e = catchCoupon(() -> engine.claim(new ClaimRequest("u1", t.id(), "k1")));
    assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
    assertThat(e.getMessage()).contains("acknowledged by 0 of 1 replicas");
    assertThat(store.findCouponsByUser("u1")).hasSize(1);
  }

  @Test
  void shouldRefuseWaitForReplicasTwice() {
    assertInvalid("waitForReplicas",
        () -> builder().waitForReplicas(1, Duration.ofMillis(50)).waitForReplicas(2, Duration.ofMillis(50)));
    assertInvalid("waitForReplicas",
        () -> builder().waitForReplicas(1, Duration.ofMillis(50)).waitForReplicas(0, null));
  }

  @Test
  void shouldRequireValidIdempotencyTtl() {
    for (Duration bad : new Duration[] {null, Duration.ZERO, Duration.ofSeconds(-1), Duration.ofMillis(999),
        TOO_LONG, OVERFLOWING}) {
      assertInvalid("idempotencyTtl", () -> builder().idempotencyTtl(bad));
    }
    RedisCouponStore store = builder().idempotencyTtl(Duration.ofMinutes(5)).build();
    CouponEngine engine = engine(store);
    Template t = engine.generation(engine.createTemplate(Specs.threshold(10, 5)).id()).join();
    assertThat(engine.claim(new ClaimRequest("u1", t.id(), "k1")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(jedis.ttl(store.keys().idempotency(t.id(), "u1", "k1"))).isBetween(250L, 300L);
    assertThat(builder().idempotencyTtl(Duration.ofDays(365)).build()).isNotNull();
  }

  @Test
  void shouldRefuseIdempotencyTtlTwice() {
    assertInvalid("idempotencyTtl",
        () -> builder().idempotencyTtl(Duration.ofHours(1)).idempotencyTtl(Duration.ofHours(1)));
    assertInvalid("idempotencyTtl", () -> builder().idempotencyTtl(Duration.ofHours(1)).idempotencyTtl(null));
  }

  @Test
  void shouldRequireValidStreamMaxLength() {
    for (long bad : new long[] {999, 0, -1, Long.MIN_VALUE}) {
      assertInvalid("streamMaxLen", () -> builder().streamMaxLen(bad));
    }
    RedisCouponStore store = builder().streamMaxLen(1_000).build();
    String stream = claimMany(store, 1_500);
    // MAXLEN ~ trims whole stream nodes: at least the limit stays, well under what was written
    assertThat(jedis.xlen(stream)).isBetween(1_000L, 1_499L);
  }

  @Test
  void shouldRefuseStreamMaxLengthTwice() {
    assertInvalid("streamMaxLen", () -> builder().streamMaxLen(1_000).streamMaxLen(2_000));
    assertInvalid("streamMaxLen", () -> builder().streamMaxLen(1_000).streamMaxLen(0));
  }

  @Test
  void shouldRequireValidListCacheTtl() {
    for (Duration bad : new Duration[] {null, Duration.ZERO, Duration.ofSeconds(-1), Duration.ofMillis(999),
        TOO_LONG, OVERFLOWING}) {
      assertInvalid("listCacheTtl", () -> builder().listCacheTtl(bad));
    }
    RedisCouponStore store = builder().listCacheTtl(Duration.ofSeconds(100)).build();
    CouponEngine engine = engine(store);
    Template t = engine.generation(engine.createTemplate(Specs.threshold(10, 5)).id()).join();
    engine.claim(new ClaimRequest("u1", t.id(), "k1"));
    assertThat(store.findCouponsByUser("u1")).hasSize(1);
    // 100 s plus up to 20% jitter
    assertThat(jedis.ttl(store.keys().list("u1"))).isBetween(90L, 120L);
    // a user without coupons is cached too, as an empty list
    assertThat(store.findCouponsByUser("nobody")).isEmpty();
    assertThat(jedis.get(store.keys().list("nobody"))).isEqualTo("[]");
    assertThat(jedis.ttl(store.keys().list("nobody"))).isBetween(90L, 120L);
  }

  @Test
  void shouldRefuseListCacheTtlTwice() {
    assertInvalid("listCacheTtl",
        () -> builder().listCacheTtl(Duration.ofMinutes(1)).listCacheTtl(Duration.ofMinutes(1)));
  }

  @Test
  void shouldApplyDocumentedDefaults() {
    for (RedisCouponStore store : List.of(new RedisCouponStore(jedis, prefix), builder().build())) {
      assertThat(store.prefix()).isEqualTo(prefix);
      // no WAIT: a claim succeeds on a Redis without replicas
      String stream = claimMany(store, 1_100);
      String template = stream.substring(stream.indexOf("{t:") + 3, stream.indexOf('}'));
      // idempotency keys kept 24 hours
      assertThat(jedis.ttl(store.keys().idempotency(template, "u0", "k0")))
          .isBetween(Duration.ofHours(24).toSeconds() - 120, Duration.ofHours(24).toSeconds());
      // streams trimmed at about 1,000,000 entries: 1,100 stay
      assertThat(jedis.xlen(stream)).isEqualTo(1_100);
      // user lists cached 10 minutes plus up to 20% jitter
      assertThat(store.findCouponsByUser("u0")).isNotEmpty();
      assertThat(jedis.ttl(store.keys().list("u0"))).isBetween(590L, 720L);
    }
  }

  @Test
  void shouldNotChangeBuiltStoreWhenBuilderIsReused() {
    RedisCouponStore.Builder b = builder();
    RedisCouponStore first = b.build();
    RedisCouponStore second = b.idempotencyTtl(Duration.ofMinutes(5)).build();
    CouponEngine engine = engine(first);
    Template t = engine.generation(engine.createTemplate(Specs.threshold(10, 5)).id()).join();
    engine.claim(new ClaimRequest("u1", t.id(), "k1"));
    engine(second).claim(new ClaimRequest("u2", t.id(), "k2"));
    assertThat(jedis.ttl(first.keys().idempotency(t.id(), "u1", "k1"))).isGreaterThan(3_600L);
    assertThat(jedis.ttl(second.keys().idempotency(t.id(), "u2", "k2"))).isBetween(250L, 300L);
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  private RedisCouponStore.Builder builder() {
    return RedisCouponStore.builder(jedis, prefix);
  }

  private CouponEngine engine(RedisCouponStore store) {
    CouponEngine engine = CouponEngine.builder().store(store).executor(Runnable::run).build();
    engines.add(engine);
    return engine;
  }

  /** Claims {@code n} coupons of a new template by users u0, u1, ... (keys k0, k1, ...); returns its stream key. */
  private String claimMany(RedisCouponStore store, int n) {
    CouponEngine engine = engine(store);
    Template t = engine.generation(engine.createTemplate(Specs.threshold(n, 1)).id()).join();
    for (int i = 0; i < n; i++) {
      assertThat(engine.claim(new ClaimRequest("u" + i, t.id(), "k" + i)).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    }
    return store.keys().templateEvents(t.id());
  }

  private static CouponException catchCoupon(ThrowingCallable call) {
    Throwable e = catchThrowable(call);
    assertThat(e).isInstanceOf(CouponException.class);
    return (CouponException) e;
  }

  static void assertInvalid(String field, ThrowingCallable call) {
    CouponException e = catchCoupon(call);
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(e.violations()).hasSize(1);
    assertThat(e.violations().get(0).field()).isEqualTo(field);
  }
}
