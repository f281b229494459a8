package io.couponengine.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CodeClaimCommand;
import io.couponengine.spi.ReserveCommand;
import io.couponengine.template.CodeRules;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Distribution;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStatus;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * Codes and distribution on Redis, until the contract suite covers them, and what only Redis has: the sharded code
 * index (a shared code unique across templates and imports, a dangling entry left by a crashed insert taken over),
 * imports idempotent across a crash between their two steps, CODE_ENTRY binding (taken, not found, duplicate, 32
 * threads on one code), the failed-entry window exact over two stores, the pool streamed exactly once while claims
 * run, and grants (permanent keys, running out, limits). The standalone server of {@link TestRedis};
 * {@link RedisClusterDistributionTest} runs the same on a cluster.
 */
class RedisDistributionTest {
  static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

  final List<UnifiedJedis> clients = new ArrayList<>();
  String prefix;
  RedisCouponStore store;

  protected UnifiedJedis newClient() {
    return TestRedis.newClient();
  }

  protected void deleteKeys(String prefix) {
    TestRedis.deleteKeys(TestRedis.target(), prefix);
  }

  @BeforeEach
  void setUp() {
    prefix = TestRedis.uniquePrefix();
    store = store(b -> b);
  }

  /** Another store on the same keys, with its own client. */
  RedisCouponStore store(Function<RedisCouponStore.Builder, RedisCouponStore.Builder> options) {
    UnifiedJedis c = newClient();
    clients.add(c);
    return options.apply(RedisCouponStore.builder(c, prefix)).build();
  }

  @AfterEach
  void tearDown() {
    try {
      deleteKeys(prefix);
    } finally {
      clients.forEach(UnifiedJedis::close);
      clients.clear();
    }
  }

