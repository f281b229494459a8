package io.couponengine.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Policy;
import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import io.couponengine.testing.MutableClock;
import io.couponengine.testing.Specs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behaviour of the near-cache over a counting in-memory store; time comes from a fake ticker, never a sleep. */
class NearCachedStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");
  private static final Duration TTL = Duration.ofSeconds(10);

  private final CountingStore delegate = new CountingStore();
  private final FakeTicker ticker = new FakeTicker();
  private final List<CouponEngine> engines = new ArrayList<>();

  @AfterEach
  void closeEngines() {
    engines.forEach(CouponEngine::close);
  }

  private NearCachedStore cache() {
    return NearCachedStore.builder(delegate).ttl(TTL).jitterPercent(0).ticker(ticker).build();
  }

  private CouponEngine engine(NearCachedStore store, MutableClock clock) {
    CouponEngine e = CouponEngine.builder().store(store).clock(clock).executor(Runnable::run).build();
    engines.add(e);
    return e;
  }

  private Template available(String id) {
    Template t = new Template(id, Specs.threshold(10, 5), TemplateStatus.AVAILABLE, T0, null);
    delegate.real.insertTemplate(t);
    return t;
  }

  // ---- penetration and single flight -------------------------------------------------------------------------

  @Test
  void findTemplate_unknownIdReadManyTimes_loadsOnce() {
    NearCachedStore store = cache();
    for (int i = 0; i < 10_000; i++) {
      assertThat(store.findTemplate("NOSUCH")).isEmpty();
    }
    assertThat(delegate.templateLoads).hasValue(1);
  }

  @Test
  void findCouponsByUser_userWithoutCoupons_emptyListCachedOnce() {
    NearCachedStore store = cache();
    for (int i = 0; i < 1_000; i++) {
      assertThat(store.findCouponsByUser("nobody")).isEmpty();
    }
    assertThat(delegate.userLoads).hasValue(1);
  }

  @Test
  void findTemplate_concurrentMissesOfOneKey_loadOnce() throws Exception {
    available("AAAAAA");
    NearCachedStore store = cache();
    List<Optional<Template>> seen = concurrentMisses(() -> store.findTemplate("AAAAAA"));
    assertThat(delegate.templateLoads).hasValue(1);
    assertThat(seen).hasSize(100).allMatch(t -> t.orElseThrow().id().equals("AAAAAA"));
  }

  @Test
  void findCouponsByUser_concurrentMissesOfOneKey_loadOnce() throws Exception {
    NearCachedStore store = cache();
    List<List<Coupon>> seen = concurrentMisses(() -> store.findCouponsByUser("u1"));
    assertThat(delegate.userLoads).hasValue(1);
    assertThat(seen).hasSize(100).allMatch(List::isEmpty);
  }

  /**
   * 100 threads released together by a latch read one key; the first load is held inside the delegate until every
   * thread has started, so the others arrive while it is in flight.
   */
  private <T> List<T> concurrentMisses(java.util.concurrent.Callable<T> read) throws Exception {
    int threads = 100;
    delegate.entered = new CountDownLatch(1);
    delegate.gate = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    List<Future<T>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(() -> {
          start.await();
          running.incrementAndGet();
          return read.call();
        }));
      }
      start.countDown();
      assertThat(delegate.entered.await(10, TimeUnit.SECONDS)).isTrue();
      while (running.get() < threads) {
        Thread.onSpinWait();
      }
      Thread.sleep(50); // not for time: lets the last starters reach the cache while the load is held
      delegate.gate.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get(10, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      delegate.gate.countDown();
      pool.shutdownNow();
    }
  }

  // ---- failures are not cached -------------------------------------------------------------------------------

  @Test
  void findTemplate_failingLoad_isNotCached() {
    available("AAAAAA");
    NearCachedStore store = cache();
    delegate.failNext.set(1);
    assertThatThrownBy(() -> store.findTemplate("AAAAAA")).hasMessage("backend down");
    assertThat(store.findTemplate("AAAAAA")).isPresent();
    assertThat(store.findTemplate("AAAAAA")).isPresent();
    assertThat(delegate.templateLoads).hasValue(2);
  }

  @Test
  void findCouponsByUser_failingLoad_isNotCached() {
    NearCachedStore store = cache();
    delegate.failNext.set(1);
    assertThatThrownBy(() -> store.findCouponsByUser("u1")).hasMessage("backend down");
    assertThat(store.findCouponsByUser("u1")).isEmpty();
    assertThat(store.findCouponsByUser("u1")).isEmpty();
    assertThat(delegate.userLoads).hasValue(2);
  }

  // ---- freshness after this instance's writes ----------------------------------------------------------------

  @Test
  void coupons_freshAfterOwnClaimReserveCommitAndRelease() {
    MutableClock clock = new MutableClock(T0);
    NearCachedStore store = cache();
    CouponEngine engine = engine(store, clock);
    Template t = engine.generation(engine.createTemplate(Specs.threshold(10, 5)).id()).join();

    assertThat(engine.coupons("u1", CouponStatus.USABLE)).isEmpty(); // the empty list is now cached
    Coupon first = engine.claim(new ClaimRequest("u1", t.id(), "k1")).coupon().orElseThrow();
    assertThat(engine.coupons("u1", CouponStatus.USABLE)).containsExactly(first);
    Coupon second = engine.claim(new ClaimRequest("u1", t.id(), "k2")).coupon().orElseThrow();
    assertThat(engine.coupons("u1", CouponStatus.USABLE)).extracting(Coupon::id)
        .containsExactly(first.id(), second.id());

    engine.reserve("u1", "o1", List.of(first.code()));
    assertThat(engine.coupons("u1", CouponStatus.RESERVED)).extracting(Coupon::id).containsExactly(first.id());
    engine.commit("o1");
    assertThat(engine.coupons("u1", CouponStatus.USED)).extracting(Coupon::id).containsExactly(first.id());
    engine.reserve("u1", "o2", List.of(second.code()));
    engine.release("o2");
    assertThat(engine.coupons("u1", CouponStatus.USABLE)).extracting(Coupon::id).containsExactly(second.id());
    int loads = delegate.userLoads.get();
    engine.coupons("u1", CouponStatus.USABLE);
    assertThat(delegate.userLoads).as("unchanged list served from the cache").hasValue(loads);
  }

  @Test
  void claim_racingAnInFlightLoadOfTheSameUser_leavesNoStaleEntry() throws Exception {
    Template t = available("AAAAAA");
    delegate.real.appendCodes(t.id(), 0, List.of("CODE1"));
    NearCachedStore store = cache();
    delegate.holdAfterRead = true;
    delegate.entered = new CountDownLatch(1);
    delegate.gate = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<List<Coupon>> reader = pool.submit(() -> store.findCouponsByUser("u1")); // reads [], then waits
      assertThat(delegate.entered.await(10, TimeUnit.SECONDS)).isTrue();
      Future<ClaimOutcome> writer = pool.submit(() -> store.claim(
          new ClaimCommand(t.id(), "u1", "k", "id-1", 5, T0, T0.plusSeconds(60))).outcome());
      Thread.sleep(50); // not for time: lets the claim reach its invalidation while the load is held
      delegate.gate.countDown();
      assertThat(reader.get(10, TimeUnit.SECONDS)).as("a read concurrent with the claim").isEmpty();
      assertThat(writer.get(10, TimeUnit.SECONDS)).isEqualTo(ClaimOutcome.CLAIMED);
    } finally {
      delegate.gate.countDown();
      pool.shutdownNow();
    }
    delegate.holdAfterRead = false;
    assertThat(store.findCouponsByUser("u1")).as("the value read before the claim was not kept").hasSize(1);
  }

  @Test
  void coupons_passiveExpiryStillAppliesToCachedCoupons() {
    MutableClock clock = new MutableClock(T0);
    NearCachedStore store = NearCachedStore.builder(delegate).ttl(Duration.ofDays(30)).ticker(ticker).build();
    CouponEngine engine = engine(store, clock);
    Template t = engine.generation(engine.createTemplate(Specs.threshold(10, 5)).id()).join();
    Coupon c = engine.claim(new ClaimRequest("u1", t.id(), "k1")).coupon().orElseThrow();
    assertThat(engine.coupons("u1", CouponStatus.USABLE)).containsExactly(c); // cached as USABLE

    clock.advance(Duration.ofDays(7));
    assertThat(engine.coupons("u1", CouponStatus.USABLE)).isEmpty();
    assertThat(engine.coupons("u1", CouponStatus.EXPIRED)).extracting(Coupon::id).containsExactly(c.id());
    assertThat(store.findCouponsByUser("u1")).singleElement()
        .extracting(Coupon::status).isEqualTo(CouponStatus.EXPIRED); // the write invalidated the user
  }

  @Test
  void template_freshAfterOwnStatusChange_andCreatingIsNotKept() {
    Template creating = new Template("CCCCCC", Specs.threshold(10, 1), TemplateStatus.CREATING, T0, null);
    NearCachedStore store = cache();
    assertThat(store.findTemplate("CCCCCC")).isEmpty();
    assertThat(store.insertTemplate(creating)).isTrue();
    assertThat(store.findTemplate("CCCCCC")).contains(creating); // the negative entry was dropped
    assertThat(store.findTemplate("CCCCCC")).contains(creating);
    assertThat(delegate.templateLoads).as("CREATING is returned, not kept").hasValue(3);

    delegate.real.updateTemplateStatus("CCCCCC", TemplateStatus.CREATING, TemplateStatus.AVAILABLE, null);
    assertThat(store.findTemplate("CCCCCC").orElseThrow().status()).isEqualTo(TemplateStatus.AVAILABLE);
    assertThat(store.updateTemplateStatus("CCCCCC", TemplateStatus.AVAILABLE, TemplateStatus.EXPIRED, null))
        .isTrue();
    assertThat(store.findTemplate("CCCCCC").orElseThrow().status()).isEqualTo(TemplateStatus.EXPIRED);
    assertThat(store.findTemplate("CCCCCC").orElseThrow().status()).isEqualTo(TemplateStatus.EXPIRED);
    assertThat(delegate.templateLoads).hasValue(5);
  }

  // ---- other instances: stale up to the TTL, claims still decided by the store ------------------------------

  @Test
  void otherInstanceWrites_seenAfterTtl_butClaimsAreDecidedByTheStore() {
    Template t = available("AAAAAA");
    delegate.real.appendCodes(t.id(), 0, List.of("CODE1"));
    NearCachedStore a = cache();
    NearCachedStore b = cache();
    assertThat(a.findCouponsByUser("u1")).isEmpty();
    assertThat(a.findTemplate(t.id()).orElseThrow().status()).isEqualTo(TemplateStatus.AVAILABLE);

    ClaimCommand first = new ClaimCommand(t.id(), "u1", "k1", "id-1", 5, T0, T0.plusSeconds(3600));
    assertThat(b.claim(first).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(b.updateTemplateStatus(t.id(), TemplateStatus.AVAILABLE, TemplateStatus.EXPIRED, null)).isTrue();
    assertThat(a.findCouponsByUser("u1")).as("stale within the TTL").isEmpty();
    assertThat(a.findTemplate(t.id()).orElseThrow().status()).isEqualTo(TemplateStatus.AVAILABLE);

    // a claim through the stale instance is still refused by the store, and refreshes its view
    ClaimCommand second = new ClaimCommand(t.id(), "u2", "k2", "id-2", 5, T0, T0.plusSeconds(3600));
    assertThat(a.claim(second).outcome()).isEqualTo(ClaimOutcome.TEMPLATE_EXPIRED);
    assertThat(a.findTemplate(t.id()).orElseThrow().status()).isEqualTo(TemplateStatus.EXPIRED);

    ticker.advance(TTL);
    assertThat(a.findCouponsByUser("u1")).hasSize(1);
  }

  // ---- expiry, jitter, size ----------------------------------------------------------------------------------

  @Test
  void entries_expireAfterTtl() {
    available("AAAAAA");
    NearCachedStore store = cache();
    store.findTemplate("AAAAAA");
    store.findCouponsByUser("u1");
    ticker.advance(TTL.minusNanos(1));
    store.findTemplate("AAAAAA");
    store.findCouponsByUser("u1");
    assertThat(delegate.templateLoads).hasValue(1);
    assertThat(delegate.userLoads).hasValue(1);

    ticker.advance(Duration.ofNanos(1));
    store.findTemplate("AAAAAA");
    store.findCouponsByUser("u1");
    assertThat(delegate.templateLoads).hasValue(2);
    assertThat(delegate.userLoads).hasValue(2);
  }

  @Test
  void entries_lifetimeWithinJitterBounds() {
    NearCachedStore store = NearCachedStore.builder(delegate).ttl(TTL).jitterPercent(25).ticker(ticker).build();
    for (int i = 0; i < 2_000; i++) {
      store.findCouponsByUser("u" + i);
    }
    Policy.VarExpiration<String, List<Coupon>> expiry =
        store.userCache().policy().expireVariably().orElseThrow();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < 2_000; i++) {
      long nanos = expiry.getExpiresAfter("u" + i).orElseThrow().toNanos();
      min = Math.min(min, nanos);
      max = Math.max(max, nanos);
    }
    long ttl = TTL.toNanos();
    assertThat(min).isGreaterThanOrEqualTo(ttl - ttl / 4);
    assertThat(max).isLessThanOrEqualTo(ttl);
    assertThat(max - min).as("lifetimes are spread").isGreaterThan(ttl / 5);
  }

  @Test
  void jitteredExpiry_samplesWithinBounds() {
    var expiry = new NearCachedStore.JitteredExpiry<String, String>(Duration.ofSeconds(100), 50, v -> true);
    for (int i = 0; i < 10_000; i++) {
      assertThat(expiry.lifetimeNanos()).isBetween(50_000_000_000L, 100_000_000_000L);
    }
    var noJitter = new NearCachedStore.JitteredExpiry<String, String>(Duration.ofSeconds(100), 0, v -> true);
    assertThat(noJitter.lifetimeNanos()).isEqualTo(100_000_000_000L);
  }

  @Test
  void size_isBounded() {
    NearCachedStore store = NearCachedStore.builder(delegate).maximumSize(100).ticker(ticker).build();
    for (int i = 0; i < 1_000; i++) {
      store.findCouponsByUser("u" + i);
      store.findTemplate("T" + i);
    }
    store.userCache().cleanUp();
    store.templateCache().cleanUp();
    assertThat(store.userCache().estimatedSize()).isLessThanOrEqualTo(100);
    assertThat(store.templateCache().estimatedSize()).isLessThanOrEqualTo(100);
  }

  // ---- optional catalog caching ------------------------------------------------------------------------------

  @Test
  void catalog_notCachedByDefault() {
    available("AAAAAA");
    NearCachedStore store = cache();
    store.findTemplates(TemplateStatus.AVAILABLE);
    store.findTemplates(TemplateStatus.AVAILABLE);
    store.remainingCodes("AAAAAA");
    store.remainingCodes("AAAAAA");
    assertThat(delegate.statusLoads).hasValue(2);
    assertThat(delegate.remainingLoads).hasValue(2);
  }

  @Test
  void catalog_cachedWhenConfigured_andInvalidatedByOwnWrites() {
    Template t = available("AAAAAA");
    NearCachedStore store = NearCachedStore.builder(delegate).catalogTtl(Duration.ofSeconds(1)).jitterPercent(0)
        .ticker(ticker).build();
    assertThat(store.appendCodes(t.id(), 0, List.of("C1", "C2"))).isEqualTo(2);
    assertThat(store.remainingCodes(t.id())).isEqualTo(2);
    assertThat(store.remainingCodes(t.id())).isEqualTo(2);
    assertThat(store.findTemplates(TemplateStatus.AVAILABLE)).extracting(Template::id).containsExactly("AAAAAA");
    assertThat(store.findTemplates(TemplateStatus.AVAILABLE)).hasSize(1);
    assertThat(delegate.remainingLoads).hasValue(1);
    assertThat(delegate.statusLoads).hasValue(1);

    store.claim(new ClaimCommand(t.id(), "u1", "k", "id-1", 5, T0, T0.plusSeconds(60)));
    assertThat(store.remainingCodes(t.id())).isEqualTo(1);
    store.updateTemplateStatus(t.id(), TemplateStatus.AVAILABLE, TemplateStatus.EXPIRED, null);
    assertThat(store.findTemplates(TemplateStatus.AVAILABLE)).isEmpty();

    delegate.real.appendCodes(t.id(), 2, List.of("C3")); // behind the cache's back
    assertThat(store.remainingCodes(t.id())).isEqualTo(1);
    ticker.advance(Duration.ofSeconds(1));
    assertThat(store.remainingCodes(t.id())).isEqualTo(2);
  }

  // ---- lifecycle and builder ---------------------------------------------------------------------------------

  @Test
  void close_leavesDelegateOpenByDefault() {
    cache().close();
    assertThat(delegate.closes).hasValue(0);
    NearCachedStore owning = NearCachedStore.builder(delegate).closeDelegate().build();
    owning.close();
    owning.close();
    assertThat(delegate.closes).hasValue(1);
  }

  @Test
  void invalidate_dropsEntries() {
    NearCachedStore store = cache();
    store.findCouponsByUser("u1");
    store.findTemplate("AAAAAA");
    store.invalidateUser("u1");
    store.invalidateTemplate("AAAAAA");
    store.findCouponsByUser("u1");
    store.findTemplate("AAAAAA");
    store.invalidateAll();
    store.findCouponsByUser("u1");
    assertThat(delegate.userLoads).hasValue(3);
    assertThat(delegate.templateLoads).hasValue(2);
  }

  @Test
  void shouldRequireDelegate() {
    assertThatThrownBy(() -> NearCachedStore.builder(null)).hasMessageContaining("delegate must not be null");
  }

  @Test
  void shouldRequireValidSettings() {
    assertThatThrownBy(() -> NearCachedStore.builder(delegate).maximumSize(0)).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> NearCachedStore.builder(delegate).ttl(null)).hasMessageContaining("must not be null");
    assertThatThrownBy(() -> NearCachedStore.builder(delegate).ttl(Duration.ZERO)).hasMessageContaining("1ms");
    assertThatThrownBy(() -> NearCachedStore.builder(delegate).ttl(Duration.ofDays(366)))
        .hasMessageContaining("365 days");
    assertThatThrownBy(() -> NearCachedStore.builder(delegate).catalogTtl(Duration.ofNanos(1)))
        .hasMessageContaining("1ms");
    assertThatThrownBy(() -> NearCachedStore.builder(delegate).jitterPercent(100)).hasMessageContaining("[0, 99]");
    assertThatThrownBy(() -> NearCachedStore.builder(delegate).jitterPercent(-1)).hasMessageContaining("[0, 99]");
    assertThatThrownBy(() -> NearCachedStore.builder(delegate).ticker(null)).hasMessageContaining("null");
  }

  @Test
  void shouldRefuseSettingTwice() {
    assertThatThrownBy(() -> NearCachedStore.builder(delegate).maximumSize(1).maximumSize(2))
        .hasMessage("maximumSize was already set to 1");
    assertThatThrownBy(() -> NearCachedStore.builder(delegate).ttl(TTL).ttl(TTL))
        .hasMessage("ttl was already set to PT10S");
    assertThatThrownBy(() -> NearCachedStore.builder(delegate).jitterPercent(10).jitterPercent(20))
        .hasMessage("jitterPercent was already set to 10");
    assertThatThrownBy(() -> NearCachedStore.builder(delegate).catalogTtl(TTL).catalogTtl(TTL))
        .hasMessageContaining("already set");
    assertThatThrownBy(() -> NearCachedStore.builder(delegate).closeDelegate().closeDelegate())
        .hasMessageContaining("already set");
    assertThatThrownBy(() -> NearCachedStore.builder(delegate).ticker(ticker).ticker(ticker))
        .hasMessageContaining("already set");
  }

  @Test
  void builder_reusedBuildsIndependentCaches() {
    NearCachedStore.Builder builder = NearCachedStore.builder(delegate).ticker(ticker);
    NearCachedStore a = builder.build();
    NearCachedStore b = builder.build();
    a.findCouponsByUser("u1");
    b.findCouponsByUser("u1");
    assertThat(delegate.userLoads).hasValue(2);
    assertThat(a.toString()).contains("ttl=PT10S", "maximumSize=10000", "jitterPercent=10");
  }

  @Test
  void findCouponsByUser_returnsUnmodifiableList() {
    NearCachedStore store = cache();
    Function<String, List<Coupon>> read = store::findCouponsByUser;
    assertThatThrownBy(() -> read.apply("u1").add(null)).isInstanceOf(UnsupportedOperationException.class);
  }
}
