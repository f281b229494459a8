package io.couponengine.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.OrderStatus;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.EventType;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import io.couponengine.testing.MutableClock;
import io.couponengine.testing.Specs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * The promotion calendar on Redis, until the contract suite covers it: claim windows, PAUSED templates, validFrom
 * (in the claim record and on reserve), the late commit of a released order and the revert of a committed one. The
 * standalone server of {@link TestRedis}; {@link RedisClusterPromotionCalendarTest} runs the same on a cluster.
 */
class RedisPromotionCalendarTest {
  static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

  MutableClock clock;
  UnifiedJedis jedis;
  String prefix;
  RedisCouponStore store;
  CouponEngine engine;

  protected UnifiedJedis newClient() {
    return TestRedis.newClient();
  }

  protected void deleteKeys(String prefix) {
    TestRedis.deleteKeys(TestRedis.target(), prefix);
  }

  @BeforeEach
  void setUp() {
    clock = new MutableClock(T0);
    jedis = newClient();
    prefix = TestRedis.uniquePrefix();
    store = new RedisCouponStore(jedis, prefix);
    engine = CouponEngine.builder().store(store).clock(clock).executor(Runnable::run).build();
  }

  @AfterEach
  void tearDown() {
    try {
      engine.close();
      deleteKeys(prefix);
    } finally {
      jedis.close();
    }
  }

  private Template ready(long codes, int perUser) {
    return engine.generation(engine.createTemplate(Specs.threshold(codes, perUser)).id()).join();
  }

  private Template fixed(Instant from, Instant to) {
    return engine.generation(engine.createTemplate(Specs.fixed(10, 5, from, to)).id()).join();
  }