  static TemplateSpec.Builder spec(long total, int perUser) {
    return TemplateSpec.builder()
        .name("10 off")
        .category(CouponCategory.DIRECT)
        .productLine("mall")
        .totalCount(total)
        .perUserLimit(perUser)
        .validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.amountOff(new BigDecimal("10.00")));
  }

  Template stored(String id, TemplateSpec spec) {
    Template t = new Template(id, spec, TemplateStatus.AVAILABLE, T0, null);
    assertThat(store.insertTemplate(t)).isTrue();
    return t;
  }

  /** A CODE_ENTRY template whose codes are imported. */
  Template entryTemplate(String id, int perUser, List<String> codes) {
    Template t = stored(id, spec(0, perUser).distribution(Distribution.CODE_ENTRY)
        .externalCodes(CodeRules.ALPHANUMERIC).build());
    assertThat(store.importCodes(t.id(), codes)).isEqualTo(codes.size());
    return t;
  }

  static ClaimCommand claim(Template t, String user, String key) {
    return new ClaimCommand(t.id(), user, key, "cpn-" + UUID.randomUUID(), t.spec().perUserLimit(), T0,
        T0.plus(Duration.ofDays(7)));
  }

  static CodeClaimCommand entry(Template t, String user, String key, String code) {
    return new CodeClaimCommand(user, t == null ? null : claim(t, user, key), code, 5, Duration.ofMinutes(10), T0);
  }

  static List<String> codes(String stem, int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(stem + String.format("%07d", i));
    }
    return out;
  }

  // ---- shared codes --------------------------------------------------------------------------------------------

  @Test
  void insertTemplate_sharedCode_uniqueAcrossTemplatesAndImports() {
    Template a = stored("SHAREA", spec(10, 1).sharedCode("summer20").build());
    assertThat(store.findTemplateIdByCode("SUMMER20")).contains("SHAREA");

    Template b = new Template("SHAREB", spec(10, 1).sharedCode("SUMMER20").build(), TemplateStatus.CREATING, T0,
        null);
    assertThatThrownBy(() -> store.insertTemplate(b))
        .isInstanceOfSatisfying(CouponException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TEMPLATE);
          assertThat(e.violations()).extracting(v -> v.field()).containsExactly("sharedCode");
        });
    assertThat(store.findTemplate("SHAREB")).isEmpty();
    assertThat(store.findTemplateIdByCode("SUMMER20")).contains(a.id());

    // an imported code is taken too, both ways
    Template ext = stored("EXTAAA", spec(0, 1).externalCodes(CodeRules.ALPHANUMERIC).build());
    assertThat(store.importCodes(ext.id(), List.of("SUMMER20", "WINTER30"))).isEqualTo(1);
    assertThat(store.findTemplateIdByCode("WINTER30")).contains(ext.id());
    assertThatThrownBy(() -> store.insertTemplate(new Template("SHAREC", spec(10, 1).sharedCode("WINTER30").build(),
        TemplateStatus.CREATING, T0, null)))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TEMPLATE));
    assertThat(store.findTemplate("SHAREC")).isEmpty();

    // the same insert retried (same id) is not a conflict with itself: the id is taken
    assertThat(store.insertTemplate(a)).isFalse();
    assertThat(store.findTemplateIdByCode("SUMMER20")).contains(a.id());
  }

  @Test
  void insertTemplate_aDanglingEntryOfACrashedInsert_isTakenOver_butAStoredTemplateKeepsItsCode() {
    Keys keys = store.keys();
    UnifiedJedis j = clients.get(0);
    // an insert that died after taking the code and before storing its template
    j.hset(keys.codeIndex("GHOST1"), "GHOST1", "p|DEADID");
    assertThat(store.findTemplateIdByCode("GHOST1")).isEmpty();
    stored("LIVEID", spec(10, 1).sharedCode("GHOST1").build());
    assertThat(store.findTemplateIdByCode("GHOST1")).contains("LIVEID");
    assertThat(j.hget(keys.codeIndex("GHOST1"), "GHOST1")).isEqualTo("s|LIVEID");

    // an insert that died after storing its template and before confirming: the template has the code
    Template half = new Template("HALFID", spec(10, 1).sharedCode("HALF22").build(), TemplateStatus.CREATING, T0,
        null);
    j.hset(keys.codeIndex("HALF22"), "HALF22", "p|HALFID");
    j.hset(keys.meta("HALFID"), Map.of("json", half.toJson(), "status", "CREATING", "loaded", "0"));
    assertThat(store.findTemplateIdByCode("HALF22")).contains("HALFID");
    assertThatThrownBy(() -> store.insertTemplate(new Template("OTHER1", spec(10, 1).sharedCode("HALF22").build(),
        TemplateStatus.CREATING, T0, null)))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TEMPLATE));
    // its own retry finds its template stored: id taken, and the entry confirmed
    assertThat(store.insertTemplate(half)).isFalse();
    assertThat(j.hget(keys.codeIndex("HALF22"), "HALF22")).isEqualTo("s|HALFID");
  }

  @Test
  void insertTemplate_manyInsertsRacingForOneSharedCode_exactlyOneStored() throws Exception {
    int n = 16;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        RedisCouponStore s = i % 2 == 0 ? store : store(b -> b);
        Template t = new Template(String.format("RACE%02d", i), spec(10, 1).sharedCode("RACE-CODE").build(),
            TemplateStatus.CREATING, T0, null);
        fs.add(pool.submit(() -> {
          go.await();
          try {
            return s.insertTemplate(t);
          } catch (CouponException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TEMPLATE);
            return false;
          }
        }));
      }
      go.countDown();
      int stored = 0;
      for (Future<Boolean> f : fs) {
        stored += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(stored).isEqualTo(1);
      String owner = store.findTemplateIdByCode("RACE-CODE").orElseThrow();
      for (int i = 0; i < n; i++) {
        String id = String.format("RACE%02d", i);
        assertThat(store.findTemplate(id).isPresent()).as(id).isEqualTo(id.equals(owner));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- imports -------------------------------------------------------------------------------------------------

  @Test
  void importCodes_isIdempotent_evenAfterACrashBetweenIndexAndPool_andNeverPoolsAnIssuedCodeAgain() {
    Template t = stored("IMPAAA", spec(0, 100).externalCodes(CodeRules.ALPHANUMERIC).build());
    List<String> first = codes("IMPA", 1_000);
    assertThat(store.importCodes(t.id(), first)).isEqualTo(1_000);
    assertThat(store.importCodes(t.id(), first)).isZero();
    assertThat(store.remainingCodes(t.id())).isEqualTo(1_000);
    assertThat(store.findTemplate(t.id()).orElseThrow().addedCount()).isEqualTo(1_000);

    // a run that died after step 1 (index) and before step 2 (pool)
    List<String> second = codes("IMPB", 500);
    CodePool.Indexed indexed = store.pools().index(t.id(), second);
    assertThat(indexed.fresh()).hasSize(500);
    assertThat(store.findTemplateIdByCode(second.get(0))).contains(t.id());
    assertThat(store.remainingCodes(t.id())).isEqualTo(1_000);
    assertThat(store.importCodes(t.id(), second)).isEqualTo(500); // the re-run pools them
    assertThat(store.remainingCodes(t.id())).isEqualTo(1_500);

    // issue some codes, then re-run both steps: none comes back
    Set<String> issued = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      ClaimResult r = store.claim(claim(t, "imp-user", "k" + i));
      assertThat(r.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
      issued.add(r.coupon().orElseThrow().code());
    }
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    store.pools().index(t.id(), all);
    assertThat(store.importCodes(t.id(), all)).isZero();
    assertThat(store.remainingCodes(t.id())).isEqualTo(1_480);
    List<String> pooled = new ArrayList<>();
    store.scanPool(t.id(), 333, pooled::addAll);
    assertThat(pooled).hasSize(1_480).doesNotHaveDuplicates().doesNotContainAnyElementsOf(issued);
    assertThat(store.findTemplate(t.id()).orElseThrow().addedCount()).isEqualTo(1_500);
    assertThat(store.stats(t.id()).orElseThrow().remaining()).isEqualTo(1_480);

    // another template never gets them
    Template other = stored("IMPBBB", spec(0, 1).externalCodes(CodeRules.ALPHANUMERIC).build());
    assertThat(store.importCodes(other.id(), all.subList(0, 100))).isZero();
    assertThat(store.remainingCodes(other.id())).isZero();

    // an imported code is found and reserved like a generated one (its template comes from the index)
    Coupon c = store.claim(claim(t, "imp-user", "k-last")).coupon().orElseThrow();
    assertThat(store.findCouponByCode(c.code())).contains(c);
    assertThat(store.reserve(new ReserveCommand("imp-user", "order-imp", List.of(c.code()), T0,
        T0.plus(Duration.ofMinutes(15)))).outcome()).isEqualTo(RedemptionOutcome.RESERVED);
  }

  @Test
  void importCodes_poolTheCodesInTheOrderGiven() {
    List<String> shuffled = codes("ORD", 3_000);
    java.util.Collections.shuffle(shuffled, new java.util.Random(11));
    Template t = stored("ORDCLM", spec(0, 100).externalCodes(CodeRules.ALPHANUMERIC).build());
    assertThat(store.importCodes(t.id(), shuffled.subList(0, 2_000))).isEqualTo(2_000);
    store.pools().index(t.id(), shuffled.subList(2_000, 3_000)); // a run that died after step 1
    assertThat(store.importCodes(t.id(), shuffled)).isEqualTo(1_000);
    List<String> issued = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      issued.add(store.claim(claim(t, "ord-" + (i % 3), "k" + i)).coupon().orElseThrow().code());
    }
    assertThat(issued).isEqualTo(shuffled.subList(0, 60));
    List<String> entryCodes = codes("ORE", 3_000);
    java.util.Collections.shuffle(entryCodes, new java.util.Random(12));
    Template e = entryTemplate("ORDENT", 1, entryCodes);
    List<String> scanned = new ArrayList<>();
    store.scanPool(e.id(), 700, scanned::addAll);
    assertThat(scanned).isEqualTo(entryCodes);
  }

  @Test
  void importCodes_pastTheMaximumTotal_isRefused_andTakesBackItsIndexEntries() {
    Template t = stored("MAXAAA", spec(0, 1).externalCodes(CodeRules.ALPHANUMERIC).build());
    store.addToTotal(t.id(), TemplateSpec.MAX_TOTAL_COUNT - 1);
    assertThatThrownBy(() -> store.importCodes(t.id(), List.of("MAXCODE1", "MAXCODE2")))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThat(store.findTemplateIdByCode("MAXCODE1")).isEmpty();
    assertThat(store.findTemplateIdByCode("MAXCODE2")).isEmpty();
    assertThat(store.importCodes(t.id(), List.of("MAXCODE2"))).isEqualTo(1);
    assertThatThrownBy(() -> store.importCodes("NOSUCH", List.of("MAXCODE3")))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TEMPLATE_NOT_FOUND));
    assertThat(store.findTemplateIdByCode("MAXCODE3")).isEmpty();
  }

  // ---- code entry ----------------------------------------------------------------------------------------------

  @Test
  void claimCode_bindsThatCode_thenDuplicateTakenAndNotFound() {
    Template t = entryTemplate("ENTAAA", 2, codes("ENTA", 10));
    assertThat(store.stats(t.id()).orElseThrow().remaining()).isEqualTo(10);

    ClaimResult r = store.claimCode(entry(t, "alice", "k1", "ENTA0000003"));
    assertThat(r.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    Coupon c = r.coupon().orElseThrow();
    assertThat(c.code()).isEqualTo("ENTA0000003");
    assertThat(c.userId()).isEqualTo("alice");
    assertThat(store.remainingCodes(t.id())).isEqualTo(9);
    assertThat(store.findCouponsByUser("alice")).containsExactly(c);
    assertThat(store.findCouponByCode("ENTA0000003")).contains(c);

    // the same key, and the same code under another key: both DUPLICATE with that coupon
    assertThat(store.claimCode(entry(t, "alice", "k1", "ENTA0000003")).coupon()).contains(c);
    ClaimResult again = store.claimCode(entry(t, "alice", "k2", "ENTA0000003"));
    assertThat(again.outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
    assertThat(again.coupon()).contains(c);

    assertThat(store.claimCode(entry(t, "bob", "k1", "ENTA0000003")).outcome()).isEqualTo(ClaimOutcome.CODE_TAKEN);
    assertThat(store.claimCode(entry(t, "bob", "k2", "NOPE0000001")).outcome())
        .isEqualTo(ClaimOutcome.CODE_NOT_FOUND);
    assertThat(store.claimCode(entry(null, "bob", null, "NOPE0000002")).outcome())
        .isEqualTo(ClaimOutcome.CODE_NOT_FOUND);

    // the limit comes after the code checks
    assertThat(store.claimCode(entry(t, "alice", "k3", "ENTA0000004")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(store.claimCode(entry(t, "alice", "k4", "ENTA0000005")).outcome())
        .isEqualTo(ClaimOutcome.LIMIT_REACHED);
    assertThat(store.claimCode(entry(t, "alice", "k5", "ENTA0000003")).outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
    assertThat(store.stats(t.id()).orElseThrow().issued()).isEqualTo(2);
    assertThat(store.stats(t.id()).orElseThrow().remaining()).isEqualTo(8);

    // a paused template answers its status before any code check
    assertThat(store.updateTemplateStatus(t.id(), TemplateStatus.AVAILABLE, TemplateStatus.PAUSED, null)).isTrue();
    assertThat(store.claimCode(entry(t, "carol", "k1", "ENTA0000006")).outcome())
        .isEqualTo(ClaimOutcome.TEMPLATE_PAUSED);
  }

  @Test
  void claimCode_generatedCodesOfACodeEntryTemplate_areBoundByCode() {
    Template t = stored("GENENT", spec(5, 1).distribution(Distribution.CODE_ENTRY).build());
    List<String> codes = codes("GENC", 5);
    assertThat(store.appendCodes(t.id(), 0, codes.subList(0, 3))).isEqualTo(3);
    assertThat(store.appendCodes(t.id(), 0, codes.subList(0, 3))).isEqualTo(3);
    assertThat(store.appendCodes(t.id(), 3, codes.subList(3, 5))).isEqualTo(5);
    assertThat(store.remainingCodes(t.id())).isEqualTo(5);
    assertThat(store.claimCode(entry(t, "u1", "k", "GENC0000004")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    List<String> left = new ArrayList<>();
    store.scanPool(t.id(), 2, left::addAll);
    assertThat(left).containsExactly("GENC0000000", "GENC0000001", "GENC0000002", "GENC0000003");
    // generation batches are 10,000 codes: more than one ZADD can take
    Template big = stored("BIGENT", spec(20_000, 1).distribution(Distribution.CODE_ENTRY).build());
    assertThat(store.appendCodes(big.id(), 0, codes("BIGA", 10_000))).isEqualTo(10_000);
    assertThat(store.appendCodes(big.id(), 10_000, codes("BIGB", 10_000))).isEqualTo(20_000);
    assertThat(store.claimCode(entry(big, "u1", "k", "BIGB0009999")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    List<String> bigLeft = new ArrayList<>();
    store.scanPool(big.id(), 4_096, bigLeft::addAll);
    assertThat(bigLeft).hasSize(19_999).doesNotHaveDuplicates().doesNotContain("BIGB0009999");
    assertThat(bigLeft.get(0)).isEqualTo("BIGA0000000");
    // a code of a CLAIM template is never bound by entry
    Template plain = stored("PLAINT", spec(5, 1).build());
    store.appendCodes(plain.id(), 0, codes("PLNC", 5));
    assertThat(store.claimCode(entry(plain, "u1", "k", "PLNC0000000")).outcome())
        .isEqualTo(ClaimOutcome.CODE_NOT_FOUND);
  }

  @Test
  void claimCode_32ThreadsEnterOneCode_oneClaimed_theOthersTaken() throws Exception {
    Template t = entryTemplate("RACEEN", 1, codes("RACE", 5));
    RedisCouponStore other = store(b -> b);
    int n = 32;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<ClaimResult>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        RedisCouponStore s = i % 2 == 0 ? store : other;
        CodeClaimCommand e = entry(t, "user-" + i, "k", "RACE0000002");
        fs.add(pool.submit(() -> {
          go.await();
          return s.claimCode(e);
        }));
      }
      go.countDown();
      Map<ClaimOutcome, Integer> outcomes = new HashMap<>();
      for (Future<ClaimResult> f : fs) {
        outcomes.merge(f.get(30, TimeUnit.SECONDS).outcome(), 1, Integer::sum);
      }
      assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(
          Map.of(ClaimOutcome.CLAIMED, 1, ClaimOutcome.CODE_TAKEN, n - 1));
      assertThat(store.remainingCodes(t.id())).isEqualTo(4);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void claimCode_failureLimit_exactUnderConcurrencyAcrossTwoStores_andARetriedKeyStillAnswersDuplicate()
      throws Exception {
    Template t = entryTemplate("LIMENT", 100, codes("LIME", 40));
    RedisCouponStore other = store(b -> b);
    // a success first: its retry must stay DUPLICATE once the user is at the limit
    Coupon first = store.claimCode(entry(t, "mallory", "ok", "LIME0000000")).coupon().orElseThrow();
    int n = 64;
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<ClaimResult>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        RedisCouponStore s = i % 2 == 0 ? store : other;
        // three kinds of failure: a code in no pool, no template at all, a code someone holds
        CodeClaimCommand e = switch (i % 3) {
          case 0 -> entry(t, "mallory", "bad" + i, "NOPE" + String.format("%07d", i));
          case 1 -> entry(null, "mallory", null, "NOPE" + String.format("%07d", i));
          default -> entry(t, "mallory", "bad" + i, "LIME0000000");
        };
        fs.add(pool.submit(() -> {
          go.await();
          return s.claimCode(e);
        }));
      }
      go.countDown();
      int failures = 0;
      int others = 0;
      for (Future<ClaimResult> f : fs) {
        ClaimOutcome o = f.get(30, TimeUnit.SECONDS).outcome();
        // the holder's own code answers DUPLICATE (not a failure) when it gets past the limit
        assertThat(o).isIn(ClaimOutcome.CODE_NOT_FOUND, ClaimOutcome.CODE_TAKEN, ClaimOutcome.DUPLICATE,
            ClaimOutcome.TOO_MANY_ATTEMPTS);
        if (o == ClaimOutcome.CODE_NOT_FOUND || o == ClaimOutcome.CODE_TAKEN) {
          failures++;
        } else {
          others++;
        }
      }
      assertThat(failures).isLessThanOrEqualTo(5);
      assertThat(failures + others).isEqualTo(n);
      // an entry is refused while others hold a reservation they give back later: after the race, the rest of the
      // allowance is still there, and never more
      for (int i = 0; store.claimCode(entry(null, "mallory", null, "MORE" + i)).outcome()
          == ClaimOutcome.CODE_NOT_FOUND; i++) {
        failures++;
      }
      assertThat(failures).isEqualTo(5);
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.claimCode(entry(t, "mallory", "late", "LIME0000001")).outcome())
        .isEqualTo(ClaimOutcome.TOO_MANY_ATTEMPTS);
    assertThat(store.claimCode(entry(t, "mallory", "ok", "LIME0000000")).coupon()).contains(first);
    // another user is not affected; the next window starts again
    assertThat(other.claimCode(entry(t, "trent", "k", "LIME0000001")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    CodeClaimCommand next = new CodeClaimCommand("mallory", null, "NOPE9", 5, Duration.ofMinutes(10),
        T0.plus(Duration.ofMinutes(10)));
    assertThat(other.claimCode(next).outcome()).isEqualTo(ClaimOutcome.CODE_NOT_FOUND);
  }

  @Test
  void claimCode_sharedCode_claimsFromThePool_andTheLimitRefusesOnlyNewKeys() {
    Template t = stored("SHRPOL", spec(3, 1).sharedCode("POOL-CODE").build());
    store.appendCodes(t.id(), 0, codes("SHRP", 3));
    ClaimResult r = store.claimCode(entry(t, "dave", "k1", null));
    assertThat(r.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(r.coupon().orElseThrow().code()).isEqualTo("SHRP0000000");
    assertThat(store.claimCode(entry(t, "dave", "k2", null)).outcome()).isEqualTo(ClaimOutcome.LIMIT_REACHED);
    for (int i = 0; i < 5; i++) {
      assertThat(store.claimCode(entry(null, "dave", null, "WRONG")).outcome()).isEqualTo(ClaimOutcome.CODE_NOT_FOUND);
    }
    assertThat(store.claimCode(entry(t, "dave", "k3", null)).outcome()).isEqualTo(ClaimOutcome.TOO_MANY_ATTEMPTS);
    assertThat(store.claimCode(entry(t, "dave", "k1", null)).coupon()).isEqualTo(r.coupon());
  }

  // ---- scanPool ------------------------------------------------------------------------------------------------

  @Test
  void scanPool_passesEveryCodeThatStaysExactlyOnce_whileClaimsRun() throws Exception {
    Template list = stored("SCANLS", spec(20_000, 1).build());
    for (int off = 0; off < 20_000; off += 5_000) {
      store.appendCodes(list.id(), off, codes("SCL" + off / 5_000, 5_000));
    }
    Template entry = entryTemplate("SCANEN", 1, codes("SCE", 5_000));
    List<String> entryCodes = codes("SCE", 5_000);
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> claimers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int worker = w;
        claimers.add(pool.submit(() -> {
          for (int i = 0; !stop.get() && i < 2_000; i++) {
            String user = "scan-" + worker + "-" + i;
            store.claim(claim(list, user, "k"));
            store.claimCode(entry(entry, user, "k", entryCodes.get((worker * 1_250 + i) % 5_000)));
          }
          return null;
        }));
      }
      for (Template t : List.of(list, entry)) {
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        store.scanPool(t.id(), 97, batch -> batch.forEach(c -> seen.merge(c, 1, Integer::sum)));
        List<String> left = new ArrayList<>();
        store.scanPool(t.id(), 1_000, left::addAll);
        assertThat(seen.values()).allMatch(v -> v == 1);
        assertThat(seen.keySet()).containsAll(left); // every code still in the pool was passed
      }
      stop.set(true);
      for (Future<?> f : claimers) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
  }

  // ---- grant ---------------------------------------------------------------------------------------------------

  @Test
  void grant_keysAreKeptForGood_andUsersSeeTheirCoupons() throws Exception {
    RedisCouponStore shortKeys = store(b -> b.idempotencyTtl(Duration.ofSeconds(1)));
    Template t = stored("GRANTK", spec(100, 1).build());
    shortKeys.appendCodes(t.id(), 0, codes("GRK", 100));
    List<ClaimCommand> cmds = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      assertThat(shortKeys.findCouponsByUser("g-" + i)).isEmpty(); // cached as empty
      cmds.add(claim(t, "g-" + i, "grant-2026"));
    }
    List<ClaimResult> first = shortKeys.grant(cmds);
    assertThat(first).extracting(ClaimResult::outcome).containsOnly(ClaimOutcome.CLAIMED);
    for (int i = 0; i < 10; i++) {
      assertThat(shortKeys.findCouponsByUser("g-" + i)).containsExactly(first.get(i).coupon().orElseThrow());
    }
    Thread.sleep(2_100); // past the 1-second TTL a claim's key would have
    List<ClaimCommand> rerun = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rerun.add(claim(t, "g-" + i, "grant-2026"));
    }
    List<ClaimResult> second = shortKeys.grant(rerun);
    for (int i = 0; i < 10; i++) {
      assertThat(second.get(i).outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
      assertThat(second.get(i).coupon()).isEqualTo(first.get(i).coupon());
    }
    assertThat(shortKeys.remainingCodes(t.id())).isEqualTo(90);
  }

  @Test
  void grant_runsOutOfCodes_soldOutForTheRest_andLimitReachedForUsersAtTheLimit() {
    Template t = stored("GRANTS", spec(10, 1).build());
    store.appendCodes(t.id(), 0, codes("GRS", 10));
    assertThat(store.claim(claim(t, "u-0", "own")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    List<ClaimCommand> cmds = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      cmds.add(claim(t, "u-" + i, "grant"));
    }
    List<ClaimResult> r = store.grant(cmds);
    assertThat(r.get(0).outcome()).isEqualTo(ClaimOutcome.LIMIT_REACHED);
    for (int i = 1; i <= 9; i++) {
      assertThat(r.get(i).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
      assertThat(r.get(i).coupon().orElseThrow().code()).isEqualTo(String.format("GRS%07d", i));
    }
    for (int i = 10; i < 1_200; i++) {
      assertThat(r.get(i).outcome()).as("command %d", i).isEqualTo(ClaimOutcome.SOLD_OUT);
    }
    assertThat(store.stats(t.id()).orElseThrow().issued()).isEqualTo(10);
    assertThat(store.remainingCodes(t.id())).isZero();
    // mixed templates in one call: each keeps its order
    Template t2 = stored("GRANT2", spec(5, 2).build());
    store.appendCodes(t2.id(), 0, codes("GRT", 5));
    List<ClaimResult> mixed = store.grant(List.of(claim(t2, "m", "a"), claim(t, "m", "a"), claim(t2, "m", "b"),
        claim(t2, "m", "c"), claim(t2, "m", "a")));
    assertThat(mixed).extracting(ClaimResult::outcome).containsExactly(ClaimOutcome.CLAIMED, ClaimOutcome.SOLD_OUT,
        ClaimOutcome.CLAIMED, ClaimOutcome.LIMIT_REACHED, ClaimOutcome.DUPLICATE);
    assertThat(mixed.get(4).coupon()).isEqualTo(mixed.get(0).coupon());
  }

  @Test
  void grant_refusesLikeClaim_forUnknownPausedAndClosedTemplates() {
    Template t = stored("GRANTP", spec(10, 1).build());
    store.appendCodes(t.id(), 0, codes("GRP", 10));
    ClaimCommand closed = new ClaimCommand(t.id(), "w", "k", "cpn-w", 1, T0, T0.plus(Duration.ofDays(1)), null,
        null, T0);
    Template ghost = new Template("GHOSTT", spec(1, 1).build(), TemplateStatus.AVAILABLE, T0, null);
    assertThat(store.grant(List.of(closed, claim(ghost, "w", "k")))).extracting(ClaimResult::outcome)
        .containsExactly(ClaimOutcome.CLAIM_CLOSED, ClaimOutcome.TEMPLATE_NOT_FOUND);
    store.updateTemplateStatus(t.id(), TemplateStatus.AVAILABLE, TemplateStatus.PAUSED, null);
    assertThat(store.grant(List.of(claim(t, "w", "k"))).get(0).outcome()).isEqualTo(ClaimOutcome.TEMPLATE_PAUSED);
    assertThat(new ConcurrentLinkedQueue<>(store.grant(List.of()))).isEmpty();
  }
}
