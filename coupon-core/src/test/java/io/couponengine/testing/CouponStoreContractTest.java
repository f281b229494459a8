package io.couponengine.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.code.CodeGenerator;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.OrderStatus;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CouponStore;
import io.couponengine.template.ClaimWindow;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStatus;
import io.couponengine.template.Validity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The storage contract (ARCHITECTURE.md, "Invariants every store keeps"), run against every {@link CouponStore}.
 *
 * <pre>{@code
 * class RedisCouponStoreTest extends CouponStoreContractTest {
 *   protected CouponStore newStore() { return new RedisCouponStore(jedis, uniquePrefix()); }
 * }
 * }</pre>
 *
 * <p>A subclass implements {@link #newStore()} and may override {@link #newStoreSharingWith(CouponStore)} (a second
 * client to the same backend, for multi-instance tests), {@link #cleanUp(CouponStore)} and the load sizes. The
 * invariants are checked from the store's own data, never from the engine's counters.
 */
public abstract class CouponStoreContractTest {
  protected static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

  protected MutableClock clock;
  protected CouponStore store;
  private final List<CouponEngine> engines = new ArrayList<>();
  private final List<CouponStore> extraStores = new ArrayList<>();

  /**
   * A fresh, empty store (or a fresh namespace in a shared backend).
   *
   * @return the store under test
   */
  protected abstract CouponStore newStore();

  /**
   * Another client of the same data as {@code store}, as a second application instance would have. By default the
   * same object.
   *
   * @param store the store from {@link #newStore()}
   * @return a store seeing the same data
   */
  protected CouponStore newStoreSharingWith(CouponStore store) {
    return store;
  }

  /**
   * Removes what a test left behind (keys, tables, schemas).
   *
   * @param store the store from {@link #newStore()}
   */
  protected void cleanUp(CouponStore store) {}

  /** Claims attempted by the concurrency test (the contract asks for 100,000). */
  protected int concurrentClaims() {
    return 100_000;
  }

  /** Threads of the concurrency test (the contract asks for at least 64). */
  protected int concurrentThreads() {
    return 64;
  }

  /** Rounds of the two-thread races (DUPLICATE visibility, one order id from two users); memory runs many. */
  protected int raceRounds() {
    return 300;
  }

  @BeforeEach
  void setUpStore() {
    clock = new MutableClock(T0);
    store = newStore();
  }

  @AfterEach
  void tearDownStore() {
    engines.forEach(CouponEngine::close);
    for (CouponStore s : extraStores) {
      if (s != store) {
        s.close();
      }
    }
    try {
      cleanUp(store);
    } finally {
      store.close();
    }
  }

  protected CouponEngine engine() {
    return engine(store);
  }

  protected CouponEngine engine(CouponStore s) {
    CouponEngine e = CouponEngine.builder().store(s).clock(clock).executor(Runnable::run)
        .generationBatchSize(1_000).sweepBatchSize(100).build();
    engines.add(e);
    return e;
  }

  protected Template ready(CouponEngine engine, long codes, int perUser) {
    Template t = engine.createTemplate(Specs.threshold(codes, perUser));
    return engine.generation(t.id()).join();
  }

  // ---- invariant 1 and 3: never over-issued, no code twice, claim atomic ----------------------------------------

  @Test
  void ping_answers() {
    store.ping(); // a reachable store answers without throwing, before and after writes
    ready(engine(), 3, 1);
    store.ping();
  }

  @Test
  void claim_recordsCouponAndTakesCode() {
    CouponEngine engine = engine();
    Template t = ready(engine, 3, 1);
    ClaimResult r = engine.claim(new ClaimRequest("u1", t.id(), "k1"));

    assertThat(r.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    Coupon c = r.coupon().orElseThrow();
    assertThat(c.userId()).isEqualTo("u1");
    assertThat(c.templateId()).isEqualTo(t.id());
    assertThat(c.status()).isEqualTo(CouponStatus.USABLE);
    assertThat(c.claimedAt()).isEqualTo(T0);
    assertThat(c.expiresAt()).isEqualTo(T0.plus(Duration.ofDays(7)));
    assertThat(store.findCouponByCode(c.code())).contains(c);
    assertThat(store.findCouponsByUser("u1")).containsExactly(c);
    assertThat(store.remainingCodes(t.id())).isEqualTo(2);
  }

  @Test
  void findCouponsByUser_seesEachNewClaim_evenAfterAnEmptyRead() {
    CouponEngine engine = engine();
    Template t = ready(engine, 5, 3);
    assertThat(store.findCouponsByUser("fresh")).isEmpty();   // a store may cache this (as an empty sentinel)
    Coupon first = engine.claim(new ClaimRequest("fresh", t.id(), "1")).coupon().orElseThrow();
    assertThat(store.findCouponsByUser("fresh")).containsExactly(first);
    Coupon second = engine.claim(new ClaimRequest("fresh", t.id(), "2")).coupon().orElseThrow();
    assertThat(store.findCouponsByUser("fresh")).containsExactly(first, second);
  }

  @Test
  void claim_soldOut_whenPoolIsEmpty() {
    CouponEngine engine = engine();
    Template t = ready(engine, 2, 5);
    assertThat(engine.claim(new ClaimRequest("u1", t.id(), "a")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(engine.claim(new ClaimRequest("u2", t.id(), "b")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(engine.claim(new ClaimRequest("u3", t.id(), "c")).outcome()).isEqualTo(ClaimOutcome.SOLD_OUT);
    assertThat(store.remainingCodes(t.id())).isZero();
    assertThat(store.findCouponsByUser("u3")).isEmpty();
  }

  @Test
  void claim_issuesEveryLoadedCodeOnce() {
    CouponEngine engine = engine();
    Template t = ready(engine, 250, 1_000);
    Set<String> codes = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      engine.claim(new ClaimRequest("u1", t.id(), "k" + i)).coupon().ifPresent(c -> codes.add(c.code()));
    }
    assertThat(codes).hasSize(250);
    assertThat(store.findCouponsByUser("u1")).hasSize(250);
  }

  @Test
  void appendCodes_isIdempotentByOffset() {
    Template t = new Template("AAAAAA", Specs.threshold(10, 1), TemplateStatus.CREATING, T0, null);
    assertThat(store.insertTemplate(t)).isTrue();
    CodeGenerator gen = new CodeGenerator("TH", "AAAAAA", 1, 2);
    List<String> first = List.of(gen.code(0), gen.code(1), gen.code(2));
    List<String> second = List.of(gen.code(3), gen.code(4));
    assertThat(store.appendCodes(t.id(), 0, first)).isEqualTo(3);
    assertThat(store.appendCodes(t.id(), 0, first)).isEqualTo(3);   // retried batch
    assertThat(store.appendCodes(t.id(), 3, second)).isEqualTo(5);
    assertThat(store.appendCodes(t.id(), 3, second)).isEqualTo(5);
    assertThat(store.remainingCodes(t.id())).isEqualTo(5);
    assertThatThrownBy(() -> store.appendCodes(t.id(), 7, List.of(gen.code(7))))
        .isInstanceOf(CouponException.class)
        .extracting(e -> ((CouponException) e).code()).isEqualTo(ErrorCode.CONFLICT);
  }

  // ---- templates -----------------------------------------------------------------------------------------------

  @Test
  void insertTemplate_refusesTakenId() {
    Template t = new Template("BBBBBB", Specs.threshold(10, 1), TemplateStatus.CREATING, T0, null);
    assertThat(store.insertTemplate(t)).isTrue();
    assertThat(store.insertTemplate(t.withStatus(TemplateStatus.AVAILABLE, null))).isFalse();
    assertThat(store.findTemplate("BBBBBB")).contains(t);
    assertThat(store.findTemplate("CCCCCC")).isEmpty();
  }

  @Test
  void updateTemplateStatus_isCompareAndSet() {
    Template t = new Template("DDDDDD", Specs.threshold(10, 1), TemplateStatus.CREATING, T0, null);
    store.insertTemplate(t);
    assertThat(store.updateTemplateStatus("DDDDDD", TemplateStatus.AVAILABLE, TemplateStatus.EXPIRED, null))
        .isFalse();
    assertThat(store.updateTemplateStatus("DDDDDD", TemplateStatus.CREATING, TemplateStatus.FAILED, "boom"))
        .isTrue();
    Template failed = store.findTemplate("DDDDDD").orElseThrow();
    assertThat(failed.status()).isEqualTo(TemplateStatus.FAILED);
    assertThat(failed.failureReason()).isEqualTo("boom");
    assertThat(store.findTemplates(TemplateStatus.FAILED)).extracting(Template::id).contains("DDDDDD");
    assertThat(store.updateTemplateStatus("ZZZZZZ", TemplateStatus.CREATING, TemplateStatus.FAILED, null))
        .isFalse();
  }

  @Test
  void claim_refusesUnknownNotReadyAndExpiredTemplates() {
    CouponEngine engine = engine();
    assertThat(engine.claim(new ClaimRequest("u1", "XXXXXX", "k")).outcome())
        .isEqualTo(ClaimOutcome.TEMPLATE_NOT_FOUND);
    Template creating = new Template("EEEEEE", Specs.threshold(10, 1), TemplateStatus.CREATING, T0, null);
    store.insertTemplate(creating);
    assertThat(engine.claim(new ClaimRequest("u1", "EEEEEE", "k")).outcome())
        .isEqualTo(ClaimOutcome.TEMPLATE_NOT_READY);
    ClaimCommand direct = new ClaimCommand("EEEEEE", "u1", "k", "id-1", 1, T0, T0.plusSeconds(60));
    assertThat(store.claim(direct).outcome()).isEqualTo(ClaimOutcome.TEMPLATE_NOT_READY);
    store.updateTemplateStatus("EEEEEE", TemplateStatus.CREATING, TemplateStatus.EXPIRED, null);
    assertThat(store.claim(direct).outcome()).isEqualTo(ClaimOutcome.TEMPLATE_EXPIRED);
  }

  // ---- invariant 2: per-user limit -----------------------------------------------------------------------------

  @Test
  void claim_limitReached_atPerUserLimit() {
    CouponEngine engine = engine();
    Template t = ready(engine, 10, 2);
    assertThat(engine.claim(new ClaimRequest("u1", t.id(), "1")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(engine.claim(new ClaimRequest("u1", t.id(), "2")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(engine.claim(new ClaimRequest("u1", t.id(), "3")).outcome()).isEqualTo(ClaimOutcome.LIMIT_REACHED);
    assertThat(engine.claim(new ClaimRequest("u2", t.id(), "3")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(store.findCouponsByUser("u1")).hasSize(2);
    assertThat(store.remainingCodes(t.id())).isEqualTo(7);
  }

  // ---- invariant 4: idempotent claims --------------------------------------------------------------------------

  @Test
  void claim_sameIdempotencyKey_returnsSameCouponAndIssuesNothing() {
    CouponEngine engine = engine();
    Template t = ready(engine, 10, 5);
    Coupon first = engine.claim(new ClaimRequest("u1", t.id(), "req")).coupon().orElseThrow();
    ClaimResult again = engine.claim(new ClaimRequest("u1", t.id(), "req"));
    assertThat(again.outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
    assertThat(again.coupon()).contains(first);
    assertThat(store.remainingCodes(t.id())).isEqualTo(9);
    assertThat(store.findCouponsByUser("u1")).hasSize(1);
    // the key is scoped to the user: another user's same key is a new claim
    assertThat(engine.claim(new ClaimRequest("u2", t.id(), "req")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
  }

  @Test
  void claim_duplicateAnsweredEvenWhenSoldOutOrAtLimit() {
    CouponEngine engine = engine();
    Template t = ready(engine, 1, 1);
    Coupon first = engine.claim(new ClaimRequest("u1", t.id(), "req")).coupon().orElseThrow();
    ClaimResult again = engine.claim(new ClaimRequest("u1", t.id(), "req"));
    assertThat(again.outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
    assertThat(again.coupon()).contains(first);
  }

  // ---- concurrency: 64 threads, 100,000 claims, fewer codes than claims ----------------------------------------

  @Test
  void claim_concurrently_neverOverIssuesNorExceedsLimits() throws Exception {
    int claims = concurrentClaims();
    int codes = claims / 5;
    int users = claims / 4;
    int limit = 2;
    CouponEngine engine = engine();
    Template t = ready(engine, codes, limit);
    RunStats stats = runClaims(List.of(engine), t.id(), claims, users, concurrentThreads());
    assertInvariants(t, codes, users, limit, stats);
  }

  @Test
  void claim_fromSeveralEnginesSharingOneStore_keepsInvariants() throws Exception {
    int claims = Math.max(1_000, concurrentClaims() / 5);
    int codes = claims / 3;
    int users = claims / 4;
    int limit = 2;
    List<CouponEngine> four = new ArrayList<>();
    four.add(engine());
    for (int i = 1; i < 4; i++) {
      CouponStore shared = newStoreSharingWith(store);
      extraStores.add(shared);
      four.add(engine(shared));
    }
    Template t = ready(four.get(0), codes, limit);
    RunStats stats = runClaims(four, t.id(), claims, users, concurrentThreads());
    assertInvariants(t, codes, users, limit, stats);
  }

  /** What the claim threads saw. */
  protected record RunStats(long claimed, long duplicates, long soldOut, long limitReached,
                            List<Coupon> claimedCoupons, Map<String, String> firstCouponByKey,
                            List<String> duplicateMismatches) {}

  protected RunStats runClaims(List<CouponEngine> engines, String templateId, int claims, int users, int threads)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger next = new AtomicInteger();
    AtomicLong claimed = new AtomicLong();
    AtomicLong duplicates = new AtomicLong();
    AtomicLong soldOut = new AtomicLong();
    AtomicLong limitReached = new AtomicLong();
    ConcurrentLinkedQueue<Coupon> issued = new ConcurrentLinkedQueue<>();
    Map<String, String> byKey = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < threads; w++) {
      futures.add(pool.submit(() -> {
        start.await();
        int i;
        while ((i = next.getAndIncrement()) < claims) {
          CouponEngine e = engines.get(i % engines.size());
          String user = "user-" + (i % users);
          String key = "k-" + i;
          ClaimResult r = e.claim(new ClaimRequest(user, templateId, key));
          switch (r.outcome()) {
            case CLAIMED -> {
              claimed.incrementAndGet();
              issued.add(r.couponOrNull());
              byKey.put(user + "/" + key, r.couponOrNull().id());
              if (i % 10 == 0) { // a client retry of a claim that succeeded: must replay, not issue
                ClaimResult retry = engines.get((i + 1) % engines.size())
                    .claim(new ClaimRequest(user, templateId, key));
                if (retry.outcome() != ClaimOutcome.DUPLICATE
                    || !retry.couponOrNull().id().equals(r.couponOrNull().id())) {
                  mismatches.add(key + " -> " + retry.outcome());
                }
                duplicates.incrementAndGet();
              }
            }
            case DUPLICATE -> duplicates.incrementAndGet();
            case SOLD_OUT -> soldOut.incrementAndGet();
            case LIMIT_REACHED -> limitReached.incrementAndGet();
            default -> mismatches.add(key + " unexpected " + r.outcome());
          }
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(10, TimeUnit.MINUTES);
    }
    pool.shutdown();
    return new RunStats(claimed.get(), duplicates.get(), soldOut.get(), limitReached.get(),
        List.copyOf(issued), Map.copyOf(byKey), List.copyOf(mismatches));
  }

  protected void assertInvariants(Template t, int codes, int users, int limit, RunStats stats) {
    assertThat(stats.duplicateMismatches()).as("retries that did not replay").isEmpty();
    // from the store's data, not the engine's counters
    Map<String, Integer> perUser = new HashMap<>();
    Set<String> storedCodes = new HashSet<>();
    long stored = 0;
    for (int u = 0; u < users; u++) {
      List<Coupon> held = store.findCouponsByUser("user-" + u);
      for (Coupon c : held) {
        assertThat(c.templateId()).isEqualTo(t.id());
        assertThat(storedCodes.add(c.code())).as("code issued twice: %s", c.code()).isTrue();
        stored++;
      }
      perUser.put("user-" + u, held.size());
    }
    long allowed = Math.min(codes, (long) users * limit);
    assertThat(stored).as("issued coupons").isEqualTo(allowed);
    assertThat(stats.claimed()).as("CLAIMED answers").isEqualTo(stored);
    assertThat(perUser.values()).as("users over limit").allMatch(n -> n <= limit);
    assertThat(store.remainingCodes(t.id())).isEqualTo(codes - stored);
    for (Coupon c : stats.claimedCoupons()) {
      Optional<Coupon> found = store.findCouponByCode(c.code());
      assertThat(found).as("claimed coupon stored").isPresent();
      assertThat(found.get().id()).isEqualTo(c.id());
      assertThat(found.get().userId()).isEqualTo(c.userId());
    }
  }

  // ---- invariant 5: status transitions, expiry --------------------------------------------------------------

  @Test
  void expireCoupon_onlyUsableAndDue() {
    CouponEngine engine = engine();
    Template t = ready(engine, 5, 5);
    Coupon c = engine.claim(new ClaimRequest("u1", t.id(), "k")).coupon().orElseThrow();
    assertThat(store.expireCoupon(c, T0.plus(Duration.ofDays(1)))).isEmpty();
    Optional<Coupon> expired = store.expireCoupon(c, c.expiresAt());
    assertThat(expired).isPresent();
    assertThat(expired.get().status()).isEqualTo(CouponStatus.EXPIRED);
    assertThat(store.expireCoupon(c, c.expiresAt())).isEmpty();
    // a stale argument never overrides the stored state: a reserved coupon is not expired by its USABLE copy
    Coupon other = engine.claim(new ClaimRequest("u1", t.id(), "k2")).coupon().orElseThrow();
    engine.reserve("u1", "o-stale", List.of(other.code()));
    assertThat(store.expireCoupon(other, other.expiresAt())).isEmpty();
    assertThat(store.findCouponByCode(other.code()).orElseThrow().status()).isEqualTo(CouponStatus.RESERVED);
    assertThat(store.findCouponByCode(c.code()).orElseThrow().status()).isEqualTo(CouponStatus.EXPIRED);
  }

  @Test
  void expireDueCoupons_inBatches_eachOnce() {
    CouponEngine engine = engine();
    Template t = ready(engine, 250, 1_000);
    for (int i = 0; i < 250; i++) {
      engine.claim(new ClaimRequest("u" + (i % 7), t.id(), "k" + i));
    }
    Instant later = T0.plus(Duration.ofDays(8));
    List<Coupon> first = store.expireDueCoupons(later, 100);
    assertThat(first).hasSize(100).allMatch(c -> c.status() == CouponStatus.EXPIRED);
    Set<String> ids = new HashSet<>();
    first.forEach(c -> ids.add(c.id()));
    List<Coupon> rest = new ArrayList<>();
    List<Coupon> batch;
    while (!(batch = store.expireDueCoupons(later, 100)).isEmpty()) {
      rest.addAll(batch);
    }
    rest.forEach(c -> assertThat(ids.add(c.id())).isTrue());
    assertThat(ids).hasSize(250);
    assertThat(store.expireDueCoupons(T0.plus(Duration.ofDays(1)), 100)).isEmpty();
  }

  @Test
  void expireDue_fromTwoEnginesAtOnce_expiresEachCouponOnce() throws Exception {
    CouponEngine a = engine();
    CouponStore other = newStoreSharingWith(store);
    extraStores.add(other);
    CouponEngine b = engine(other);
    Template t = ready(a, 600, 1_000);
    for (int i = 0; i < 600; i++) {
      a.claim(new ClaimRequest("u" + (i % 13), t.id(), "k" + i));
    }
    clock.advance(Duration.ofDays(8));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<Integer> fa = pool.submit(a::expireDue);
    Future<Integer> fb = pool.submit(b::expireDue);
    int total = fa.get(2, TimeUnit.MINUTES) + fb.get(2, TimeUnit.MINUTES);
    pool.shutdown();
    assertThat(total).isEqualTo(600);
    assertThat(a.coupons("u0", CouponStatus.EXPIRED)).hasSize(47);
  }

  @Test
  void coupons_passiveExpiry_showsAndPersistsExpiredBeforeAnySweep() {
    CouponEngine engine = engine();
    Template t = ready(engine, 5, 5);
    Coupon c = engine.claim(new ClaimRequest("u1", t.id(), "k")).coupon().orElseThrow();
    clock.advance(Duration.ofDays(7));
    assertThat(engine.coupons("u1", CouponStatus.USABLE)).isEmpty();
    assertThat(engine.coupons("u1", CouponStatus.EXPIRED)).extracting(Coupon::id).containsExactly(c.id());
    assertThat(store.findCouponByCode(c.code()).orElseThrow().status()).isEqualTo(CouponStatus.EXPIRED);
    assertThat(engine.couponByCode(c.code()).orElseThrow().status()).isEqualTo(CouponStatus.EXPIRED);
  }

  @Test
  void template_passiveExpiry_fixedWindowOver() {
    CouponEngine engine = engine();
    Template t = engine.generation(engine.createTemplate(
        Specs.fixed(5, 1, T0, T0.plus(Duration.ofDays(1)))).id()).join();
    assertThat(engine.claim(new ClaimRequest("u1", t.id(), "k")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    clock.advance(Duration.ofDays(1));
    assertThat(engine.template(t.id()).orElseThrow().status()).isEqualTo(TemplateStatus.EXPIRED);
    assertThat(store.findTemplate(t.id()).orElseThrow().status()).isEqualTo(TemplateStatus.EXPIRED);
    assertThat(engine.claim(new ClaimRequest("u2", t.id(), "k")).outcome())
        .isEqualTo(ClaimOutcome.TEMPLATE_EXPIRED);
    assertThat(engine.coupons("u1", CouponStatus.EXPIRED)).hasSize(1);
  }

  // ---- redemption: reserve / commit / release ------------------------------------------------------------------

  protected List<Coupon> claimN(CouponEngine engine, Template t, String user, int n) {
    List<Coupon> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(engine.claim(new ClaimRequest(user, t.id(), user + "-" + i)).coupon().orElseThrow());
    }
    return out;
  }

  @Test
  void reserve_commit_movesCouponsToUsed() {
    CouponEngine engine = engine();
    Template t = ready(engine, 10, 5);
    List<Coupon> mine = claimN(engine, t, "u1", 2);
    List<String> codes = List.of(mine.get(0).code(), mine.get(1).code());
    RedemptionResult r = engine.reserve("u1", "order-1", codes);
    assertThat(r.outcome()).isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(r.replayed()).isFalse();
    assertThat(r.coupons()).allMatch(c -> c.status() == CouponStatus.RESERVED && "order-1".equals(c.orderId()));
    assertThat(store.findCouponByCode(codes.get(0)).orElseThrow().status()).isEqualTo(CouponStatus.RESERVED);

    RedemptionResult again = engine.reserve("u1", "order-1", codes);
    assertThat(again.outcome()).isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(again.replayed()).isTrue();

    RedemptionResult committed = engine.commit("order-1");
    assertThat(committed.outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
    assertThat(committed.orderStatus()).isEqualTo(OrderStatus.COMMITTED);
    assertThat(committed.coupons()).allMatch(c -> c.status() == CouponStatus.USED);
    RedemptionResult replay = engine.commit("order-1");
    assertThat(replay.outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
    assertThat(replay.replayed()).isTrue();
    assertThat(engine.coupons("u1", CouponStatus.USED)).hasSize(2);
    assertThat(engine.release("order-1").outcome()).isEqualTo(RedemptionOutcome.ORDER_CONFLICT);
    assertThat(engine.reserve("u1", "order-1", codes).outcome()).isEqualTo(RedemptionOutcome.ORDER_CONFLICT);
    assertThat(engine.coupons("u1", CouponStatus.USED)).hasSize(2);
  }

  @Test
  void release_movesCouponsBackToUsable_andIsIdempotent() {
    CouponEngine engine = engine();
    Template t = ready(engine, 10, 5);
    Coupon c = claimN(engine, t, "u1", 1).get(0);
    engine.reserve("u1", "order-2", List.of(c.code()));
    RedemptionResult released = engine.release("order-2");
    assertThat(released.outcome()).isEqualTo(RedemptionOutcome.RELEASED);
    assertThat(released.coupons()).allMatch(x -> x.status() == CouponStatus.USABLE && x.orderId() == null);
    assertThat(engine.release("order-2").replayed()).isTrue();
    assertThat(engine.coupons("u1", CouponStatus.USABLE)).hasSize(1);
    // the released coupon can be reserved by a new order; a late payment of the released one then takes nothing
    assertThat(engine.reserve("u1", "order-3", List.of(c.code())).outcome()).isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(engine.commit("order-2").outcome()).isEqualTo(RedemptionOutcome.ORDER_EXPIRED);
    assertThat(store.findCouponByCode(c.code()).orElseThrow().orderId()).isEqualTo("order-3");
  }

  @Test
  void reserve_refusals_changeNothing() {
    CouponEngine engine = engine();
    Template t = ready(engine, 10, 5);
    Coupon mine = claimN(engine, t, "u1", 1).get(0);
    Coupon theirs = claimN(engine, t, "u2", 1).get(0);
    CodeGenerator other = new CodeGenerator("TH", t.id(), 42, 43);

    RedemptionResult notOwner = engine.reserve("u1", "o1", List.of(mine.code(), theirs.code()));
    assertThat(notOwner.outcome()).isEqualTo(RedemptionOutcome.NOT_OWNER);
    assertThat(notOwner.offendingCode()).isEqualTo(theirs.code());
    String unknown = other.code(999);
    assertThat(engine.reserve("u1", "o1", List.of(mine.code(), unknown)).outcome())
        .isIn(RedemptionOutcome.UNKNOWN_CODE);
    // all or none: the first code was not reserved by the refused calls
    assertThat(store.findCouponByCode(mine.code()).orElseThrow().status()).isEqualTo(CouponStatus.USABLE);
    assertThat(engine.commit("o1").outcome()).isEqualTo(RedemptionOutcome.ORDER_NOT_FOUND);
    assertThat(engine.release("o1").outcome()).isEqualTo(RedemptionOutcome.ORDER_NOT_FOUND);

    engine.reserve("u1", "o2", List.of(mine.code()));
    RedemptionResult taken = engine.reserve("u1", "o3", List.of(mine.code()));
    assertThat(taken.outcome()).isEqualTo(RedemptionOutcome.NOT_USABLE);

    Coupon later = claimN(engine, t, "u3", 1).get(0);
    clock.advance(Duration.ofDays(7));
    assertThat(engine.reserve("u3", "o4", List.of(later.code())).outcome()).isEqualTo(RedemptionOutcome.EXPIRED);
  }

  @Test
  void reserve_sameCouponRacedByManyOrders_exactlyOneWins() throws Exception {
    CouponEngine engine = engine();
    Template t = ready(engine, 10, 5);
    Coupon c = claimN(engine, t, "u1", 1).get(0);
    int threads = 32;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<RedemptionResult>> results = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      String order = "race-" + i;
      results.add(pool.submit(() -> {
        start.await();
        return engine.reserve("u1", order, List.of(c.code()));
      }));
    }
    start.countDown();
    int wins = 0;
    String winner = null;
    for (Future<RedemptionResult> f : results) {
      RedemptionResult r = f.get(1, TimeUnit.MINUTES);
      if (r.outcome() == RedemptionOutcome.RESERVED) {
        wins++;
        winner = r.orderId();
      } else {
        assertThat(r.outcome()).isEqualTo(RedemptionOutcome.NOT_USABLE);
      }
    }
    pool.shutdown();
    assertThat(wins).isEqualTo(1);
    assertThat(store.findCouponByCode(c.code()).orElseThrow().orderId()).isEqualTo(winner);
  }

  @Test
  void staleReservations_areReleasedBySweeper() {
    CouponEngine engine = engine();
    Template t = ready(engine, 10, 5);
    Coupon c = claimN(engine, t, "u1", 1).get(0);
    engine.reserve("u1", "slow-order", List.of(c.code()));
    assertThat(store.findStaleReservations(clock.instant(), 10)).isEmpty();
    clock.advance(Duration.ofMinutes(31));
    assertThat(store.findStaleReservations(clock.instant(), 10)).containsExactly("slow-order");
    assertThat(engine.releaseStaleReservations()).isEqualTo(1);
    assertThat(store.findCouponByCode(c.code()).orElseThrow().status()).isEqualTo(CouponStatus.USABLE);
    assertThat(engine.releaseStaleReservations()).isZero();
    // the payment arrives late: the coupon is still the user's and usable, so the order is committed again
    RedemptionResult late = engine.commit("slow-order");
    assertThat(late.outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
    assertThat(late.replayed()).isFalse();
    assertThat(store.findCouponByCode(c.code()).orElseThrow().status()).isEqualTo(CouponStatus.USED);
    assertThat(engine.commit("slow-order").replayed()).isTrue();
  }

  // ---- several engines at the same moment (issue 9) ----------------------------------------------------------

  /** Engines over separate clients of the store (as several application servers have). */
  protected List<CouponEngine> engines(int n) {
    List<CouponEngine> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      CouponStore s = i == 0 ? store : newStoreSharingWith(store);
      if (s != store) {
        extraStores.add(s);
      }
      out.add(engine(s));
    }
    return out;
  }

  /** Runs each task on its own thread, released together, and returns their results in order. */
  protected static <T> List<T> together(List<java.util.concurrent.Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (java.util.concurrent.Callable<T> task : tasks) {
        futures.add(pool.submit(() -> {
          start.await();
          return task.call();
        }));
      }
      start.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void reserve_doubleSubmittedFromSeveralEngines_allAnswerReservedOnceApplied() throws Exception {
    List<CouponEngine> es = engines(4);
    Template t = ready(es.get(0), 20, 2);
    for (int round = 0; round < 10; round++) {
      String buyer = "buyer-" + round;
      List<String> codes = claimN(es.get(0), t, buyer, 2).stream().map(Coupon::code).toList();
      String order = "double-" + round;
      List<java.util.concurrent.Callable<RedemptionResult>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        CouponEngine e = es.get(i % es.size());
        calls.add(() -> e.reserve(buyer, order, codes));
      }
      List<RedemptionResult> results = together(calls);
      assertThat(results).as("round %d: every identical call answers RESERVED", round)
          .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(RedemptionOutcome.RESERVED));
      assertThat(results.stream().filter(r -> !r.replayed()).count()).as("applied once").isEqualTo(1);
      for (String code : codes) {
        Coupon c = store.findCouponByCode(code).orElseThrow();
        assertThat(c.status()).isEqualTo(CouponStatus.RESERVED);
        assertThat(c.orderId()).isEqualTo(order);
      }
    }
  }

  @Test
  void reserve_oneOrderIdFromTwoUsers_oneReservedOtherConflict_nothingStranded() throws Exception {
    List<CouponEngine> es = engines(2);
    int rounds = Math.min(raceRounds(), 60);
    Template t = ready(es.get(0), 2L * rounds, 1);
    for (int round = 0; round < rounds; round++) {
      // users vary by round, so a store that places users in buckets sees pairs in different buckets
      String a = "alice-" + round;
      String b = "bob-" + round;
      Coupon ca = claimN(es.get(0), t, a, 1).get(0);
      Coupon cb = claimN(es.get(1), t, b, 1).get(0);
      String order = "shared-order-" + round;
      List<RedemptionResult> r = together(List.of(
          () -> es.get(0).reserve(a, order, List.of(ca.code())),
          () -> es.get(1).reserve(b, order, List.of(cb.code()))));
      List<RedemptionOutcome> outcomes = r.stream().map(RedemptionResult::outcome).sorted().toList();
      assertThat(outcomes).as("round %d", round)
          .containsExactlyInAnyOrder(RedemptionOutcome.RESERVED, RedemptionOutcome.ORDER_CONFLICT);
      Coupon winner = r.get(0).outcome() == RedemptionOutcome.RESERVED ? ca : cb;
      Coupon loser = winner == ca ? cb : ca;
      assertThat(store.findCouponByCode(loser.code()).orElseThrow().status()).isEqualTo(CouponStatus.USABLE);
      assertThat(es.get(1).commit(order).outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
      assertThat(store.findCouponByCode(winner.code()).orElseThrow().status()).isEqualTo(CouponStatus.USED);
    }
    clock.advance(Duration.ofHours(1));
    es.get(0).releaseStaleReservations();
    assertThat(store.findStaleReservations(clock.instant(), 100)).isEmpty();
    for (int round = 0; round < rounds; round++) {
      for (Coupon c : store.findCouponsByUser("alice-" + round)) {
        assertThat(c.status()).isNotEqualTo(CouponStatus.RESERVED);
      }
      for (Coupon c : store.findCouponsByUser("bob-" + round)) {
        assertThat(c.status()).isNotEqualTo(CouponStatus.RESERVED);
      }
    }
  }

  @Test
  void claim_duplicateAnswer_impliesTheCouponIsVisible() throws Exception {
    List<CouponEngine> es = engines(2);
    int rounds = raceRounds();
    Template t = ready(es.get(0), rounds, 1);
    // two long-lived threads meet at a barrier each round, so their claims overlap as closely as the store allows
    java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(2);
    List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    List<java.util.concurrent.Callable<Void>> twins = new ArrayList<>();
    for (int side = 0; side < 2; side++) {
      CouponEngine e = es.get(side);
      twins.add(() -> {
        for (int round = 0; round < rounds; round++) {
          barrier.await(30, TimeUnit.SECONDS);
          ClaimResult r = e.claim(new ClaimRequest("twin-" + round, t.id(), "same-key"));
          if (r.outcome() == ClaimOutcome.DUPLICATE) {
            // read at once, as the caller would: the coupon a DUPLICATE names is there
            Coupon c = r.coupon().orElseThrow();
            Optional<Coupon> byCode = e.couponByCode(c.code());
            List<Coupon> listed = store.findCouponsByUser(c.userId());
            if (byCode.isEmpty() || !listed.contains(c)) {
              // what each read saw, so a failure tells an invisible coupon from one that reads back different
              problems.add("round " + round + ": DUPLICATE names " + c + " before it is visible: by code " + byCode
                  + ", the user's coupons " + listed);
            }
          } else if (r.outcome() != ClaimOutcome.CLAIMED) {
            problems.add("round " + round + ": " + r.outcome());
          }
        }
        return null;
      });
    }
    together(twins);
    assertThat(problems).isEmpty();
    for (int round = 0; round < rounds; round++) {
      assertThat(store.findCouponsByUser("twin-" + round)).hasSize(1);
    }
  }

  @Test
  void claim_retriedAfterTheClaimWindowClosed_answersDuplicateWithTheFirstCoupon() {
    CouponEngine engine = engine();
    Template t = engine.generation(engine.createTemplate(
        Specs.fixed(10, 2, T0, T0.plus(Duration.ofHours(1)))).id()).join();
    ClaimResult first = engine.claim(new ClaimRequest("u1", t.id(), "k1"));
    assertThat(first.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    clock.advance(Duration.ofHours(2));
    ClaimResult retry = engine.claim(new ClaimRequest("u1", t.id(), "k1"));
    assertThat(retry.outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
    assertThat(retry.coupon()).isEqualTo(first.coupon());
    assertThat(engine.claim(new ClaimRequest("u1", t.id(), "k2")).outcome())
        .isEqualTo(ClaimOutcome.TEMPLATE_EXPIRED);
    // another engine, whose claim path never saw the template, answers the same
    CouponEngine other = engines(1).get(0);
    assertThat(other.claim(new ClaimRequest("u1", t.id(), "k1")).coupon()).isEqualTo(first.coupon());
    assertThat(store.remainingCodes(t.id())).isEqualTo(9);
  }

  @Test
  void close_whileGenerationIsQueued_leavesNoTemplateCreating_andEveryFutureCompletes() throws Exception {
    CouponEngine closing = CouponEngine.builder().store(store).clock(clock).generationBatchSize(1_000).build();
    List<Template> created = new ArrayList<>();
    List<java.util.concurrent.CompletableFuture<Template>> futures = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Template t = closing.createTemplate(Specs.threshold(generationCloseCodes(), 1));
      created.add(t);
      futures.add(closing.generation(t.id()));
    }
    closing.close(); // a redeploy: two jobs running, two queued
    CouponEngine other = engine();
    for (int i = 0; i < created.size(); i++) {
      String id = created.get(i).id();
      assertFinishes(futures.get(i), id);
      assertFinishes(other.generation(id), id);
      TemplateStatus status = store.findTemplate(id).orElseThrow().status();
      assertThat(status).as("template %s", id).isIn(TemplateStatus.AVAILABLE, TemplateStatus.FAILED);
    }
  }

  // ---- promotion calendar (issue 10) ---------------------------------------------------------------------------

  @Test
  void claim_beforeTheUseWindow_couponIsPending_andReserveAnswersNotYetValid() {
    CouponEngine engine = engine();
    Instant from = T0.plus(Duration.ofDays(1));
    Template t = engine.generation(engine.createTemplate(
        Specs.fixed(10, 2, from, from.plus(Duration.ofDays(1)))).id()).join();
    Coupon c = claimN(engine, t, "u1", 1).get(0);
    assertThat(c.validFrom()).isEqualTo(from);
    assertThat(store.findCouponByCode(c.code()).orElseThrow().validFrom()).isEqualTo(from);
    assertThat(engine.coupons("u1", CouponStatus.PENDING)).containsExactly(c);
    assertThat(engine.coupons("u1", CouponStatus.USABLE)).isEmpty();
    assertThat(engine.settle(booksCart("u1", "30.00"), List.of(c.code())).rejected())
        .extracting(io.couponengine.settlement.RejectedCoupon::reason)
        .containsExactly(io.couponengine.settlement.RejectionReason.NOT_YET_VALID);
    assertThat(engine.reserve(booksCart("u1", "30.00"), "early-priced", List.of(c.code())).reservation().outcome())
        .isEqualTo(RedemptionOutcome.NOT_YET_VALID);
    RedemptionResult early = engine.reserve("u1", "early", List.of(c.code()));
    assertThat(early.outcome()).isEqualTo(RedemptionOutcome.NOT_YET_VALID);
    assertThat(early.offendingCode()).isEqualTo(c.code());
    assertThat(store.findCouponByCode(c.code()).orElseThrow().status()).isEqualTo(CouponStatus.USABLE);
    clock.advance(Duration.ofDays(1)); // now at the start of the use window
    assertThat(engine.coupons("u1", CouponStatus.USABLE)).containsExactly(c);
    assertThat(engine.reserve("u1", "on-time", List.of(c.code())).outcome()).isEqualTo(RedemptionOutcome.RESERVED);
  }

  @Test
  void claim_outsideTheClaimWindow_notStartedThenClaimClosed_andARetriedKeyStillAnswersDuplicate() {
    CouponEngine engine = engine();
    Instant opens = T0.plus(Duration.ofHours(1));
    Instant closes = opens.plus(Duration.ofHours(1));
    TemplateSpec spec = TemplateSpec.builder().name("weekend claims").category(CouponCategory.DIRECT)
        .productLine("mall").totalCount(10).perUserLimit(2).validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.amountOff(new java.math.BigDecimal("5.00"))).claimWindow(opens, closes).build();
    Template t = engine.generation(engine.createTemplate(spec).id()).join();
    assertThat(t.spec().claimWindow()).isEqualTo(new ClaimWindow(opens, closes));
    assertThat(engine.claim(new ClaimRequest("u1", t.id(), "k0")).outcome()).isEqualTo(ClaimOutcome.NOT_STARTED);
    assertThat(engine.claimableTemplates("u1")).isEmpty();
    clock.advance(Duration.ofHours(1));
    ClaimResult first = engine.claim(new ClaimRequest("u1", t.id(), "k1"));
    assertThat(first.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(engine.claimableTemplates("u1")).extracting(Template::id).containsExactly(t.id());
    clock.advance(Duration.ofHours(1));
    assertThat(engine.claim(new ClaimRequest("u1", t.id(), "k2")).outcome()).isEqualTo(ClaimOutcome.CLAIM_CLOSED);
    ClaimResult retry = engine.claim(new ClaimRequest("u1", t.id(), "k1"));
    assertThat(retry.outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
    assertThat(retry.coupon()).isEqualTo(first.coupon());
    assertThat(engine.claimableTemplates("u1")).isEmpty();
    assertThat(store.remainingCodes(t.id())).isEqualTo(9);
    // the coupon claimed inside the window stays usable after it
    assertThat(engine.coupons("u1", CouponStatus.USABLE)).hasSize(1);
  }

  @Test
  void pause_refusesClaims_keepsHeldCouponsUsable_andResumeReopens() {
    CouponEngine engine = engine();
    Template t = ready(engine, 10, 5);
    Coupon held = claimN(engine, t, "u1", 1).get(0);
    assertThat(engine.pause(t.id()).status()).isEqualTo(TemplateStatus.PAUSED);
    assertThat(engine.pause(t.id()).status()).isEqualTo(TemplateStatus.PAUSED); // idempotent
    assertThat(store.findTemplates(TemplateStatus.PAUSED)).extracting(Template::id).containsExactly(t.id());
    assertThat(engine.claim(new ClaimRequest("u2", t.id(), "k")).outcome()).isEqualTo(ClaimOutcome.TEMPLATE_PAUSED);
    // a retried key still answers DUPLICATE while paused
    assertThat(engine.claim(new ClaimRequest("u1", t.id(), "u1-0")).outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
    assertThat(engine.claimableTemplates("u2")).isEmpty();
    assertThat(engine.reserve("u1", "o1", List.of(held.code())).outcome()).isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(engine.resume(t.id()).status()).isEqualTo(TemplateStatus.AVAILABLE);
    assertThat(engine.resume(t.id()).status()).isEqualTo(TemplateStatus.AVAILABLE);
    assertThat(engine.claim(new ClaimRequest("u2", t.id(), "k")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(store.remainingCodes(t.id())).isEqualTo(8);
  }

  @Test
  void pause_racingClaimsFromSeveralEngines_noClaimIsRecordedAfterThePauseReturned() throws Exception {
    List<CouponEngine> es = engines(4);
    Template t = ready(es.get(0), 100_000, 1);
    java.util.concurrent.atomic.AtomicBoolean paused = new java.util.concurrent.atomic.AtomicBoolean();
    AtomicLong claimedAfterPause = new AtomicLong();
    AtomicLong claimed = new AtomicLong();
    List<java.util.concurrent.Callable<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      CouponEngine e = es.get(i % es.size());
      int worker = i;
      tasks.add(() -> {
        for (int n = 0; n < 400; n++) {
          boolean pausedBefore = paused.get();
          ClaimResult r = e.claim(new ClaimRequest("w" + worker + "-" + n, t.id(), "k"));
          if (r.outcome() == ClaimOutcome.CLAIMED) {
            claimed.incrementAndGet();
            if (pausedBefore) {
              claimedAfterPause.incrementAndGet();
            }
          } else {
            assertThat(r.outcome()).isEqualTo(ClaimOutcome.TEMPLATE_PAUSED);
          }
        }
        return null;
      });
    }
    long[] remainingAtPause = new long[1];
    tasks.add(() -> {
      Thread.sleep(20);
      es.get(3).pause(t.id());
      paused.set(true);
      remainingAtPause[0] = store.remainingCodes(t.id());
      return null;
    });
    together(tasks);
    assertThat(claimedAfterPause.get()).as("claims started after pause() returned").isZero();
    assertThat(store.remainingCodes(t.id())).as("nothing left the pool after pause() returned")
        .isEqualTo(remainingAtPause[0]);
    assertThat(100_000 - store.remainingCodes(t.id())).isEqualTo(claimed.get());
  }

  @Test
  void revert_committedOrder_couponsUsableAgain_idempotent_andTheLimitIsNotGivenBack() {
    CouponEngine engine = engine();
    Template t = ready(engine, 10, 1);
    Coupon c = claimN(engine, t, "u1", 1).get(0);
    engine.reserve("u1", "paid", List.of(c.code()));
    engine.commit("paid");
    RedemptionResult r = engine.revert("paid");
    assertThat(r.outcome()).isEqualTo(RedemptionOutcome.REVERTED);
    assertThat(r.replayed()).isFalse();
    assertThat(r.orderStatus()).isEqualTo(OrderStatus.REVERTED);
    assertThat(r.coupons()).allMatch(x -> x.status() == CouponStatus.USABLE && x.orderId() == null);
    assertThat(store.findCouponByCode(c.code()).orElseThrow().status()).isEqualTo(CouponStatus.USABLE);
    RedemptionResult again = engine.revert("paid");
    assertThat(again.outcome()).isEqualTo(RedemptionOutcome.REVERTED);
    assertThat(again.replayed()).isTrue();
    assertThat(engine.commit("paid").outcome()).isEqualTo(RedemptionOutcome.ORDER_CONFLICT);
    assertThat(engine.release("paid").outcome()).isEqualTo(RedemptionOutcome.ORDER_CONFLICT);
    // the limit counts claims: the reverted coupon is back, but no new claim
    assertThat(engine.claim(new ClaimRequest("u1", t.id(), "another")).outcome())
        .isEqualTo(ClaimOutcome.LIMIT_REACHED);
    assertThat(engine.reserve("u1", "again", List.of(c.code())).outcome()).isEqualTo(RedemptionOutcome.RESERVED);
  }

  @Test
  void revert_afterTheWindowPassed_couponExpires_andUnpaidOrdersAreNotCommitted() {
    CouponEngine engine = engine();
    Template t = ready(engine, 10, 3);
    List<Coupon> cs = claimN(engine, t, "u1", 3);
    engine.reserve("u1", "paid", List.of(cs.get(0).code()));
    engine.commit("paid");
    engine.reserve("u1", "unpaid", List.of(cs.get(1).code()));
    engine.reserve("u1", "cancelled", List.of(cs.get(2).code()));
    engine.release("cancelled");
    assertThat(engine.revert("unpaid").outcome()).isEqualTo(RedemptionOutcome.NOT_COMMITTED);
    assertThat(engine.revert("cancelled").outcome()).isEqualTo(RedemptionOutcome.NOT_COMMITTED);
    assertThat(engine.revert("never").outcome()).isEqualTo(RedemptionOutcome.ORDER_NOT_FOUND);
    assertThat(store.findCouponByCode(cs.get(1).code()).orElseThrow().status()).isEqualTo(CouponStatus.RESERVED);
    clock.advance(Duration.ofDays(8));
    RedemptionResult r = engine.revert("paid");
    assertThat(r.outcome()).isEqualTo(RedemptionOutcome.REVERTED);
    assertThat(store.findCouponByCode(cs.get(0).code()).orElseThrow().status()).isEqualTo(CouponStatus.EXPIRED);
  }

  @Test
  void revert_racingCommitAndRevertsFromSeveralEngines_appliesOnce() throws Exception {
    List<CouponEngine> es = engines(4);
    Template t = ready(es.get(0), 40, 2);
    for (int round = 0; round < 10; round++) {
      String user = "refund-" + round;
      List<String> codes = claimN(es.get(0), t, user, 2).stream().map(Coupon::code).toList();
      String order = "refund-order-" + round;
      es.get(0).reserve(user, order, codes);
      es.get(1).commit(order);
      List<java.util.concurrent.Callable<RedemptionResult>> calls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        CouponEngine e = es.get(i);
        calls.add(() -> e.revert(order));
        calls.add(() -> e.commit(order));
      }
      List<RedemptionResult> rs = together(calls);
      long applied = rs.stream().filter(r -> r.outcome() == RedemptionOutcome.REVERTED && !r.replayed()).count();
      assertThat(applied).as("round %d", round).isEqualTo(1);
      for (RedemptionResult r : rs) {
        assertThat(r.outcome()).isIn(RedemptionOutcome.REVERTED, RedemptionOutcome.COMMITTED,
            RedemptionOutcome.ORDER_CONFLICT);
        if (r.outcome() == RedemptionOutcome.COMMITTED) {
          assertThat(r.replayed()).isTrue();
        }
      }
      for (String code : codes) {
        assertThat(store.findCouponByCode(code).orElseThrow().status()).isEqualTo(CouponStatus.USABLE);
      }
    }
  }

  @Test
  void commit_lateRacingTheStaleSweepFromAnotherEngine_alwaysCommits_andNothingStaysReserved() throws Exception {
    List<CouponEngine> es = engines(2);
    Template t = ready(es.get(0), 20, 1);
    for (int round = 0; round < 10; round++) {
      String user = "late-" + round;
      Coupon c = claimN(es.get(0), t, user, 1).get(0);
      String order = "late-order-" + round;
      es.get(0).reserve(user, order, List.of(c.code()));
      clock.advance(Duration.ofMinutes(31));
      List<Object> rs = together(List.of(() -> es.get(0).releaseStaleReservations(), () -> es.get(1).commit(order)));
      RedemptionResult commit = (RedemptionResult) rs.get(1);
      assertThat(commit.outcome()).as("round %d", round).isEqualTo(RedemptionOutcome.COMMITTED);
      assertThat(store.findCouponByCode(c.code()).orElseThrow().status()).isEqualTo(CouponStatus.USED);
      assertThat(store.findStaleReservations(clock.instant(), 10)).isEmpty();
    }
  }

  // ---- priced reservations (issue 10, item 6) --------------------------------------------------------------

  private static io.couponengine.settlement.Cart booksCart(String user, String price) {
    return new io.couponengine.settlement.Cart(user, List.of(
        new io.couponengine.settlement.CartLine("novel", "books", null, new java.math.BigDecimal(price), 1)));
  }

  @Test
  void reservePriced_keepsEachSaving_withTheOrder_throughCommitRevertAndReplays() {
    CouponEngine engine = engine();
    Template t = ready(engine, 10, 2);
    Coupon c = claimN(engine, t, "u1", 1).get(0);
    io.couponengine.settlement.PricedReservation p = engine.reserve(booksCart("u1", "120.00"), "priced",
        List.of(c.code()));
    assertThat(p.reservation().outcome()).isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(p.settlement().finalPrice()).isEqualByComparingTo("100.00");
    assertThat(p.reservation().savings()).containsOnlyKeys(c.code());
    assertThat(p.reservation().savings().get(c.code())).isEqualByComparingTo("20.00");
    // a double click: the same priced reservation answers RESERVED, replayed, with the same savings
    io.couponengine.settlement.PricedReservation again = engine.reserve(booksCart("u1", "120.00"), "priced",
        List.of(c.code()));
    assertThat(again.reservation().outcome()).isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(again.reservation().replayed()).isTrue();
    assertThat(again.reservation().savings().get(c.code())).isEqualByComparingTo("20.00");
    RedemptionResult committed = engine.commit("priced");
    assertThat(committed.savings().get(c.code())).isEqualByComparingTo("20.00");
    assertThat(engine.commit("priced").savings().get(c.code())).isEqualByComparingTo("20.00");
    RedemptionResult reverted = engine.revert("priced");
    assertThat(reverted.savings().get(c.code())).isEqualByComparingTo("20.00");
    // an unpriced order has no savings
    Coupon d = claimN(engine, t, "u2", 1).get(0);
    assertThat(engine.reserve("u2", "plain", List.of(d.code())).savings()).isEmpty();
  }

  @Test
  void reservePriced_aCouponTheSettlementRejects_failsTheWholeReservation() {
    CouponEngine engine = engine();
    Template t = ready(engine, 10, 2);
    List<Coupon> cs = claimN(engine, t, "u1", 2);
    io.couponengine.settlement.PricedReservation p = engine.reserve(booksCart("u1", "50.00"), "too-small",
        List.of(cs.get(0).code()));
    assertThat(p.reservation().outcome()).isEqualTo(RedemptionOutcome.NOT_APPLICABLE);
    assertThat(p.reservation().offendingCode()).isEqualTo(cs.get(0).code());
    assertThat(p.settlement().rejected()).extracting(io.couponengine.settlement.RejectedCoupon::reason)
        .containsExactly(io.couponengine.settlement.RejectionReason.THRESHOLD_NOT_MET);
    assertThat(store.findCouponByCode(cs.get(0).code()).orElseThrow().status()).isEqualTo(CouponStatus.USABLE);
    assertThat(engine.commit("too-small").outcome()).isEqualTo(RedemptionOutcome.ORDER_NOT_FOUND);
  }

  @Test
  void reservePriced_twoOrdersRacingForOneCouponFromSeveralEngines_oneHoldsIt() throws Exception {
    List<CouponEngine> es = engines(4);
    Template t = ready(es.get(0), 20, 1);
    for (int round = 0; round < 10; round++) {
      String user = "racer-" + round;
      Coupon c = claimN(es.get(0), t, user, 1).get(0);
      List<java.util.concurrent.Callable<RedemptionResult>> calls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        CouponEngine e = es.get(i);
        String order = "race-" + round + "-" + i;
        calls.add(() -> e.reserve(booksCart(user, "150.00"), order, List.of(c.code())).reservation());
      }
      List<RedemptionResult> rs = together(calls);
      List<RedemptionResult> winners = rs.stream().filter(r -> r.outcome() == RedemptionOutcome.RESERVED).toList();
      assertThat(winners).as("round %d", round).hasSize(1);
      assertThat(rs).allSatisfy(r -> assertThat(r.outcome())
          .isIn(RedemptionOutcome.RESERVED, RedemptionOutcome.NOT_USABLE));
      Coupon held = store.findCouponByCode(c.code()).orElseThrow();
      assertThat(held.status()).isEqualTo(CouponStatus.RESERVED);
      assertThat(held.orderId()).isEqualTo(winners.get(0).orderId());
      assertThat(winners.get(0).savings().get(c.code())).isEqualByComparingTo("20.00");
    }
  }

  // ---- more stock (issue 10, item 3) -------------------------------------------------------------------------

  @Test
  void addCodes_growsTheTotal_fromTheSamePermutation_evenWhenSoldOut() {
    CouponEngine engine = engine();
    Template t = ready(engine, 10, 1);
    Set<String> codes = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      codes.add(claimN(engine, t, "first-" + i, 1).get(0).code());
    }
    assertThat(engine.claim(new ClaimRequest("late", t.id(), "k")).outcome()).isEqualTo(ClaimOutcome.SOLD_OUT);
    Template more = engine.addCodes(t.id(), 5).join();
    assertThat(more.totalCount()).isEqualTo(15);
    assertThat(more.addedCount()).isEqualTo(5);
    assertThat(store.findTemplate(t.id()).orElseThrow().totalCount()).isEqualTo(15);
    assertThat(store.remainingCodes(t.id())).isEqualTo(5);
    for (int i = 0; i < 5; i++) {
      codes.add(claimN(engine, t, "second-" + i, 1).get(0).code());
    }
    assertThat(codes).hasSize(15);
    assertThat(engine.claim(new ClaimRequest("later", t.id(), "k")).outcome()).isEqualTo(ClaimOutcome.SOLD_OUT);
  }

  @Test
  void addCodes_refusesTemplatesThatCannotTakeStock_andBadCounts() {
    CouponEngine engine = engine();
    Template t = ready(engine, 10, 1);
    assertThatThrownBy(() -> engine.addCodes(t.id(), 0)).isInstanceOfSatisfying(CouponException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> engine.addCodes("ZZZZZZ", 1)).isInstanceOfSatisfying(CouponException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.TEMPLATE_NOT_FOUND));
    store.updateTemplateStatus(t.id(), TemplateStatus.AVAILABLE, TemplateStatus.EXPIRED, null);
    assertThatThrownBy(() -> engine.addCodes(t.id(), 1)).isInstanceOfSatisfying(CouponException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThat(store.findTemplate(t.id()).orElseThrow().totalCount()).isEqualTo(10);
  }

  @Test
  void addCodes_racingClaimsAndEachOtherFromSeveralEngines_neverACodeTwice() throws Exception {
    List<CouponEngine> es = engines(4);
    // a fourth engine with its own batch size, so two jobs' batches do not line up
    CouponEngine odd = CouponEngine.builder().store(newStoreSharingWith(store)).clock(clock).executor(Runnable::run)
        .generationBatchSize(333).build();
    Template t = ready(es.get(0), 600, 1);
    ConcurrentLinkedQueue<String> issued = new ConcurrentLinkedQueue<>();
    List<java.util.concurrent.Callable<Object>> tasks = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      CouponEngine e = es.get(w);
      int worker = w;
      tasks.add(() -> {
        for (int n = 0; n < 700; n++) {
          ClaimResult r = e.claim(new ClaimRequest("buyer-" + worker + "-" + n, t.id(), "k"));
          if (r.outcome() == ClaimOutcome.CLAIMED) {
            issued.add(r.coupon().orElseThrow().code());
          }
        }
        return null;
      });
    }
    tasks.add(() -> es.get(3).addCodes(t.id(), 1_000).join());
    tasks.add(() -> odd.addCodes(t.id(), 1_000).join());
    try {
      together(tasks);
    } finally {
      odd.close();
    }
    assertThat(store.addToTotal(t.id(), 0)).as("codes loaded").isEqualTo(2_600);
    // read after this client's own write: a caching client may hold the template another client grew until then
    assertThat(store.findTemplate(t.id()).orElseThrow().totalCount()).isEqualTo(2_600);
    assertThat(new HashSet<>(issued)).as("no code issued twice").hasSize(issued.size());
    assertThat(issued.size() + store.remainingCodes(t.id())).as("every code loaded once").isEqualTo(2_600);
    // what is left in the pool is new codes too
    List<String> rest = new ArrayList<>();
    for (int n = 0; n < 2_600 - issued.size(); n++) {
      rest.add(es.get(0).claim(new ClaimRequest("rest-" + n, t.id(), "k")).coupon().orElseThrow().code());
    }
    Set<String> all = new HashSet<>(issued);
    all.addAll(rest);
    assertThat(all).hasSize(2_600);
  }

  // ---- statistics (issue 10, item 8) -------------------------------------------------------------------------

  @Test
  void stats_followEveryTransition_andTheDiscountOfCommittedPricedOrders() {
    CouponEngine engine = engine();
    Template t = ready(engine, 10, 3);
    List<Coupon> cs = claimN(engine, t, "u1", 3);
    Coupon other = claimN(engine, t, "u2", 1).get(0);
    assertStats(engine.stats(t.id()), 4, 0, 0, 0, 6, "0");
    engine.reserve(booksCart("u1", "120.00"), "paid", List.of(cs.get(0).code()));
    engine.reserve("u1", "plain", List.of(cs.get(1).code()));
    assertStats(engine.stats(t.id()), 4, 2, 0, 0, 6, "0");
    engine.commit("paid");
    engine.commit("plain");
    assertStats(engine.stats(t.id()), 4, 0, 2, 0, 6, "20.00");
    engine.revert("paid");
    assertStats(engine.stats(t.id()), 4, 0, 1, 0, 6, "0");
    engine.reserve(booksCart("u1", "150.00"), "late", List.of(cs.get(2).code()));
    clock.advance(Duration.ofMinutes(31));
    engine.releaseStaleReservations();
    assertStats(engine.stats(t.id()), 4, 0, 1, 0, 6, "0");
    engine.commit("late"); // a late payment re-takes its coupon and gives its discount
    assertStats(engine.stats(t.id()), 4, 0, 2, 0, 6, "20.00");
    clock.advance(Duration.ofDays(8));
    engine.expireDue();
    assertStats(engine.stats(t.id()), 4, 0, 2, 2, 6, "20.00"); // cs.get(0) (reverted) and u2's coupon expired
    assertThat(store.findCouponByCode(other.code()).orElseThrow().status()).isEqualTo(CouponStatus.EXPIRED);
    assertThat(store.stats("ZZZZZZ")).isEmpty();
    assertThatThrownBy(() -> engine.stats("ZZZZZZ")).isInstanceOfSatisfying(CouponException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.TEMPLATE_NOT_FOUND));
  }

  @Test
  void stats_afterAConcurrentLoadFromSeveralEngines_equalARecountFromTheStoresData() throws Exception {
    List<CouponEngine> es = engines(4);
    Template t = ready(es.get(0), 300, 2);
    List<java.util.concurrent.Callable<Void>> tasks = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      CouponEngine e = es.get(w);
      int worker = w;
      tasks.add(() -> {
        for (int n = 0; n < 50; n++) {
          String user = "load-" + worker + "-" + n;
          ClaimResult r = e.claim(new ClaimRequest(user, t.id(), "k"));
          if (r.outcome() != ClaimOutcome.CLAIMED) {
            continue;
          }
          String code = r.coupon().orElseThrow().code();
          String order = "o-" + user;
          switch (n % 4) {
            case 0 -> e.reserve(user, order, List.of(code));
            case 1 -> {
              e.reserve(booksCart(user, "130.00"), order, List.of(code));
              e.commit(order);
            }
            case 2 -> {
              e.reserve(booksCart(user, "130.00"), order, List.of(code));
              e.commit(order);
              e.revert(order);
            }
            default -> { }
          }
        }
        return null;
      });
    }
    together(tasks);
    long issued = 0;
    long reserved = 0;
    long used = 0;
    java.math.BigDecimal discount = java.math.BigDecimal.ZERO;
    for (int w = 0; w < 4; w++) {
      for (int n = 0; n < 50; n++) {
        for (Coupon c : store.findCouponsByUser("load-" + w + "-" + n)) {
          issued++;
          if (c.status() == CouponStatus.RESERVED) {
            reserved++;
          } else if (c.status() == CouponStatus.USED) {
            used++;
            discount = discount.add(new java.math.BigDecimal("20.00"));
          }
        }
      }
    }
    assertStats(es.get(2).stats(t.id()), issued, reserved, used, 0, 300 - issued, discount.toPlainString());
    assertThat(issued).isEqualTo(200);
  }

  private static void assertStats(io.couponengine.template.TemplateStats s, long issued, long reserved, long used,
      long expired, long remaining, String discount) {
    assertThat(s.issued()).as("issued").isEqualTo(issued);
    assertThat(s.reserved()).as("reserved").isEqualTo(reserved);
    assertThat(s.used()).as("used").isEqualTo(used);
    assertThat(s.expired()).as("expired").isEqualTo(expired);
    assertThat(s.remaining()).as("remaining").isEqualTo(remaining);
    assertThat(s.discountGiven()).as("discountGiven").isEqualByComparingTo(discount);
  }

  /** Codes per template in the close-during-generation test: enough that a job is still queued at close. */
  protected long generationCloseCodes() {
    return 50_000;
  }

  private static void assertFinishes(java.util.concurrent.CompletableFuture<Template> f, String id) {
    try {
      f.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).as("template %s", id).isInstanceOf(CouponException.class);
      assertThat(((CouponException) e.getCause()).code()).isEqualTo(ErrorCode.GENERATION_FAILED);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("generation of " + id + " never completed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  // ---- distribution: shared codes, code entry, import and export, grants (issue 11) --------------------------------

  private static final String ENTRY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  /** An engine with its own code-entry limit, over {@code s}. */
  protected CouponEngine engineWithEntryLimit(CouponStore s, int failures, Duration per) {
    CouponEngine e = CouponEngine.builder().store(s).clock(clock).executor(Runnable::run)
        .generationBatchSize(1_000).sweepBatchSize(100).codeEntryLimit(failures, per).build();
    engines.add(e);
    return e;
  }

  private Template readySpec(CouponEngine engine, TemplateSpec spec) {
    return engine.generation(engine.createTemplate(spec).id()).join();
  }

  private static List<String> exported(CouponEngine engine, String templateId) {
    java.io.StringWriter out = new java.io.StringWriter();
    try {
      long n = engine.exportCodes(templateId, out);
      List<String> lines = out.toString().isEmpty() ? List.of() : List.of(out.toString().split("\n"));
      assertThat(lines).hasSize((int) n);
      return lines;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void sharedCode_eachUserGetsACouponOfTheirOwn_limitsAndPoolHold() {
    CouponEngine engine = engine();
    Template t = readySpec(engine, Specs.thresholdBuilder(1).totalCount(3).sharedCode("Summer20").build());
    assertThat(t.spec().sharedCode()).isEqualTo("SUMMER20");
    assertThat(store.findTemplateIdByCode("SUMMER20")).contains(t.id());

    Set<String> codes = new HashSet<>();
    for (String user : List.of("u1", "u2", "u3")) {
      ClaimResult r = engine.claimByCode(user, " summer20 ", "k-" + user);
      assertThat(r.outcome()).as(user).isEqualTo(ClaimOutcome.CLAIMED);
      assertThat(r.couponOrNull().templateId()).isEqualTo(t.id());
      assertThat(r.couponOrNull().code()).isNotEqualTo("SUMMER20");
      codes.add(r.couponOrNull().code());
    }
    assertThat(codes).hasSize(3);
    Coupon first = store.findCouponsByUser("u1").get(0);
    assertThat(engine.claimByCode("u1", "SUMMER20", "k-u1").couponOrNull()).isEqualTo(first);
    assertThat(engine.claimByCode("u1", "SUMMER20", "k-u1").outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
    assertThat(engine.claimByCode("u1", "SUMMER20", "again").outcome()).isEqualTo(ClaimOutcome.LIMIT_REACHED);
    assertThat(engine.claimByCode("u4", "SUMMER20", "k-u4").outcome()).isEqualTo(ClaimOutcome.SOLD_OUT);
    assertThat(engine.claim(new ClaimRequest("u5", t.id(), "k")).outcome()).isEqualTo(ClaimOutcome.CODE_REQUIRED);
    assertThat(engine.stats(t.id()).issued()).isEqualTo(3);
  }

  @Test
  void sharedCode_isUniqueAcrossTemplates_caseInsensitively() {
    CouponEngine engine = engine();
    Template t = readySpec(engine, Specs.thresholdBuilder(1).totalCount(3).sharedCode("WINTER-26").build());
    assertThatThrownBy(() -> engine.createTemplate(
        Specs.thresholdBuilder(1).totalCount(3).sharedCode("winter-26").build()))
        .isInstanceOfSatisfying(CouponException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TEMPLATE);
          assertThat(e.violations()).anySatisfy(v -> assertThat(v.field()).isEqualTo("sharedCode"));
        });
    assertThat(store.findTemplateIdByCode("WINTER-26")).contains(t.id());
    assertThat(store.findTemplates(TemplateStatus.AVAILABLE)).extracting(Template::id).containsExactly(t.id());
  }

  @Test
  void sharedCode_pauseAndClaimWindowRefuseAsClaimDoes() {
    CouponEngine engine = engine();
    Template t = readySpec(engine, Specs.thresholdBuilder(1).totalCount(5).sharedCode("PAUSE-ME")
        .claimWindow(T0.minusSeconds(60), T0.plus(Duration.ofHours(1))).build());
    engine.pause(t.id());
    assertThat(engine.claimByCode("u1", "pause-me", "k").outcome()).isEqualTo(ClaimOutcome.TEMPLATE_PAUSED);
    engine.resume(t.id());
    assertThat(engine.claimByCode("u1", "pause-me", "k").outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    clock.advance(Duration.ofHours(2));
    assertThat(engine.claimByCode("u2", "pause-me", "k").outcome()).isIn(ClaimOutcome.CLAIM_CLOSED,
        ClaimOutcome.TEMPLATE_EXPIRED);
  }

  @Test
  void sharedCode_hammeredPastItsUsesFromSeveralEngines_neverOver() throws Exception {
    List<CouponEngine> es = engines(3);
    int uses = 60;
    Template t = readySpec(es.get(0), Specs.thresholdBuilder(2).totalCount(uses).sharedCode("HAMMER").build());
    int threads = 24;
    int perThread = 10;
    List<java.util.concurrent.Callable<List<ClaimResult>>> tasks = new ArrayList<>();
    for (int th = 0; th < threads; th++) {
      int id = th;
      tasks.add(() -> {
        List<ClaimResult> out = new ArrayList<>();
        for (int i = 0; i < perThread; i++) {
          String user = "h" + ((id * perThread + i) % 40); // 40 users, each tried 6 times: the limit 2 binds
          out.add(es.get(id % es.size()).claimByCode(user, "hammer", "k" + id + "-" + i));
        }
        return out;
      });
    }
    long claimed = together(tasks).stream().flatMap(List::stream)
        .filter(r -> r.outcome() == ClaimOutcome.CLAIMED).count();
    assertThat(claimed).isEqualTo(uses);
    Set<String> codes = new HashSet<>();
    for (int u = 0; u < 40; u++) {
      List<Coupon> held = store.findCouponsByUser("h" + u);
      assertThat(held.size()).as("user h%d", u).isLessThanOrEqualTo(2);
      held.forEach(c -> assertThat(codes.add(c.code())).as("code %s twice", c.code()).isTrue());
    }
    assertThat(codes).hasSize(uses);
    assertThat(store.remainingCodes(t.id())).isZero();
    assertThat(store.stats(t.id()).orElseThrow().issued()).isEqualTo(uses);
  }

  @Test
  void codeEntry_bindsTheEnteredCode_takenForOthers_duplicateForTheHolder() {
    CouponEngine engine = engine();
    Template t = readySpec(engine, Specs.thresholdBuilder(2).totalCount(3)
        .distribution(io.couponengine.template.Distribution.CODE_ENTRY).build());
    List<String> cards = exported(engine, t.id());
    assertThat(cards).hasSize(3).doesNotHaveDuplicates();
    String card = cards.get(1);

    assertThat(engine.claim(new ClaimRequest("u1", t.id(), "k")).outcome()).isEqualTo(ClaimOutcome.CODE_REQUIRED);
    ClaimResult r = engine.claimByCode("u1", card.toLowerCase(java.util.Locale.ROOT).replace("-", ""), "k1");
    assertThat(r.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(r.couponOrNull().code()).isEqualTo(card);
    assertThat(r.couponOrNull().userId()).isEqualTo("u1");
    assertThat(store.findCouponByCode(card)).contains(r.couponOrNull());

    assertThat(engine.claimByCode("u2", card, "k2").outcome()).isEqualTo(ClaimOutcome.CODE_TAKEN);
    ClaimResult again = engine.claimByCode("u1", card, "another-key");
    assertThat(again.outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
    assertThat(again.couponOrNull()).isEqualTo(r.couponOrNull());
    assertThat(store.findCouponsByUser("u1")).containsExactly(r.couponOrNull());
    assertThat(store.findCouponsByUser("u2")).isEmpty();
    assertThat(store.remainingCodes(t.id())).isEqualTo(2);
    assertThat(exported(engine, t.id())).containsExactlyInAnyOrder(cards.get(0), cards.get(2));

    // the holder's second card within the limit
    assertThat(engine.claimByCode("u1", cards.get(0), "k3").outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(engine.claimByCode("u1", cards.get(2), "k4").outcome()).isEqualTo(ClaimOutcome.LIMIT_REACHED);
    assertThat(store.remainingCodes(t.id())).isEqualTo(1);
    assertThat(engine.stats(t.id()).issued()).isEqualTo(2);
  }

  @Test
  void codeEntry_neverIssuedOrMalformedCodes() {
    ForwardingStore counting = new ForwardingStore(store);
    CouponEngine engine = engine(counting);
    Template t = readySpec(engine, Specs.thresholdBuilder(1).totalCount(2)
        .distribution(io.couponengine.template.Distribution.CODE_ENTRY).build());
    String card = exported(engine, t.id()).get(0);
    // a wrong check character (the last one changed): refused before any store call
    char last = card.charAt(card.length() - 1);
    String typo = card.substring(0, card.length() - 1) + (last == 'A' ? 'B' : 'A');
    int calls = counting.totalCalls();
    assertThatThrownBy(() -> engine.claimByCode("u1", typo, "k"))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CODE));
    for (String bad : new String[] {null, "", "   ", "has space", "é-code", "x".repeat(65)}) {
      assertThatThrownBy(() -> engine.claimByCode("u1", bad, "k")).as("%s", bad)
          .isInstanceOfSatisfying(CouponException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CODE));
    }
    assertThat(counting.totalCalls()).isEqualTo(calls);

    // well formed, never issued: of this template, of a template that does not exist, a plain unknown code
    String body = card.substring(card.length() - 10).replace("-", "").substring(0, 8);
    String other = io.couponengine.code.CodeFormat.format(t.spec().effectiveCodePrefix(), t.id(),
        new StringBuilder(body).reverse());
    assertThat(engine.claimByCode("u1", other, "k").outcome()).isEqualTo(ClaimOutcome.CODE_NOT_FOUND);
    String ghost = io.couponengine.code.CodeFormat.format("TH", "ZZZZZZ", body);
    assertThat(engine.claimByCode("u1", ghost, "k").outcome()).isEqualTo(ClaimOutcome.CODE_NOT_FOUND);
    assertThat(engine.claimByCode("u1", "NO-SUCH-CODE", "k").outcome()).isEqualTo(ClaimOutcome.CODE_NOT_FOUND);
    assertThat(store.findCouponsByUser("u1")).isEmpty();
    assertThat(store.remainingCodes(t.id())).isEqualTo(2);
  }

  @Test
  void codeEntry_32ThreadsEnterOneCode_oneClaimed_restTaken() throws Exception {
    List<CouponEngine> es = engines(2);
    Template t = readySpec(es.get(0), Specs.thresholdBuilder(1).totalCount(5)
        .distribution(io.couponengine.template.Distribution.CODE_ENTRY).build());
    String card = exported(es.get(0), t.id()).get(3);
    List<java.util.concurrent.Callable<ClaimResult>> tasks = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      int id = i;
      tasks.add(() -> es.get(id % 2).claimByCode("racer-" + id, card, "k"));
    }
    List<ClaimResult> results = together(tasks);
    assertThat(results).filteredOn(r -> r.outcome() == ClaimOutcome.CLAIMED).hasSize(1);
    assertThat(results).filteredOn(r -> r.outcome() == ClaimOutcome.CODE_TAKEN).hasSize(31);
    Coupon winner = results.stream().filter(r -> r.outcome() == ClaimOutcome.CLAIMED).findFirst().orElseThrow()
        .couponOrNull();
    assertThat(store.findCouponByCode(card)).contains(winner);
    assertThat(store.remainingCodes(t.id())).isEqualTo(4);
  }

  @Test
  void codeEntry_failedEntriesAreThrottled_perWindow_sharedByEngines() {
    CouponStore second = newStoreSharingWith(store);
    if (second != store) {
      extraStores.add(second);
    }
    CouponEngine a = engineWithEntryLimit(store, 3, Duration.ofMinutes(10));
    CouponEngine b = engineWithEntryLimit(second, 3, Duration.ofMinutes(10));
    Template t = readySpec(a, Specs.thresholdBuilder(5).totalCount(10).sharedCode("OPEN-SESAME").build());
    clock.advance(Duration.between(clock.instant(),
        Instant.ofEpochMilli((T0.toEpochMilli() / 600_000 + 1) * 600_000))); // the start of a window
    // successes do not count
    assertThat(a.claimByCode("guesser", "open-sesame", "s1").outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(a.claimByCode("guesser", "WRONG-1", "k").outcome()).isEqualTo(ClaimOutcome.CODE_NOT_FOUND);
    assertThat(b.claimByCode("guesser", "WRONG-2", "k").outcome()).isEqualTo(ClaimOutcome.CODE_NOT_FOUND);
    assertThat(a.claimByCode("guesser", "open-sesame", "s2").outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(b.claimByCode("guesser", "WRONG-3", "k").outcome()).isEqualTo(ClaimOutcome.CODE_NOT_FOUND);
    // the limit is reached: every entry is refused, even a good one; a retried key still answers DUPLICATE
    assertThat(a.claimByCode("guesser", "WRONG-4", "k").outcome()).isEqualTo(ClaimOutcome.TOO_MANY_ATTEMPTS);
    assertThat(b.claimByCode("guesser", "open-sesame", "s3").outcome())
        .isEqualTo(ClaimOutcome.TOO_MANY_ATTEMPTS);
    assertThat(b.claimByCode("guesser", "open-sesame", "s1").outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
    assertThat(a.claimByCode("someone-else", "open-sesame", "s1").outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(store.findCouponsByUser("guesser")).hasSize(2);
    // the next window starts afresh
    clock.advance(Duration.ofMinutes(10));
    assertThat(a.claimByCode("guesser", "open-sesame", "s4").outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(t.id()).isNotNull();
  }

  @Test
  void codeEntry_concurrentFailedEntries_neverPassTheLimit() throws Exception {
    CouponStore second = newStoreSharingWith(store);
    if (second != store) {
      extraStores.add(second);
    }
    List<CouponEngine> es = List.of(engineWithEntryLimit(store, 5, Duration.ofHours(1)),
        engineWithEntryLimit(second, 5, Duration.ofHours(1)));
    clock.advance(Duration.between(clock.instant(),
        Instant.ofEpochMilli((T0.toEpochMilli() / 3_600_000 + 1) * 3_600_000)));
    List<java.util.concurrent.Callable<ClaimOutcome>> tasks = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      int id = i;
      tasks.add(() -> es.get(id % 2).claimByCode("burst", "GUESS-" + id, "k").outcome());
    }
    List<ClaimOutcome> outcomes = together(tasks);
    assertThat(outcomes).filteredOn(o -> o == ClaimOutcome.CODE_NOT_FOUND).hasSize(5);
    assertThat(outcomes).filteredOn(o -> o == ClaimOutcome.TOO_MANY_ATTEMPTS).hasSize(19);
  }

  @Test
  void import_reportsEachCode_isIdempotent_andCodesAreUniqueAcrossTemplates() {
    CouponEngine engine = engine();
    io.couponengine.template.CodeRules rules = io.couponengine.template.CodeRules.of(ENTRY_ALPHABET, 6, 12);
    Template t = readySpec(engine, Specs.thresholdBuilder(1).externalCodes(rules).build());
    assertThat(t.status()).isEqualTo(TemplateStatus.AVAILABLE);
    assertThat(t.totalCount()).isZero();

    List<String> input = List.of("card-a7", "CARDB2", "cardb2", "cardc3", "bad 7", "OOPS0", "CARDD4", "CARDA7");
    io.couponengine.code.ImportReport r = engine.importCodes(t.id(), input);
    // "card-a7": '-' not allowed; "bad 7": space; "OOPS0": '0' not allowed; "CARDA7" is fine (no dash)
    assertThat(r.read()).isEqualTo(8);
    assertThat(r.invalid()).isEqualTo(3);
    assertThat(r.invalidReasons()).hasSize(3).first().asString().startsWith("#1: ");
    assertThat(r.duplicates()).isEqualTo(1);
    assertThat(r.imported()).isEqualTo(4);
    assertThat(r.alreadyPresent()).isZero();
    assertThat(engine.template(t.id()).orElseThrow().totalCount()).isEqualTo(4);
    assertThat(store.remainingCodes(t.id())).isEqualTo(4);
    assertThat(store.findTemplateIdByCode("CARDB2")).contains(t.id());

    io.couponengine.code.ImportReport again = engine.importCodes(t.id(), input);
    assertThat(again.imported()).isZero();
    assertThat(again.alreadyPresent()).isEqualTo(4);
    assertThat(engine.template(t.id()).orElseThrow().totalCount()).isEqualTo(4);

    Template other = readySpec(engine, Specs.thresholdBuilder(1).externalCodes(rules).build());
    io.couponengine.code.ImportReport overlap = engine.importCodes(other.id(), List.of("CARDB2", "CARDE5"));
    assertThat(overlap.imported()).isEqualTo(1);
    assertThat(overlap.alreadyPresent()).isEqualTo(1);
    assertThat(store.findTemplateIdByCode("CARDB2")).contains(t.id());
    assertThat(exported(engine, other.id())).containsExactly("CARDE5");

    // claims hand out the imported codes, each once
    Set<String> claimed = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      engine.claim(new ClaimRequest("buyer" + i, t.id(), "k")).coupon().ifPresent(c -> claimed.add(c.code()));
    }
    assertThat(claimed).containsExactlyInAnyOrder("CARDA7", "CARDB2", "CARDC3", "CARDD4");
    assertThat(engine.importCodes(t.id(), List.of("CARDA7")).alreadyPresent()).isEqualTo(1);
    assertThat(store.remainingCodes(t.id())).isZero();
  }

  @Test
  void import_refusesTemplatesThatGenerate_andSharedCodesCollideWithImports() {
    CouponEngine engine = engine();
    Template generated = ready(engine, 3, 1);
    assertThatThrownBy(() -> engine.importCodes(generated.id(), List.of("ABCDEF")))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    Template ext = readySpec(engine, Specs.thresholdBuilder(1).externalCodes(
        io.couponengine.template.CodeRules.ALPHANUMERIC).build());
    engine.importCodes(ext.id(), List.of("SPRING24"));
    assertThatThrownBy(() -> engine.createTemplate(Specs.thresholdBuilder(1).totalCount(1).sharedCode("spring24")
        .build())).isInstanceOfSatisfying(CouponException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TEMPLATE));
    assertThatThrownBy(() -> engine.addCodes(ext.id(), 5))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void import_streamsManyBatches_andCodeEntryFoldsOrKeepsCase() {
    CouponEngine engine = engine();
    Template folded = readySpec(engine, Specs.thresholdBuilder(1)
        .distribution(io.couponengine.template.Distribution.CODE_ENTRY)
        .externalCodes(io.couponengine.template.CodeRules.of(ENTRY_ALPHABET, 8, 8)).build());
    int n = 25_000;
    Iterable<String> lazy = () -> java.util.stream.IntStream.range(0, n)
        .mapToObj(i -> "q" + String.format("%7s", Integer.toString(i, 8)).replace(' ', 'X')
            .replace('0', 'Z').replace('1', 'Y')).iterator();
    io.couponengine.code.ImportReport r = engine.importCodes(folded.id(), lazy);
    assertThat(r.imported()).isEqualTo(n);
    assertThat(store.remainingCodes(folded.id())).isEqualTo(n);
    List<String> all = exported(engine, folded.id());
    assertThat(all).hasSize(n).doesNotHaveDuplicates().allSatisfy(c -> assertThat(c).startsWith("Q"));
    ClaimResult entered = engine.claimByCode("u1", all.get(7).toLowerCase(java.util.Locale.ROOT), "k");
    assertThat(entered.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(entered.couponOrNull().code()).isEqualTo(all.get(7));

    Template exact = readySpec(engine, Specs.thresholdBuilder(1)
        .distribution(io.couponengine.template.Distribution.CODE_ENTRY)
        .externalCodes(io.couponengine.template.CodeRules.of("abcdefABCDEF", 4, 8).caseSensitive()).build());
    assertThat(engine.importCodes(exact.id(), List.of("abCDef", "ABCDEF")).imported()).isEqualTo(2);
    assertThat(engine.claimByCode("u2", "abcdef", "k").outcome()).isEqualTo(ClaimOutcome.CODE_NOT_FOUND);
    ClaimResult sensitive = engine.claimByCode("u2", "abCDef", "k2");
    assertThat(sensitive.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(sensitive.couponOrNull().code()).isEqualTo("abCDef");
    assertThat(engine.claimByCode("u3", "ABCDEF", "k").couponOrNull().code()).isEqualTo("ABCDEF");
  }

  @Test
  void export_listsEveryUnclaimedCodeOnce() {
    CouponEngine engine = engine();
    Template t = ready(engine, 2_500, 1);
    Set<String> claimed = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      claimed.add(engine.claim(new ClaimRequest("e" + i, t.id(), "k")).couponOrNull().code());
    }
    List<String> codes = exported(engine, t.id());
    assertThat(codes).hasSize(2_490).doesNotHaveDuplicates().doesNotContainAnyElementsOf(claimed);
    assertThat(codes).allSatisfy(c -> assertThat(io.couponengine.code.CodeFormat.canonicalize(c)).isEqualTo(c));
  }

  @Test
  void grant_grantsEachUserOnce_limitsAndPoolHold_reRunGrantsNobodyTwice() {
    CouponEngine engine = engine();
    Template t = ready(engine, 100, 1);
    engine.claim(new ClaimRequest("g-7", t.id(), "own")); // already at the limit
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      users.add("g-" + i);
    }
    users.add("g-3"); // listed twice
    users.add(" ");   // not an id
    io.couponengine.claim.GrantReport r = engine.grant(t.id(), "vip", users).join();
    assertThat(r.processed()).isEqualTo(152);
    assertThat(r.invalidUsers()).isEqualTo(1);
    assertThat(r.limitReached()).isEqualTo(1);
    assertThat(r.granted()).isEqualTo(99);
    assertThat(r.alreadyGranted()).isEqualTo(1);
    assertThat(r.soldOut()).isEqualTo(50);
    assertThat(store.remainingCodes(t.id())).isZero();

    clock.advance(Duration.ofHours(25)); // past any idempotency TTL: grant keys are kept for good
    io.couponengine.claim.GrantReport again = engine.grant(t.id(), "vip", users).join();
    assertThat(again.granted()).isZero();
    assertThat(again.alreadyGranted()).isEqualTo(100);
    for (int i = 0; i < 150; i++) {
      assertThat(store.findCouponsByUser("g-" + i).size()).as("g-%d", i).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void grant_killedHalfWay_reRunOnAnotherEngineFinishesTheRest_nobodyTwice() {
    List<CouponEngine> es = engines(2);
    Template t = ready(es.get(0), 13_000, 1);
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 12_000; i++) {
      users.add("k-" + i);
    }
    Iterable<String> dying = () -> new java.util.Iterator<>() {
      int i;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public String next() {
        if (i == 7_300) { // after the first batch of 5,000 went to the store
          throw new IllegalStateException("the operator's process died here");
        }
        return users.get(i++);
      }
    };
    assertThatThrownBy(() -> es.get(0).grant(t.id(), "black-friday", dying).join())
        .hasCauseInstanceOf(CouponException.class);
    long before = store.stats(t.id()).orElseThrow().issued();
    assertThat(before).isBetween(1L, 7_300L);

    io.couponengine.claim.GrantReport r = es.get(1).grant(t.id(), "black-friday", users).join();
    assertThat(r.granted() + r.alreadyGranted()).isEqualTo(12_000);
    assertThat(r.alreadyGranted()).isEqualTo(before);
    for (String u : users) {
      assertThat(store.findCouponsByUser(u)).as(u).hasSize(1);
    }
    assertThat(store.remainingCodes(t.id())).isEqualTo(1_000);
  }
}
