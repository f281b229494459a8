package io.couponengine.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.claim.GrantReport;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.EventType;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStats;
import io.couponengine.template.TemplateStatus;
import io.couponengine.testing.Specs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Sharded templates ({@code TemplateSpec.shards(k)}, see {@link Shards}) on the standalone server of
 * {@link TestRedis}: every sub-pool on one server, which must be exactly as correct.
 * {@link RedisClusterShardedTemplateTest} runs the same on the 3-master cluster and checks that the claims spread
 * over the masters.
 */
class RedisShardedTemplateTest {
  static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

  final List<UnifiedJedis> clients = new ArrayList<>();
  final List<CouponEngine> engines = new ArrayList<>();
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
    prefix = TestRedis.uniquePrefix();
    store = store();
    engine = engine(store);
  }

  RedisCouponStore store() {
    UnifiedJedis c = newClient();
    clients.add(c);
    return new RedisCouponStore(c, prefix);
  }

  CouponEngine engine(RedisCouponStore s) {
    CouponEngine e = CouponEngine.builder().store(s).build();
    engines.add(e);
    return e;
  }

  @AfterEach
  void tearDown() {
    try {
      engines.forEach(CouponEngine::close);
      deleteKeys(prefix);
    } finally {
      clients.forEach(UnifiedJedis::close);
      clients.clear();
    }
  }

  static TemplateSpec spec(long total, int perUser, int shards) {
    return Specs.thresholdBuilder(perUser).totalCount(total).shards(shards).build();
  }

  Template created(long total, int perUser, int shards) {
    return engine.generation(engine.createTemplate(spec(total, perUser, shards)).id()).join();
  }

  /** The first {@code n} user ids served by shard {@code s} of {@code k}. */
  static List<String> usersOf(int s, int k, int n, String tag) {
    List<String> out = new ArrayList<>();
    for (int i = 0; out.size() < n; i++) {
      String u = tag + "-" + i;
      if (Shards.shardOf(u, k) == s) {
        out.add(u);
      }
    }
    return out;
  }

  long pool(String[] tags, int s) {
    return clients.get(0).llen(store.keys().pool(tags[s]));
  }

  ClaimResult claim(CouponEngine e, String user, String templateId) {
    return e.claim(new ClaimRequest(user, templateId, "k-" + user + "-" + System.nanoTime()));
  }

  // ---- layout ------------------------------------------------------------------------------------------------

  @Test
  void layout_shardZeroIsTheTemplate_andTheOthersFallInTheirOwnKth() {
    Keys keys = store.keys();
    for (String id : List.of("ABC234", "ZZZZZZ", "TPL999")) {
      for (int k : new int[] {2, 3, 5, 64}) {
        String[] tags = Shards.layout(keys, id, k);
        assertThat(tags).hasSize(k).doesNotHaveDuplicates();
        assertThat(tags[0]).isEqualTo(id);
        Set<Integer> kths = new HashSet<>();
        for (String tag : tags) {
          kths.add(JedisClusterCRC16.getSlot(keys.meta(tag)) * k / 16384);
        }
        assertThat(kths).as("each shard in its own k-th of the slots").hasSize(k);
        assertThat(Shards.layout(keys, id, k)).as("deterministic").isEqualTo(tags);
        for (int s = 1; s < k; s++) {
          assertThat(tags[s]).startsWith(id + "\u001F"); // a control character: no template id can hold it
        }
      }
    }
    assertThat(Shards.layout(keys, "ABC234", 1)).containsExactly("ABC234");
  }

  @Test
  void spec_refusesShardsWithImportedOrEnteredCodes_andTheStoreGuardsImports() {
    assertThatThrownBy(() -> Specs.thresholdBuilder(1).externalCodes(io.couponengine.template.CodeRules.of(
        "ABCDEFGHJK", 4, 12)).shards(2).build()).isInstanceOfSatisfying(CouponException.class,
            e -> assertThat(e.violations()).extracting(v -> v.field()).containsExactly("shards"));
    Template t = created(30, 1, 3);
    assertThatThrownBy(() -> store.importCodes(t.id(), List.of("ABCD1234")))
        .isInstanceOfSatisfying(CouponException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.violations()).extracting(v -> v.field()).containsExactly("templateId");
        });
  }

  // ---- loading -----------------------------------------------------------------------------------------------

  @Test
  void append_spreadsBySerial_isIdempotentByOffset_andRefusesAGap() {
    Template t = new Template("APPSHD", spec(100, 1, 3), TemplateStatus.CREATING, T0, null);
    assertThat(store.insertTemplate(t)).isTrue();
    String[] tags = store.shards().tags(t.id());
    List<String> codes = IntStream.range(0, 10).mapToObj(i -> "C" + i).toList();
    assertThat(store.appendCodes(t.id(), 0, codes)).isEqualTo(10);
    assertThat(clients.get(0).lrange(store.keys().pool(tags[0]), 0, -1)).containsExactly("C0", "C3", "C6", "C9");
    assertThat(clients.get(0).lrange(store.keys().pool(tags[1]), 0, -1)).containsExactly("C1", "C4", "C7");
    assertThat(clients.get(0).lrange(store.keys().pool(tags[2]), 0, -1)).containsExactly("C2", "C5", "C8");
    // a retry, a retry of a part, from another store: nothing twice
    assertThat(store.appendCodes(t.id(), 0, codes)).isEqualTo(10);
    assertThat(store().appendCodes(t.id(), 3, codes.subList(3, 7))).isEqualTo(10);
    assertThat(store.remainingCodes(t.id())).isEqualTo(10);
    // the next batch continues each shard's serials: serial 10 to shard 1
    assertThat(store.appendCodes(t.id(), 10, List.of("C10", "C11"))).isEqualTo(12);
    assertThat(clients.get(0).lrange(store.keys().pool(tags[1]), 0, -1)).containsExactly("C1", "C4", "C7", "C10");
    assertThat(clients.get(0).lrange(store.keys().pool(tags[2]), 0, -1)).containsExactly("C2", "C5", "C8", "C11");
    assertThatThrownBy(() -> store.appendCodes(t.id(), 20, List.of("X"))).isInstanceOfSatisfying(
        CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThatThrownBy(() -> store.appendCodes(t.id(), 11, List.of("C11", "C12"))).isInstanceOfSatisfying(
        CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThat(store.remainingCodes(t.id())).isEqualTo(12);
    assertThat(store.addToTotal(t.id(), 0)).isEqualTo(12);
    // a crash after the shards took their part but before the template's count moved: the retry finishes it
    clients.get(0).hset(store.keys().meta(t.id()), "loaded", "10");
    assertThat(store.appendCodes(t.id(), 10, List.of("C10", "C11"))).isEqualTo(12);
    assertThat(store.remainingCodes(t.id())).isEqualTo(12);
    assertThatThrownBy(() -> store.appendCodes("NOPE00", 0, List.of("X"))).isInstanceOfSatisfying(
        CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TEMPLATE_NOT_FOUND));
  }

  @Test
  void generationAndAddedStock_throughTheEngine_loadEveryCodeOnce() {
    Template t = created(1_000, 1, 3);
    assertThat(store.remainingCodes(t.id())).isEqualTo(1_000);
    engine.addCodes(t.id(), 500).join();
    Set<String> all = new HashSet<>();
    List<String> scanned = new ArrayList<>();
    store.scanPool(t.id(), 77, scanned::addAll);
    all.addAll(scanned);
    assertThat(scanned).hasSize(1_500);
    assertThat(all).hasSize(1_500);
    String[] tags = store.shards().tags(t.id());
    for (int s = 0; s < 3; s++) {
      assertThat(pool(tags, s)).isEqualTo(500);
    }
  }

  // ---- status ------------------------------------------------------------------------------------------------

  @Test
  void pause_reachesEveryShardBeforeItReturns_andAStalePropagationLoses() {
    Template t = created(300, 5, 3);
    List<String> users = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      users.add(usersOf(s, 3, 1, "p").get(0));
    }
    CouponEngine other = engine(store());
    other.pause(t.id());
    for (String u : users) {
      assertThat(claim(engine, u, t.id()).outcome()).isEqualTo(ClaimOutcome.TEMPLATE_PAUSED);
    }
    other.resume(t.id());
    for (String u : users) {
      assertThat(claim(engine, u, t.id()).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    }
    // a propagation of an older version (a slow caller of an earlier change) is ignored by every shard
    String[] tags = store.shards().tags(t.id());
    String version = clients.get(0).hget(store.keys().meta(t.id()), "sv");
    for (int s = 1; s < 3; s++) {
      Object r = Shards.META.run(clients.get(0), List.of(store.keys().meta(tags[s]), store.keys().shardState(tags[s])),
          List.of("set", "PAUSED", Long.toString(Long.parseLong(version) - 1)));
      assertThat(r).isEqualTo(0L);
    }
    for (String u : users) {
      assertThat(claim(engine, u, t.id()).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    }
    // a caller that died after its compare-and-set (shards left AVAILABLE): the next status call repairs them
    assertThat(Shards.META.run(clients.get(0), List.of(store.keys().meta(t.id())), List.of("cas", "AVAILABLE",
        "PAUSED", store.findTemplate(t.id()).orElseThrow().withStatus(TemplateStatus.PAUSED, null).toJson())))
        .isInstanceOf(List.class);
    assertThat(claim(engine, users.get(1), t.id()).outcome()).isEqualTo(ClaimOutcome.CLAIMED); // stale shard 1
    assertThat(store.updateTemplateStatus(t.id(), TemplateStatus.AVAILABLE, TemplateStatus.EXPIRED, null)).isFalse();
    for (String u : users) {
      assertThat(store.claim(command(t, u, "again-" + u)).outcome()).isEqualTo(ClaimOutcome.TEMPLATE_PAUSED);
    }
    assertThat(store.updateTemplateStatus(t.id(), TemplateStatus.PAUSED, TemplateStatus.EXPIRED, null)).isTrue();
    for (String u : users) {
      assertThat(store.claim(command(t, u, "late-" + u)).outcome()).isEqualTo(ClaimOutcome.TEMPLATE_EXPIRED);
    }
  }

  static ClaimCommand command(Template t, String user, String key) {
    return new ClaimCommand(t.id(), user, key, "cid-" + user + "-" + key, t.spec().perUserLimit(), T0,
        T0.plus(Duration.ofDays(7)));
  }

  // ---- moves -------------------------------------------------------------------------------------------------

  @Test
  void usersOfOneShardOnly_getEveryCode_thenSoldOut() {
    Template t = created(450, 1, 3);
    List<String> users = usersOf(0, 3, 451, "one");
    Set<String> codes = new HashSet<>();
    for (int i = 0; i < 450; i++) {
      ClaimResult r = claim(engine, users.get(i), t.id());
      assertThat(r.outcome()).as("claim %d", i).isEqualTo(ClaimOutcome.CLAIMED);
      codes.add(r.coupon().orElseThrow().code());
    }
    assertThat(codes).hasSize(450);
    assertThat(claim(engine, users.get(450), t.id()).outcome()).isEqualTo(ClaimOutcome.SOLD_OUT);
    assertThat(claim(engine, usersOf(2, 3, 1, "x").get(0), t.id()).outcome()).isEqualTo(ClaimOutcome.SOLD_OUT);
    TemplateStats st = store.stats(t.id()).orElseThrow();
    assertThat(st.issued()).isEqualTo(450);
    assertThat(st.remaining()).isZero();
  }

  @Test
  void move_crashAfterTake_isFinishedByTheNextClaim_withExactCounts() {
    Template t = created(400, 1, 2);
    String[] tags = store.shards().tags(t.id());
    List<String> users = usersOf(0, 2, 202, "c");
    for (int i = 0; i < 200; i++) {
      assertThat(claim(engine, users.get(i), t.id()).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    }
    assertThat(pool(tags, 0)).isZero();
    assertThat(pool(tags, 1)).isEqualTo(200);
    // the process dies right after step 1: 100 codes (half the donor) sit in a move record
    Shards.Move m = store.shards().take(tags, 1, 0);
    assertThat(m.size()).isEqualTo(100);
    assertThat(pool(tags, 1)).isEqualTo(100);
    assertThat(store.remainingCodes(t.id())).as("codes in the record count").isEqualTo(200);
    List<String> scanned = new ArrayList<>();
    store.scanPool(t.id(), 64, scanned::addAll);
    assertThat(scanned).hasSize(200).doesNotHaveDuplicates();
    // the next claim of shard 0 (another engine) finishes the pending move first, and claims from it
    CouponEngine other = engine(store());
    ClaimResult r = claim(other, users.get(200), t.id());
    assertThat(r.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(m.codes().split(" ")).contains(r.coupon().orElseThrow().code());
    assertThat(clients.get(0).hlen(store.keys().moves(tags[1]))).isZero();
    assertThat(pool(tags, 0)).isEqualTo(99);
    assertThat(pool(tags, 1)).isEqualTo(100);
    assertThat(store.remainingCodes(t.id())).isEqualTo(199);
    // the dead process's own apply, arriving late: a no-op
    assertThat(store.shards().apply(tags, m)).isZero();
    assertThat(store.remainingCodes(t.id())).isEqualTo(199);
    assertThat(store.stats(t.id()).orElseThrow().issued()).isEqualTo(201);
  }

  @Test
  void move_crashAfterApply_isCountedOnce_andFinishedWithoutDuplicates() {
    Template t = created(400, 1, 2);
    String[] tags = store.shards().tags(t.id());
    List<String> users = usersOf(0, 2, 300, "a");
    for (int i = 0; i < 200; i++) {
      assertThat(claim(engine, users.get(i), t.id()).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    }
    // the process dies after step 2: the codes are in the receiver's pool, the record still exists
    Shards.Move m = store.shards().take(tags, 1, 0);
    assertThat(store.shards().apply(tags, m)).isEqualTo(100);
    assertThat(store.shards().apply(tags, m)).as("idempotent").isZero();
    assertThat(pool(tags, 0)).isEqualTo(100);
    assertThat(store.remainingCodes(t.id())).as("applied codes counted in the pool only").isEqualTo(200);
    List<String> scanned = new ArrayList<>();
    store.scanPool(t.id(), 1000, scanned::addAll);
    assertThat(scanned).hasSize(200).doesNotHaveDuplicates();
    // shard 0 still has codes, so its claims go on; the next refill (shard 1 running dry) finishes the record
    for (int i = 200; i < 300; i++) {
      assertThat(claim(engine, users.get(i), t.id()).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    }
    assertThat(pool(tags, 0)).isZero();
    List<String> ones = usersOf(1, 2, 101, "b");
    for (int i = 0; i < 100; i++) {
      assertThat(claim(engine, ones.get(i), t.id()).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    }
    assertThat(clients.get(0).hlen(store.keys().moves(tags[1]))).as("nobody ran dry yet").isOne();
    assertThat(claim(engine, ones.get(100), t.id()).outcome()).isEqualTo(ClaimOutcome.SOLD_OUT);
    assertThat(clients.get(0).hlen(store.keys().moves(tags[1]))).as("finished by that refill").isZero();
    assertThat(store.remainingCodes(t.id())).isZero();
    assertThat(store.stats(t.id()).orElseThrow().issued()).isEqualTo(400);
    assertThat(distinctIssuedCodes(t)).isEqualTo(400);
  }

  /** Every claim record over every shard, checked for duplicates by code. */
  long distinctIssuedCodes(Template t) {
    Set<String> codes = new HashSet<>();
    long n = 0;
    for (String tag : store.shards().tags(t.id())) {
      for (String code : clients.get(0).hkeys(store.keys().claims(tag))) {
        n++;
        codes.add(code);
      }
    }
    assertThat(codes).hasSize((int) n);
    return n;
  }

  // ---- concurrency -------------------------------------------------------------------------------------------

  /**
   * Many threads over several engines (each with its own store and client) on a small sharded pool, so shards run
   * dry and moves race each other and the claims: no over-issue, no user over the limit, no code lost or issued
   * twice (claimed + remaining == total), SOLD_OUT only once nothing is left.
   */
  @Test
  void manyThreads_severalEngines_smallPool_movesUnderContention_invariantsHold() throws Exception {
    int total = 3_000;
    int perUser = 3;
    Template t = created(total, perUser, 3);
    List<CouponEngine> es = List.of(engine, engine(store()), engine(store()), engine(store()));
    int threads = 16;
    int users = 1_500; // skewed: two thirds of the claims from shard-0 users, so shard 0 runs dry first
    List<String> pool0 = usersOf(0, 3, users, "z");
    List<String> others = new ArrayList<>(usersOf(1, 3, users / 2, "y"));
    others.addAll(usersOf(2, 3, users / 2, "x"));
    ConcurrentHashMap<String, AtomicInteger> perUserClaims = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> codes = new ConcurrentLinkedQueue<>();
    AtomicInteger soldOut = new AtomicInteger();
    // linearizability of SOLD_OUT: no claim that started after a SOLD_OUT had returned may get a code
    java.util.concurrent.atomic.AtomicLong firstSoldOutReturned = new java.util.concurrent.atomic.AtomicLong(
        Long.MAX_VALUE);
    java.util.concurrent.atomic.AtomicLong lastClaimedStarted = new java.util.concurrent.atomic.AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> fs = new ArrayList<>();
    for (int th = 0; th < threads; th++) {
      int me = th;
      fs.add(pool.submit(() -> {
        start.await();
        CouponEngine e = es.get(me % es.size());
        int mySoldOut = 0;
        for (int i = 0; i < 400 && mySoldOut < 10; i++) { // past sell-out, 10 SOLD_OUTs a thread are enough
          String u = (i % 3 == 2 ? others.get((me * 397 + i) % others.size())
              : pool0.get((me * 211 + i) % pool0.size()));
          long started = System.nanoTime();
          ClaimResult r = claim(e, u, t.id());
          switch (r.outcome()) {
            case CLAIMED -> {
              perUserClaims.computeIfAbsent(u, x -> new AtomicInteger()).incrementAndGet();
              codes.add(r.coupon().orElseThrow().code());
              lastClaimedStarted.accumulateAndGet(started, Math::max);
            }
            case SOLD_OUT -> {
              soldOut.incrementAndGet();
              mySoldOut++;
              firstSoldOutReturned.accumulateAndGet(System.nanoTime(), Math::min);
            }
            case LIMIT_REACHED -> assertThat(perUserClaims.get(u).get()).isGreaterThanOrEqualTo(perUser);
            default -> throw new AssertionError("unexpected " + r.outcome());
          }
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : fs) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(codes).hasSize(total).doesNotHaveDuplicates();
    assertThat(perUserClaims.values()).allMatch(n -> n.get() <= perUser);
    assertThat(soldOut.get()).isPositive();
    TemplateStats st = store.stats(t.id()).orElseThrow();
    assertThat(st.issued()).isEqualTo(total);
    assertThat(st.remaining()).isZero();
    assertThat(distinctIssuedCodes(t)).isEqualTo(total);
    // per user, from the store (a sample: each is a list rebuild): the user's coupons are those they were answered
    for (String u : perUserClaims.keySet().stream().limit(200).toList()) {
      assertThat(store.findCouponsByUser(u)).hasSize(perUserClaims.get(u).get());
    }
    assertThat(lastClaimedStarted.get()).as("a claim started after a SOLD_OUT returned got a code")
        .isLessThan(firstSoldOutReturned.get());
  }

  // ---- reads -------------------------------------------------------------------------------------------------

  @Test
  void reads_findByCode_userCoupons_orders_expiry_stats_andEvents_coverEveryShard() throws Exception {
    Template t = created(60, 2, 3);
    Map<String, Coupon> byCode = new HashMap<>();
    List<String> users = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      users.addAll(usersOf(s, 3, 3, "r"));
    }
    for (String u : users) {
      for (int i = 0; i < 2; i++) {
        Coupon c = claim(engine, u, t.id()).coupon().orElseThrow();
        byCode.put(c.code(), c);
      }
    }
    CouponEngine other = engine(store());
    for (Coupon c : byCode.values()) {
      assertThat(other.couponByCode(c.code())).contains(c);
    }
    for (String u : users) {
      assertThat(other.coupons(u, CouponStatus.USABLE)).hasSize(2);
    }
    // reserve and commit a coupon of each shard
    for (int s = 0; s < 3; s++) {
      String u = users.get(s * 3);
      Coupon c = other.coupons(u, CouponStatus.USABLE).get(0);
      assertThat(other.reserve(u, "order-" + s, List.of(c.code())).outcome().isSuccess()).isTrue();
      assertThat(other.commit("order-" + s).outcome().isSuccess()).isTrue();
      assertThat(other.couponByCode(c.code()).orElseThrow().status()).isEqualTo(CouponStatus.USED);
      // another user's code of another shard is refused as not theirs, not as unknown
      String stranger = users.get(((s + 1) % 3) * 3);
      assertThat(other.reserve(stranger, "order-x" + s, List.of(c.code())).outcome().isSuccess()).isFalse();
    }
    TemplateStats st = store.stats(t.id()).orElseThrow();
    assertThat(st.issued()).isEqualTo(18);
    assertThat(st.used()).isEqualTo(3);
    assertThat(st.remaining()).isEqualTo(42);
    // the expiry sweep walks every shard's candidates
    List<Coupon> expired = store.expireDueCoupons(T0.plus(Duration.ofDays(400)), 100);
    assertThat(expired).hasSize(15);
    assertThat(expired).extracting(Coupon::userId).containsAll(users);
    // every shard's CLAIMED stream is consumed
    ConcurrentLinkedQueue<CouponEvent> seen = new ConcurrentLinkedQueue<>();
    try (RedisEventConsumer consumer = RedisEventConsumer.builder(clients.get(0), prefix, "g", "c1", seen::add)
        .build()) {
      while (consumer.pollOnce() > 0) {
        // drain
      }
    }
    assertThat(seen.stream().filter(e -> e.type() == EventType.CLAIMED).map(CouponEvent::id).distinct())
        .hasSize(18);
  }

  @Test
  void grant_onAShardedTemplate_movesCodes_servesEveryoneOnce_andARerunIsDuplicate() {
    Template t = created(300, 1, 3);
    List<String> users = new ArrayList<>(usersOf(0, 3, 250, "g"));
    users.addAll(usersOf(1, 3, 100, "h"));
    GrantReport r = engine.grant(t.id(), "grant-1", users).join();
    assertThat(r.granted()).isEqualTo(300);
    assertThat(r.soldOut()).isEqualTo(50);
    assertThat(store.remainingCodes(t.id())).isZero();
    assertThat(distinctIssuedCodes(t)).isEqualTo(300);
    GrantReport again = engine(store()).grant(t.id(), "grant-1", users).join();
    assertThat(again.granted()).isZero();
    assertThat(again.alreadyGranted()).isEqualTo(300);
  }
}