  private Coupon claim(Template t, String user, String key) {
    ClaimResult r = engine.claim(new ClaimRequest(user, t.id(), key));
    assertThat(r.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    return r.coupon().orElseThrow();
  }

  private static ClaimCommand command(Template t, String user, String key, String couponId, Instant at,
      Instant claimFrom, Instant claimUntil) {
    return new ClaimCommand(t.id(), user, key, couponId, t.spec().perUserLimit(), at, at.plus(Duration.ofDays(7)),
        null, claimFrom, claimUntil);
  }

  private Coupon stored(Coupon c) {
    return store.findCouponByCode(c.code()).orElseThrow();
  }

  /** Whether the coupon's code is in its expiry bucket, and the bucket in the template's bucket index. */
  private boolean due(Coupon c) {
    long bucket = Keys.dueBucket(c.expiresAt().toEpochMilli());
    return jedis.lpos(store.keys().due(c.templateId(), bucket), c.code()) != null
        && jedis.zscore(store.keys().dueBuckets(c.templateId()), Long.toString(bucket)) != null;
  }

  /** Takes the coupon's code out of its expiry bucket. */
  private void undue(Coupon c) {
    jedis.lrem(store.keys().due(c.templateId(), Keys.dueBucket(c.expiresAt().toEpochMilli())), 0, c.code());
  }

  // ---- claim window --------------------------------------------------------------------------------------------

  @Test
  void claimWindow_refusesBeforeAndFromItsEnd_toTheNanosecond_retriedKeyStillDuplicate() {
    Template t = ready(10, 2);
    Instant from = T0.plusSeconds(3_600);
    Instant until = T0.plusSeconds(7_200);

    assertThat(store.claim(command(t, "u1", "k1", "cid-1", from.minusNanos(1), from, until)).outcome())
        .isEqualTo(ClaimOutcome.NOT_STARTED);
    ClaimResult first = store.claim(command(t, "u1", "k1", "cid-1", from, from, until));
    assertThat(first.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(store.claim(command(t, "u1", "k2", "cid-2", until.minusNanos(1), from, until)).outcome())
        .isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(store.claim(command(t, "u2", "k3", "cid-3", until, from, until)).outcome())
        .isEqualTo(ClaimOutcome.CLAIM_CLOSED);
    assertThat(store.claim(command(t, "u2", "k3", "cid-3", from.minusSeconds(1), null, until)).outcome())
        .as("only claimFrom set absent: open from the start").isEqualTo(ClaimOutcome.CLAIMED);

    // a retried key answers DUPLICATE with the first coupon, whatever the time
    ClaimResult retried = store.claim(command(t, "u1", "k1", "cid-9", until.plusSeconds(60), from, until));
    assertThat(retried.outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
    assertThat(retried.coupon()).contains(first.coupon().orElseThrow());
    // the window comes before the limit: u1 holds 2 of 2, a new key outside the window is CLAIM_CLOSED
    assertThat(store.claim(command(t, "u1", "k4", "cid-4", until, from, until)).outcome())
        .isEqualTo(ClaimOutcome.CLAIM_CLOSED);
    assertThat(store.claim(command(t, "u1", "k4", "cid-4", from, from, until)).outcome())
        .isEqualTo(ClaimOutcome.LIMIT_REACHED);

    assertThat(store.remainingCodes(t.id())).isEqualTo(7);
    assertThat(store.findCouponsByUser("u1")).hasSize(2);
    assertThat(store.findCouponsByUser("u2")).hasSize(1);
  }

  // ---- pause ---------------------------------------------------------------------------------------------------

  @Test
  void paused_refusesClaims_keepsDuplicatesAndHeldCoupons_resumeReopens() {
    Template t = ready(10, 2);
    Coupon held = claim(t, "u1", "k1");

    assertThat(engine.pause(t.id()).status()).isEqualTo(TemplateStatus.PAUSED);
    assertThat(store.findTemplates(TemplateStatus.PAUSED)).extracting(Template::id).containsExactly(t.id());
    assertThat(store.findTemplates(TemplateStatus.AVAILABLE)).extracting(Template::id).doesNotContain(t.id());
    assertThat(store.findTemplate(t.id()).orElseThrow().status()).isEqualTo(TemplateStatus.PAUSED);

    assertThat(engine.claim(new ClaimRequest("u2", t.id(), "k2")).outcome()).isEqualTo(ClaimOutcome.TEMPLATE_PAUSED);
    // straight to the store (no engine cache in the way), and the status comes before the window
    assertThat(store.claim(command(t, "u3", "k3", "cid-3", T0, T0.plusSeconds(60), null)).outcome())
        .isEqualTo(ClaimOutcome.TEMPLATE_PAUSED);
    ClaimResult retried = engine.claim(new ClaimRequest("u1", t.id(), "k1"));
    assertThat(retried.outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
    assertThat(retried.coupon()).contains(held);
    assertThat(store.remainingCodes(t.id())).isEqualTo(9);
    assertThat(engine.reserve("u1", "o1", List.of(held.code())).outcome()).isEqualTo(RedemptionOutcome.RESERVED);

    assertThat(engine.resume(t.id()).status()).isEqualTo(TemplateStatus.AVAILABLE);
    assertThat(store.findTemplates(TemplateStatus.PAUSED)).isEmpty();
    assertThat(engine.claim(new ClaimRequest("u2", t.id(), "k2")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
  }

  @Test
  void pause_noClaimIsRecordedAfterItReturned() throws Exception {
    Template t = ready(50_000, 1);
    AtomicBoolean paused = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger claimedBefore = new AtomicInteger();
    AtomicInteger claimedAfter = new AtomicInteger();
    AtomicInteger seq = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      runs.add(pool.submit(() -> {
        while (!stop.get()) {
          boolean afterPause = paused.get();
          int n = seq.incrementAndGet();
          ClaimOutcome o = engine.claim(new ClaimRequest("u" + n, t.id(), "k" + n)).outcome();
          if (o == ClaimOutcome.CLAIMED) {
            (afterPause ? claimedAfter : claimedBefore).incrementAndGet();
          } else {
            assertThat(o).isEqualTo(ClaimOutcome.TEMPLATE_PAUSED);
          }
        }
        return null;
      }));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (claimedBefore.get() < 50 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    engine.pause(t.id());
    paused.set(true);
    long remaining = store.remainingCodes(t.id());
    Thread.sleep(300);
    stop.set(true);
    for (Future<?> f : runs) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(claimedBefore.get()).isPositive();
    assertThat(claimedAfter.get()).isZero();
    assertThat(store.remainingCodes(t.id())).isEqualTo(remaining);
  }

  // ---- validFrom -----------------------------------------------------------------------------------------------

  @Test
  void validFrom_isInTheClaimRecordAndEveryRead() {
    Instant from = T0.plus(Duration.ofDays(1));
    Instant to = T0.plus(Duration.ofDays(10));
    Template t = fixed(from, to);
    Coupon c = claim(t, "u1", "k1");

    assertThat(c.validFrom()).isEqualTo(from);
    assertThat(c.expiresAt()).isEqualTo(to);
    assertThat(c.statusAt(T0)).isEqualTo(CouponStatus.PENDING);
    assertThat(CouponRecord.read(jedis.hget(store.keys().claims(t.id()), c.code()), c.code(), t.id())).isEqualTo(c);
    assertThat(stored(c)).isEqualTo(c);
    assertThat(store.findCouponsByUser("u1")).containsExactly(c);
    assertThat(engine.claim(new ClaimRequest("u1", t.id(), "k1")).coupon()).contains(c);

    // a rolling template's coupon has none, and its record has no validFrom field
    Coupon rolling = claim(ready(5, 1), "u1", "k2");
    assertThat(rolling.validFrom()).isNull();
    String record = jedis.hget(store.keys().claims(rolling.templateId()), rolling.code());
    assertThat(CouponRecord.read(record, rolling.code(), rolling.templateId())).isEqualTo(rolling);
    assertThat(record).matches("[^|]+\\|[^|]+\\|\\|.*"); // the third field, validFrom, is empty
  }

  @Test
  void reserve_beforeValidFrom_notYetValid_toTheNanosecond_changesNothing() {
    Instant from = T0.plus(Duration.ofDays(1));
    Template t = fixed(from, T0.plus(Duration.ofDays(10)));
    Coupon c = claim(t, "u1", "k1");
    Coupon other = claim(t, "u2", "k2");

    RedemptionResult early = engine.reserve("u1", "o1", List.of(c.code()));
    assertThat(early.outcome()).isEqualTo(RedemptionOutcome.NOT_YET_VALID);
    assertThat(early.offendingCode()).isEqualTo(c.code());
    assertThat(stored(c)).isEqualTo(c);
    // NOT_OWNER is checked before the window
    assertThat(engine.reserve("u1", "o9", List.of(other.code())).outcome()).isEqualTo(RedemptionOutcome.NOT_OWNER);

    clock.advance(Duration.ofDays(1).minusNanos(1));
    assertThat(engine.reserve("u1", "o1", List.of(c.code())).outcome()).isEqualTo(RedemptionOutcome.NOT_YET_VALID);
    clock.advance(Duration.ofNanos(1));
    assertThat(engine.reserve("u1", "o1", List.of(c.code())).outcome()).isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(stored(c).status()).isEqualTo(CouponStatus.RESERVED);
  }

  // ---- late commit ---------------------------------------------------------------------------------------------

  @Test
  void commit_ofReleasedOrder_whileEveryCouponIsUsable_reTakesThem() {
    Template t = ready(10, 5);
    Coupon a = claim(t, "u1", "k1");
    Coupon b = claim(t, "u1", "k2");
    engine.reserve("u1", "o1", List.of(a.code(), b.code()));
    assertThat(engine.release("o1").outcome()).isEqualTo(RedemptionOutcome.RELEASED);

    RedemptionResult late = engine.commit("o1");
    assertThat(late.outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
    assertThat(late.replayed()).isFalse();
    assertThat(late.orderStatus()).isEqualTo(OrderStatus.COMMITTED);
    assertThat(late.coupons()).hasSize(2)
        .allMatch(c -> c.status() == CouponStatus.USED && "o1".equals(c.orderId()));
    assertThat(stored(a).status()).isEqualTo(CouponStatus.USED);
    assertThat(store.findCouponsByUser("u1")).allMatch(c -> c.status() == CouponStatus.USED);
    RedemptionResult replay = engine.commit("o1");
    assertThat(replay.outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
    assertThat(replay.replayed()).isTrue();
    assertThat(engine.release("o1").outcome()).isEqualTo(RedemptionOutcome.ORDER_CONFLICT);

    // released by the stale sweep, then paid
    Coupon c = claim(t, "u1", "k3");
    engine.reserve("u1", "o2", List.of(c.code()));
    clock.advance(Duration.ofMinutes(31));
    assertThat(engine.releaseStaleReservations()).isEqualTo(1);
    RedemptionResult paid = engine.commit("o2");
    assertThat(paid.outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
    assertThat(paid.replayed()).isFalse();
    assertThat(stored(c).status()).isEqualTo(CouponStatus.USED);
    assertThat(store.findStaleReservations(clock.instant(), 10)).isEmpty();
  }

  @Test
  void commit_ofReleasedOrder_whenACouponIsGone_orderExpired_takesNothing() {
    Template t = ready(10, 5);
    Coupon a = claim(t, "u1", "k1");
    Coupon b = claim(t, "u1", "k2");
    engine.reserve("u1", "o1", List.of(a.code(), b.code()));
    engine.release("o1");
    assertThat(engine.reserve("u1", "o2", List.of(b.code())).outcome()).isEqualTo(RedemptionOutcome.RESERVED);

    RedemptionResult late = engine.commit("o1");
    assertThat(late.outcome()).isEqualTo(RedemptionOutcome.ORDER_EXPIRED);
    assertThat(late.orderStatus()).isEqualTo(OrderStatus.RELEASED);
    assertThat(stored(a).status()).isEqualTo(CouponStatus.USABLE);
    assertThat(stored(a).orderId()).isNull();
    assertThat(stored(b).orderId()).isEqualTo("o2");
    assertThat(engine.commit("o2").outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
    assertThat(engine.commit("o1").outcome()).isEqualTo(RedemptionOutcome.ORDER_EXPIRED);

    // past its window: the coupon stays as it was (USABLE stored, EXPIRED seen)
    Coupon c = claim(t, "u1", "k3");
    engine.reserve("u1", "o3", List.of(c.code()));
    engine.release("o3");
    clock.advance(Duration.ofDays(7));
    assertThat(engine.commit("o3").outcome()).isEqualTo(RedemptionOutcome.ORDER_EXPIRED);
    assertThat(stored(c).status()).isEqualTo(CouponStatus.USABLE);
    assertThat(stored(c).statusAt(clock.instant())).isEqualTo(CouponStatus.EXPIRED);
  }

  // ---- revert --------------------------------------------------------------------------------------------------

  @Test
  void revert_committedOrder_couponsUsableAgain_idempotent_limitKept() {
    Template t = ready(10, 2);
    Coupon a = claim(t, "u1", "k1");
    Coupon b = claim(t, "u1", "k2");
    engine.reserve("u1", "o1", List.of(a.code(), b.code()));
    engine.commit("o1");
    assertThat(store.findCouponsByUser("u1")).allMatch(c -> c.status() == CouponStatus.USED); // list now cached
    undue(a); // as a sweep on a clock ahead would have
    undue(b);

    RedemptionResult r = engine.revert("o1");
    assertThat(r.outcome()).isEqualTo(RedemptionOutcome.REVERTED);
    assertThat(r.replayed()).isFalse();
    assertThat(r.orderStatus()).isEqualTo(OrderStatus.REVERTED);
    assertThat(r.coupons()).containsExactly(a, b);
    assertThat(store.findCouponsByUser("u1")).containsExactly(a, b);
    assertThat(stored(a)).isEqualTo(a);
    assertThat(due(a)).isTrue();
    assertThat(due(b)).isTrue();

    RedemptionResult replay = engine.revert("o1");
    assertThat(replay.outcome()).isEqualTo(RedemptionOutcome.REVERTED);
    assertThat(replay.replayed()).isTrue();
    assertThat(replay.orderStatus()).isEqualTo(OrderStatus.REVERTED);
    assertThat(engine.commit("o1").outcome()).isEqualTo(RedemptionOutcome.ORDER_CONFLICT);
    assertThat(engine.release("o1").outcome()).isEqualTo(RedemptionOutcome.ORDER_CONFLICT);
    assertThat(engine.reserve("u1", "o1", List.of(a.code())).outcome()).isEqualTo(RedemptionOutcome.ORDER_CONFLICT);

    // the limit counts claims: u1 claimed 2 of 2
    assertThat(engine.claim(new ClaimRequest("u1", t.id(), "k3")).outcome()).isEqualTo(ClaimOutcome.LIMIT_REACHED);
    // the coupons are usable by a new order, and swept when due
    assertThat(engine.reserve("u1", "o2", List.of(a.code())).outcome()).isEqualTo(RedemptionOutcome.RESERVED);
    clock.advance(Duration.ofDays(7));
    assertThat(store.expireDueCoupons(clock.instant(), 10)).extracting(Coupon::code).containsExactly(b.code());
  }

  @Test
  void revert_pastTheWindow_couponsExpired_notIndexedForTheSweep() {
    Template t = ready(10, 2);
    Coupon a = claim(t, "u1", "k1");
    engine.reserve("u1", "o1", List.of(a.code()));
    engine.commit("o1");
    undue(a);
    clock.advance(Duration.ofDays(7));

    RedemptionResult r = engine.revert("o1");
    assertThat(r.outcome()).isEqualTo(RedemptionOutcome.REVERTED);
    assertThat(r.coupons()).singleElement()
        .satisfies(c -> {
          assertThat(c.status()).isEqualTo(CouponStatus.EXPIRED);
          assertThat(c.orderId()).isNull();
        });
    assertThat(stored(a).status()).isEqualTo(CouponStatus.EXPIRED);
    assertThat(due(a)).isFalse();
    assertThat(engine.revert("o1").replayed()).isTrue();
    assertThat(store.expireDueCoupons(clock.instant(), 10)).isEmpty();
  }

  @Test
  void revert_ofAnOrderNotCommitted_orUnknown_changesNothing() {
    Template t = ready(10, 2);
    Coupon a = claim(t, "u1", "k1");
    engine.reserve("u1", "o1", List.of(a.code()));

    RedemptionResult reserved = engine.revert("o1");
    assertThat(reserved.outcome()).isEqualTo(RedemptionOutcome.NOT_COMMITTED);
    assertThat(reserved.orderStatus()).isEqualTo(OrderStatus.RESERVED);
    assertThat(stored(a).status()).isEqualTo(CouponStatus.RESERVED);

    engine.release("o1");
    RedemptionResult released = engine.revert("o1");
    assertThat(released.outcome()).isEqualTo(RedemptionOutcome.NOT_COMMITTED);
    assertThat(released.orderStatus()).isEqualTo(OrderStatus.RELEASED);
    assertThat(stored(a).status()).isEqualTo(CouponStatus.USABLE);

    assertThat(engine.revert("no-such-order").outcome()).isEqualTo(RedemptionOutcome.ORDER_NOT_FOUND);
  }

  @Test
  void revertAndLateCommit_eventsReachTheConsumer() {
    Template t = ready(10, 2);
    Coupon a = claim(t, "u1", "k1");
    engine.reserve("u1", "o1", List.of(a.code()));
    engine.release("o1");
    engine.commit("o1");
    engine.revert("o1");

    ConcurrentLinkedQueue<CouponEvent> seen = new ConcurrentLinkedQueue<>();
    try (RedisEventConsumer consumer = RedisEventConsumer.builder(jedis, prefix, "g", "c1", seen::add).build()) {
      assertThat(consumer.pollOnce()).isEqualTo(5);
    }
    assertThat(seen).extracting(CouponEvent::id).containsExactlyInAnyOrder("CLAIMED:" + a.id(), "RESERVED:o1",
        "RELEASED:o1", "COMMITTED:o1", "REVERTED:o1");
    CouponEvent reverted = seen.stream().filter(e -> e.type() == EventType.REVERTED).findFirst().orElseThrow();
    assertThat(reverted.orderId()).isEqualTo("o1");
    assertThat(reverted.userId()).isEqualTo("u1");
    assertThat(reverted.coupons()).containsExactly(a);
  }
}
