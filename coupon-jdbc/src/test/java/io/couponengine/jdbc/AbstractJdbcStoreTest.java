package io.couponengine.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.OrderStatus;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.error.Violation;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.EventType;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CodeClaimCommand;
import io.couponengine.spi.CouponStore;
import io.couponengine.spi.ReserveCommand;
import io.couponengine.template.CodeRules;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Distribution;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStats;
import io.couponengine.template.TemplateStatus;
import io.couponengine.template.Validity;
import io.couponengine.testing.CouponStoreContractTest;
import io.couponengine.testing.Specs;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The contract suite plus JDBC-specific tests, run against one database per subclass. Each test gets its own table
 * prefix, dropped afterwards; {@link #newStoreSharingWith} opens a separate pool to the same database, as another
 * application instance would.
 */
abstract class AbstractJdbcStoreTest extends CouponStoreContractTest {
  private final List<HikariDataSource> pools = new ArrayList<>();
  private String prefix;

  /** The database URL (the subclass has checked in {@code @BeforeAll} that there is one). */
  protected abstract String url();

  protected abstract Dialect expectedDialect();

  protected int poolSize() {
    return 12;
  }

  protected HikariDataSource newPool() {
    HikariDataSource ds = TestDatabases.pool(url(), poolSize());
    pools.add(ds);
    return ds;
  }

  @Override
  protected CouponStore newStore() {
    prefix = "ct" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL) + "_";
    JdbcCouponStore s = JdbcCouponStore.builder(newPool()).tablePrefix(prefix).build();
    createTables(s);
    return s;
  }

  /**
   * Creates the tables of a new store's prefix: {@link JdbcCouponStore#createSchema()} here; the PostgreSQL and
   * MariaDB suites run the shipped Flyway migrations instead ({@link FlywaySchemas}), the Flyway tests prove both
   * give the same catalog.
   */
  protected void createTables(JdbcCouponStore s) {
    s.createSchema();
  }

  /** Drops what {@link #createTables} created. */
  protected void dropTables(JdbcCouponStore s) {
    s.dropSchema();
  }

  @Override
  protected CouponStore newStoreSharingWith(CouponStore store) {
    return JdbcCouponStore.builder(newPool()).tablePrefix(prefix).build();
  }

  @Override
  protected void cleanUp(CouponStore store) {
    try {
      dropTables((JdbcCouponStore) store);
    } finally {
      pools.forEach(HikariDataSource::close);
      pools.clear();
    }
  }

  protected JdbcCouponStore jdbc() {
    return (JdbcCouponStore) store;
  }

  // ---- JDBC-specific -------------------------------------------------------------------------------------------

  protected int userCount(String templateId, String userId) throws SQLException {
    try (Connection c = jdbc().dataSource().getConnection();
         PreparedStatement ps = c.prepareStatement(
             "SELECT claimed FROM " + jdbc().tablePrefix() + "user_claims WHERE template_id = ? AND user_id = ?")) {
      ps.setString(1, templateId);
      ps.setString(2, userId);
      try (ResultSet rs = ps.executeQuery()) {
        int n = rs.next() ? rs.getInt(1) : 0;
        c.rollback();
        return n;
      }
    }
  }

  @Test
  void dialect_isDetected() {
    assertThat(jdbc().dialect()).isEqualTo(expectedDialect());
  }

  static final List<String> NASTY = List.of("'; DROP TABLE x; --", "/* */", "a'b\"c;--d", "\\'; --",
      "x /* y */ z", "trailing ", "UPPER", "upper");

  @Test
  void badInput_isStoredAndReadBackVerbatim() {
    TemplateSpec spec = TemplateSpec.builder()
        .name("'; DROP TABLE x; -- /* */")
        .category(CouponCategory.THRESHOLD)
        .productLine("mall")
        .totalCount(20)
        .perUserLimit(100)
        .validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")))
        .scope(Scope.goodsTypes("digital", "books"))
        .build();
    Template t = new Template("NASTY2", spec, TemplateStatus.AVAILABLE, T0, "it's /* broken */ --");
    assertThat(store.insertTemplate(t)).isTrue();
    assertThat(store.findTemplate("NASTY2")).contains(t);
    assertThat(store.appendCodes(t.id(), 0, NASTY)).isEqualTo(NASTY.size());
    List<Coupon> issued = new ArrayList<>();
    for (int i = 0; i < NASTY.size(); i++) {
      String user = NASTY.get(i);
      String key = NASTY.get((i + 1) % NASTY.size());
      ClaimResult r = store.claim(new ClaimCommand(t.id(), user, key, "id-" + user, 100, T0, T0.plusSeconds(60)));
      assertThat(r.outcome()).as(user).isEqualTo(ClaimOutcome.CLAIMED);
      issued.add(r.couponOrNull());
      ClaimResult again = store.claim(new ClaimCommand(t.id(), user, key, "other", 100, T0, T0.plusSeconds(60)));
      assertThat(again.outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
      assertThat(again.couponOrNull()).isEqualTo(r.couponOrNull());
    }
    for (Coupon c : issued) {
      assertThat(store.findCouponsByUser(c.userId())).containsExactly(c);
      assertThat(store.findCouponByCode(c.code())).contains(c);
      assertThat(NASTY).contains(c.code());
    }
    assertThat(issued).extracting(Coupon::code).containsExactlyInAnyOrderElementsOf(NASTY);
    assertThat(store.findCouponsByUser("'; DROP TABLE x; -- ")).isEmpty();
    assertThat(store.remainingCodes(t.id())).isZero();
  }

  /** The stored code_key column, read directly. */
  private String storedCodeKey(String templateId) throws SQLException {
    try (Connection c = jdbc().dataSource().getConnection();
         PreparedStatement ps = c.prepareStatement(
             "SELECT code_key FROM " + jdbc().tablePrefix() + "templates WHERE id = ?")) {
      ps.setString(1, templateId);
      try (ResultSet rs = ps.executeQuery()) {
        String key = rs.next() ? rs.getString(1) : null;
        c.rollback();
        return key;
      }
    }
  }

  @Test
  void codeKey_isStoredOnce_theFirstProposalWins_andStaysOutOfTheTemplate() throws Exception {
    Template t = new Template("KEYTPL", Specs.threshold(10, 1), TemplateStatus.CREATING, T0, null);
    assertThat(store.insertTemplate(t)).isTrue();
    assertThat(storedCodeKey(t.id())).isNull();
    String first = "0123456789abcdef0123456789abcdef";
    String second = "fedcba9876543210fedcba9876543210";
    assertThat(store.codeKey(t.id(), first)).isEqualTo(first);
    assertThat(store.codeKey(t.id(), second)).isEqualTo(first);
    CouponStore other = newStoreSharingWith(store);
    assertThat(other.codeKey(t.id(), second)).isEqualTo(first);
    assertThat(storedCodeKey(t.id())).isEqualTo(first);
    assertThat(store.findTemplate(t.id())).contains(t);
    assertThat(store.findTemplate(t.id()).orElseThrow().toJson()).doesNotContain(first);
    assertThatThrownBy(() -> store.codeKey("NOSUCH", first)).isInstanceOfSatisfying(CouponException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.TEMPLATE_NOT_FOUND));
    // racing proposals on a fresh template from two pools: every one answers the same stored key
    Template u = new Template("KEYTP2", Specs.threshold(10, 1), TemplateStatus.CREATING, T0, null);
    assertThat(store.insertTemplate(u)).isTrue();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        CouponStore s = i % 2 == 0 ? store : other;
        String proposal = String.format("%032x", i + 1);
        answers.add(pool.submit(() -> {
          go.await();
          return s.codeKey(u.id(), proposal);
        }));
      }
      go.countDown();
      List<String> seen = new ArrayList<>();
      for (Future<String> a : answers) {
        seen.add(a.get(60, TimeUnit.SECONDS));
      }
      String stored = storedCodeKey(u.id());
      assertThat(stored).isNotNull();
      assertThat(seen).containsOnly(stored);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void addToTotal_keepsTheLoadedCount_fromTheLoadedColumn_notThePool() {
    Template t = new Template("ADDTPL", Specs.threshold(4, 1), TemplateStatus.AVAILABLE, T0, null);
    assertThat(store.insertTemplate(t)).isTrue();
    store.appendCodes(t.id(), 0, List.of("AD-0", "AD-1", "AD-2", "AD-3"));
    assertThat(store.claim(new ClaimCommand(t.id(), "u", "k", "c0", 1, T0, EXPIRES)).outcome())
        .isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(store.addToTotal(t.id(), 0)).isEqualTo(4);
    assertThat(store.addToTotal(t.id(), 2)).isEqualTo(4);
    assertThat(store.findTemplate(t.id()).orElseThrow().addedCount()).isEqualTo(2);
    assertThat(store.findTemplates(TemplateStatus.AVAILABLE)).extracting(Template::totalCount).containsExactly(6L);
    // a batch at the loaded count goes in, a retried one is ignored, one past it is a CONFLICT
    assertThat(store.appendCodes(t.id(), 4, List.of("AD-4", "AD-5"))).isEqualTo(6);
    assertThat(store.appendCodes(t.id(), 4, List.of("AD-4", "AD-5"))).isEqualTo(6);
    assertThatThrownBy(() -> store.appendCodes(t.id(), 7, List.of("AD-7"))).isInstanceOfSatisfying(
        CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThat(store.remainingCodes(t.id())).isEqualTo(5);
    // the total stays at most MAX_TOTAL_COUNT
    long room = TemplateSpec.MAX_TOTAL_COUNT - 6;
    assertThatThrownBy(() -> store.addToTotal(t.id(), room + 1)).isInstanceOfSatisfying(CouponException.class,
        e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.violations()).extracting(Violation::field).containsExactly("count");
        });
    assertThat(store.addToTotal(t.id(), room)).isEqualTo(6);
    assertThat(store.findTemplate(t.id()).orElseThrow().totalCount()).isEqualTo(TemplateSpec.MAX_TOTAL_COUNT);
    assertThatThrownBy(() -> store.addToTotal("NOSUCH", 1)).isInstanceOfSatisfying(CouponException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.TEMPLATE_NOT_FOUND));
  }

  @Test
  void eventApplier_sameEventTwice_changesOnce() throws SQLException {
    JdbcEventApplier applier = new JdbcEventApplier(jdbc());
    Coupon c = new Coupon("ev-1", "EVCODE-1", "EVTPL1", "u'; --", T0, T0.plus(Duration.ofDays(7)),
        CouponStatus.USABLE, null);
    CouponEvent claimed = CouponEvent.ofCoupon(EventType.CLAIMED, T0, c);
    assertThat(applier.apply(claimed)).isTrue();
    assertThat(applier.apply(claimed)).isFalse();
    applier.onEvent(claimed);
    assertThat(store.findCouponsByUser("u'; --")).containsExactly(c);

    Coupon reserved = c.withStatus(CouponStatus.RESERVED, "o-1");
    CouponEvent res = CouponEvent.ofOrder(EventType.RESERVED, T0.plusSeconds(1), "o-1", c.userId(),
        List.of(reserved));
    assertThat(applier.apply(res)).isTrue();
    assertThat(applier.apply(res)).isFalse();
    assertThat(store.findCouponByCode(c.code())).contains(reserved);

    Coupon used = c.withStatus(CouponStatus.USED, "o-1");
    CouponEvent committed = CouponEvent.ofOrder(EventType.COMMITTED, T0.plusSeconds(2), "o-1", c.userId(),
        List.of(used));
    assertThat(applier.apply(committed)).isTrue();
    // a late redelivery of RESERVED must not move the coupon back
    assertThat(applier.apply(res)).isFalse();
    assertThat(applier.apply(committed)).isFalse();
    assertThat(store.findCouponByCode(c.code())).contains(used);
    assertThat(store.commit("o-1", T0.plusSeconds(3)).orderStatus()).isEqualTo(OrderStatus.COMMITTED);
    assertThat(store.commit("o-1", T0.plusSeconds(3)).replayed()).isTrue();

    Coupon other = new Coupon("ev-2", "EVCODE-2", "EVTPL1", "u'; --", T0, T0.plusSeconds(5), CouponStatus.USABLE,
        null);
    applier.apply(CouponEvent.ofCoupon(EventType.CLAIMED, T0, other));
    CouponEvent expired = CouponEvent.ofCoupon(EventType.EXPIRED, T0.plusSeconds(5),
        other.withStatus(CouponStatus.EXPIRED, null));
    assertThat(applier.apply(expired)).isTrue();
    assertThat(applier.apply(expired)).isFalse();
    assertThat(store.findCouponsByUser("u'; --")).containsExactly(used, other.withStatus(CouponStatus.EXPIRED, null));
    // the user's counter saw two claims, once each
    assertThat(userCount("EVTPL1", "u'; --")).isEqualTo(2);
  }

  // ---- promotion calendar: claim windows, PAUSED, validFrom, late commit, revert ------------------------------

  private static final Instant EXPIRES = T0.plus(Duration.ofDays(7));

  /** An AVAILABLE template with {@code codes} codes {@code <id>-0, <id>-1, ...} in its pool. */
  protected Template available(String id, int codes) {
    Template t = new Template(id, Specs.threshold(codes, 5), TemplateStatus.AVAILABLE, T0, null);
    assertThat(store.insertTemplate(t)).isTrue();
    List<String> pool = new ArrayList<>();
    for (int i = 0; i < codes; i++) {
      pool.add(id + "-" + i);
    }
    assertThat(store.appendCodes(id, 0, pool)).isEqualTo(codes);
    return t;
  }

  private static ClaimCommand claimAt(String templateId, String user, String key, Instant at, Instant validFrom,
      Instant claimFrom, Instant claimUntil) {
    return new ClaimCommand(templateId, user, key, "id-" + user + "-" + key, 5, at, EXPIRES, validFrom, claimFrom,
        claimUntil);
  }

  private static ReserveCommand reserveCmd(String user, String orderId, Instant now, String... codes) {
    return new ReserveCommand(user, orderId, List.of(codes), now, now.plus(Duration.ofMinutes(15)));
  }

  @Test
  void claimWindow_refusesOutside_afterKeyAndStatus() throws SQLException {
    Template t = available("WIN1", 10);
    Instant from = T0.plusSeconds(3600);
    Instant until = T0.plusSeconds(7200);
    assertThat(store.claim(claimAt(t.id(), "u1", "k1", T0, null, from, until)).outcome())
        .isEqualTo(ClaimOutcome.NOT_STARTED);
    assertThat(store.claim(claimAt(t.id(), "u1", "k1", until, null, from, until)).outcome())
        .isEqualTo(ClaimOutcome.CLAIM_CLOSED);
    assertThat(store.claim(claimAt(t.id(), "u1", "k1", until.plusSeconds(1), null, null, until)).outcome())
        .isEqualTo(ClaimOutcome.CLAIM_CLOSED);
    // nothing was taken or counted by the refusals
    assertThat(userCount(t.id(), "u1")).isZero();
    assertThat(store.remainingCodes(t.id())).isEqualTo(10);
    assertThat(store.findCouponsByUser("u1")).isEmpty();

    ClaimResult inside = store.claim(claimAt(t.id(), "u1", "k1", from, null, from, until));
    assertThat(inside.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    // a retried key answers DUPLICATE after the window closed, and before it opened
    ClaimResult late = store.claim(claimAt(t.id(), "u1", "k1", until.plusSeconds(60), null, from, until));
    assertThat(late.outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
    assertThat(late.couponOrNull()).isEqualTo(inside.couponOrNull());
    assertThat(store.claim(claimAt(t.id(), "u1", "k1", T0, null, from, until)).outcome())
        .isEqualTo(ClaimOutcome.DUPLICATE);
    // a new key after the window: CLAIM_CLOSED, the count stays at the one claim
    assertThat(store.claim(claimAt(t.id(), "u1", "k2", until, null, from, until)).outcome())
        .isEqualTo(ClaimOutcome.CLAIM_CLOSED);
    assertThat(userCount(t.id(), "u1")).isEqualTo(1);
    assertThat(store.remainingCodes(t.id())).isEqualTo(9);
  }

  @Test
  void pausedTemplate_answersTemplatePaused_beforeTheWindow_andResumes() {
    Template t = available("PAU1", 10);
    ClaimResult first = store.claim(claimAt(t.id(), "u1", "k1", T0, null, null, null));
    assertThat(first.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(store.updateTemplateStatus(t.id(), TemplateStatus.AVAILABLE, TemplateStatus.PAUSED, null)).isTrue();
    assertThat(store.findTemplate(t.id()).orElseThrow().status()).isEqualTo(TemplateStatus.PAUSED);
    assertThat(store.findTemplates(TemplateStatus.PAUSED)).extracting(Template::id).containsExactly(t.id());
    assertThat(store.claim(claimAt(t.id(), "u2", "k2", T0, null, null, null)).outcome())
        .isEqualTo(ClaimOutcome.TEMPLATE_PAUSED);
    // the status comes before the window
    assertThat(store.claim(claimAt(t.id(), "u2", "k2", T0, null, null, T0)).outcome())
        .isEqualTo(ClaimOutcome.TEMPLATE_PAUSED);
    // the key comes before the status
    assertThat(store.claim(claimAt(t.id(), "u1", "k1", T0, null, null, null))).isEqualTo(
        ClaimResult.duplicate(first.couponOrNull()));
    // a second pause is a failed compare-and-set; coupons held stay usable
    assertThat(store.updateTemplateStatus(t.id(), TemplateStatus.AVAILABLE, TemplateStatus.PAUSED, null)).isFalse();
    assertThat(store.reserve(reserveCmd("u1", "o-pau", T0, first.couponOrNull().code())).outcome())
        .isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(store.updateTemplateStatus(t.id(), TemplateStatus.PAUSED, TemplateStatus.AVAILABLE, null)).isTrue();
    assertThat(store.claim(claimAt(t.id(), "u2", "k2", T0, null, null, null)).outcome())
        .isEqualTo(ClaimOutcome.CLAIMED);
  }

  @Test
  void validFrom_isStoredAndReadBack_truncatedToMicros() {
    Template t = available("VF1", 10);
    Instant validFrom = T0.plus(Duration.ofDays(1)).plusNanos(123_456_789);
    ClaimResult r = store.claim(claimAt(t.id(), "u1", "k1", T0, validFrom, null, null));
    assertThat(r.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    Coupon c = r.couponOrNull();
    assertThat(c.validFrom()).isEqualTo(T0.plus(Duration.ofDays(1)).plusNanos(123_456_000));
    assertThat(c.statusAt(T0)).isEqualTo(CouponStatus.PENDING);
    assertThat(c.statusAt(validFrom)).isEqualTo(CouponStatus.USABLE);
    assertThat(store.findCouponsByUser("u1")).containsExactly(c);
    assertThat(store.findCouponByCode(c.code())).contains(c);
    assertThat(store.claim(claimAt(t.id(), "u1", "k1", T0, validFrom, null, null)))
        .isEqualTo(ClaimResult.duplicate(c));
    // and without a start: null
    Coupon rolling = store.claim(claimAt(t.id(), "u1", "k2", T0, null, null, null)).couponOrNull();
    assertThat(rolling.validFrom()).isNull();
    assertThat(store.findCouponByCode(rolling.code()).orElseThrow().validFrom()).isNull();
  }

  @Test
  void reserve_beforeValidFrom_isNotYetValid_inCodeOrder() {
    Template t = available("NYV1", 10);
    Instant validFrom = T0.plus(Duration.ofDays(1));
    Coupon pending = store.claim(claimAt(t.id(), "u1", "k1", T0, validFrom, null, null)).couponOrNull();
    Coupon now = store.claim(claimAt(t.id(), "u1", "k2", T0, null, null, null)).couponOrNull();
    RedemptionResult r = store.reserve(reserveCmd("u1", "o-1", T0, now.code(), pending.code()));
    assertThat(r.outcome()).isEqualTo(RedemptionOutcome.NOT_YET_VALID);
    assertThat(r.offendingCode()).isEqualTo(pending.code());
    // EXPIRED is checked before NOT_YET_VALID per code, but codes are judged in the command's order
    Instant afterExpiry = EXPIRES;
    assertThat(store.reserve(reserveCmd("u1", "o-1", afterExpiry, pending.code(), now.code())).outcome())
        .isEqualTo(RedemptionOutcome.EXPIRED);
    // nothing was taken
    assertThat(store.findCouponByCode(now.code()).orElseThrow().status()).isEqualTo(CouponStatus.USABLE);
    assertThat(store.commit("o-1", T0).outcome()).isEqualTo(RedemptionOutcome.ORDER_NOT_FOUND);
    RedemptionResult ok = store.reserve(reserveCmd("u1", "o-1", validFrom, now.code(), pending.code()));
    assertThat(ok.outcome()).isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(ok.coupons()).extracting(Coupon::validFrom).containsExactly(null, validFrom);
  }

  @Test
  void lateCommit_ofReleasedOrder_retakesUsableCoupons() {
    Template t = available("LC1", 10);
    Coupon a = store.claim(claimAt(t.id(), "u1", "k1", T0, null, null, null)).couponOrNull();
    Coupon b = store.claim(claimAt(t.id(), "u1", "k2", T0, null, null, null)).couponOrNull();
    assertThat(store.reserve(reserveCmd("u1", "o-1", T0, b.code(), a.code())).outcome())
        .isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(store.release("o-1", T0.plusSeconds(900)).outcome()).isEqualTo(RedemptionOutcome.RELEASED);

    RedemptionResult late = store.commit("o-1", T0.plusSeconds(1000));
    assertThat(late.outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
    assertThat(late.replayed()).isFalse();
    assertThat(late.orderStatus()).isEqualTo(OrderStatus.COMMITTED);
    assertThat(late.coupons()).containsExactly(b.withStatus(CouponStatus.USED, "o-1"),
        a.withStatus(CouponStatus.USED, "o-1"));
    assertThat(store.findCouponsByUser("u1")).containsExactly(a.withStatus(CouponStatus.USED, "o-1"),
        b.withStatus(CouponStatus.USED, "o-1"));
    RedemptionResult again = store.commit("o-1", T0.plusSeconds(1001));
    assertThat(again.outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
    assertThat(again.replayed()).isTrue();
    assertThat(store.release("o-1", T0.plusSeconds(1002)).outcome()).isEqualTo(RedemptionOutcome.ORDER_CONFLICT);
  }

  @Test
  void lateCommit_whenACouponIsGone_isOrderExpired_andTakesNothing() {
    Template t = available("LC2", 10);
    Coupon a = store.claim(claimAt(t.id(), "u1", "k1", T0, null, null, null)).couponOrNull();
    Coupon b = store.claim(claimAt(t.id(), "u1", "k2", T0, null, null, null)).couponOrNull();
    store.reserve(reserveCmd("u1", "o-1", T0, a.code(), b.code()));
    store.release("o-1", T0);
    // b is taken by another order meanwhile
    assertThat(store.reserve(reserveCmd("u1", "o-2", T0, b.code())).outcome()).isEqualTo(RedemptionOutcome.RESERVED);
    RedemptionResult r = store.commit("o-1", T0.plusSeconds(10));
    assertThat(r.outcome()).isEqualTo(RedemptionOutcome.ORDER_EXPIRED);
    assertThat(r.orderStatus()).isEqualTo(OrderStatus.RELEASED);
    assertThat(store.findCouponByCode(a.code())).contains(a);
    assertThat(store.findCouponByCode(b.code())).contains(b.withStatus(CouponStatus.RESERVED, "o-2"));
    // o-2 goes; o-1 could now be committed, but not once its coupons' window has passed
    store.release("o-2", T0);
    assertThat(store.commit("o-1", EXPIRES).outcome()).isEqualTo(RedemptionOutcome.ORDER_EXPIRED);
    assertThat(store.findCouponByCode(a.code())).contains(a);
    assertThat(store.findCouponByCode(b.code())).contains(b);
    // a coupon swept to EXPIRED: the same
    store.expireCoupon(b, EXPIRES);
    assertThat(store.commit("o-1", T0.plusSeconds(20)).outcome()).isEqualTo(RedemptionOutcome.ORDER_EXPIRED);
    assertThat(store.findCouponByCode(a.code())).contains(a);
  }

  @Test
  void revert_ofCommittedOrder_givesCouponsBack_once() throws SQLException {
    Template t = available("RV1", 10);
    Coupon a = store.claim(claimAt(t.id(), "u1", "k1", T0, null, null, null)).couponOrNull();
    Coupon b = store.claim(claimAt(t.id(), "u1", "k2", T0, null, null, null)).couponOrNull();
    assertThat(store.revert("o-none", T0).outcome()).isEqualTo(RedemptionOutcome.ORDER_NOT_FOUND);
    store.reserve(reserveCmd("u1", "o-1", T0, a.code(), b.code()));
    RedemptionResult reserved = store.revert("o-1", T0);
    assertThat(reserved.outcome()).isEqualTo(RedemptionOutcome.NOT_COMMITTED);
    assertThat(reserved.orderStatus()).isEqualTo(OrderStatus.RESERVED);
    assertThat(store.commit("o-1", T0).outcome()).isEqualTo(RedemptionOutcome.COMMITTED);

    RedemptionResult r = store.revert("o-1", T0.plusSeconds(60));
    assertThat(r.outcome()).isEqualTo(RedemptionOutcome.REVERTED);
    assertThat(r.replayed()).isFalse();
    assertThat(r.orderStatus()).isEqualTo(OrderStatus.REVERTED);
    assertThat(r.coupons()).containsExactly(a, b);
    assertThat(store.findCouponsByUser("u1")).containsExactly(a, b);
    RedemptionResult again = store.revert("o-1", T0.plusSeconds(61));
    assertThat(again.outcome()).isEqualTo(RedemptionOutcome.REVERTED);
    assertThat(again.replayed()).isTrue();
    assertThat(again.coupons()).containsExactly(a, b);
    assertThat(store.commit("o-1", T0.plusSeconds(62)).outcome()).isEqualTo(RedemptionOutcome.ORDER_CONFLICT);
    assertThat(store.release("o-1", T0.plusSeconds(62)).outcome()).isEqualTo(RedemptionOutcome.ORDER_CONFLICT);
    // the claim counter counts claims: not given back
    assertThat(userCount(t.id(), "u1")).isEqualTo(2);
    // the coupons serve a new order
    assertThat(store.reserve(reserveCmd("u1", "o-2", T0.plusSeconds(70), a.code())).outcome())
        .isEqualTo(RedemptionOutcome.RESERVED);
    // and a released order is NOT_COMMITTED
    store.release("o-2", T0.plusSeconds(80));
    assertThat(store.revert("o-2", T0.plusSeconds(90)).outcome()).isEqualTo(RedemptionOutcome.NOT_COMMITTED);
  }

  @Test
  void revert_afterTheWindow_expiresTheCoupons() {
    Template t = available("RV2", 10);
    Coupon a = store.claim(claimAt(t.id(), "u1", "k1", T0, null, null, null)).couponOrNull();
    store.reserve(reserveCmd("u1", "o-1", T0, a.code()));
    store.commit("o-1", T0);
    RedemptionResult r = store.revert("o-1", EXPIRES);
    assertThat(r.outcome()).isEqualTo(RedemptionOutcome.REVERTED);
    assertThat(r.coupons()).containsExactly(a.withStatus(CouponStatus.EXPIRED, null));
    assertThat(store.findCouponByCode(a.code())).contains(a.withStatus(CouponStatus.EXPIRED, null));
    assertThat(store.expireDueCoupons(EXPIRES.plusSeconds(1), 10)).isEmpty();
  }

  @Test
  void eventApplier_revertedAndValidFrom_appliedOnce() {
    JdbcEventApplier applier = new JdbcEventApplier(jdbc());
    Instant validFrom = T0.plus(Duration.ofDays(1));
    Coupon c = new Coupon("ev-vf", "EVVF-1", "EVTPL2", "u9", T0, EXPIRES, CouponStatus.USABLE, null, validFrom);
    CouponEvent claimed = CouponEvent.ofCoupon(EventType.CLAIMED, T0, c);
    assertThat(applier.apply(claimed)).isTrue();
    assertThat(applier.apply(claimed)).isFalse();
    assertThat(store.findCouponsByUser("u9")).containsExactly(c);

    applier.apply(CouponEvent.ofOrder(EventType.RESERVED, validFrom, "o-ev", "u9",
        List.of(c.withStatus(CouponStatus.RESERVED, "o-ev"))));
    applier.apply(CouponEvent.ofOrder(EventType.COMMITTED, validFrom, "o-ev", "u9",
        List.of(c.withStatus(CouponStatus.USED, "o-ev"))));
    CouponEvent reverted = CouponEvent.ofOrder(EventType.REVERTED, validFrom.plusSeconds(5), "o-ev", "u9",
        List.of(c));
    assertThat(applier.apply(reverted)).isTrue();
    assertThat(applier.apply(reverted)).isFalse();
    assertThat(store.findCouponByCode(c.code())).contains(c);
    RedemptionResult replay = store.revert("o-ev", validFrom.plusSeconds(6));
    assertThat(replay.outcome()).isEqualTo(RedemptionOutcome.REVERTED);
    assertThat(replay.replayed()).isTrue();
    assertThat(replay.coupons()).containsExactly(c);
    // events carry no savings: the order reads back without them
    assertThat(replay.savings()).isEmpty();
  }

  @Test
  void eventApplier_keepsTheTemplateFigures_once_withoutDiscount() {
    Template t = available("EVST1", 4);
    JdbcEventApplier applier = new JdbcEventApplier(jdbc());
    Coupon a = new Coupon("ev-s1", "EVS-1", t.id(), "u9", T0, EXPIRES, CouponStatus.USABLE, null);
    Coupon b = new Coupon("ev-s2", "EVS-2", t.id(), "u8", T0, EXPIRES, CouponStatus.USABLE, null);
    CouponEvent claimed = CouponEvent.ofCoupon(EventType.CLAIMED, T0, a);
    assertThat(applier.apply(claimed)).isTrue();
    assertThat(applier.apply(claimed)).isFalse();
    applier.apply(CouponEvent.ofCoupon(EventType.CLAIMED, T0, b));
    long remaining = store.remainingCodes(t.id());
    assertThat(store.stats(t.id())).contains(new TemplateStats(t.id(), 2, 0, 0, 0, remaining, BigDecimal.ZERO
        .setScale(2)));
    CouponEvent reserved = CouponEvent.ofOrder(EventType.RESERVED, T0, "o-evs", "u9",
        List.of(a.withStatus(CouponStatus.RESERVED, "o-evs")));
    assertThat(applier.apply(reserved)).isTrue();
    assertThat(applier.apply(reserved)).isFalse();
    assertThat(store.stats(t.id()).orElseThrow().reserved()).isEqualTo(1);
    applier.apply(CouponEvent.ofOrder(EventType.COMMITTED, T0, "o-evs", "u9",
        List.of(a.withStatus(CouponStatus.USED, "o-evs"))));
    assertThat(store.stats(t.id())).contains(new TemplateStats(t.id(), 2, 0, 1, 0, remaining, BigDecimal.ZERO
        .setScale(2)));
    applier.apply(CouponEvent.ofOrder(EventType.REVERTED, T0, "o-evs", "u9", List.of(a)));
    applier.apply(CouponEvent.ofCoupon(EventType.EXPIRED, EXPIRES, b.withStatus(CouponStatus.EXPIRED, null)));
    assertThat(store.stats(t.id())).contains(new TemplateStats(t.id(), 2, 0, 0, 1, remaining, BigDecimal.ZERO
        .setScale(2)));
  }

  // ---- priced orders: order_codes.saving -----------------------------------------------------------------------

  private static ReserveCommand pricedCmd(String user, String orderId, Instant now, Map<String, BigDecimal> savings) {
    return new ReserveCommand(user, orderId, List.copyOf(savings.keySet()), now, now.plus(Duration.ofMinutes(15)),
        savings);
  }

  private static Map<String, BigDecimal> savings(Object... codeAmount) {
    Map<String, BigDecimal> m = new LinkedHashMap<>();
    for (int i = 0; i < codeAmount.length; i += 2) {
      m.put((String) codeAmount[i], new BigDecimal((String) codeAmount[i + 1]));
    }
    return m;
  }

  /** The order's {@code order_codes.saving} values in code order, as the database holds them (null for NULL). */
  protected List<BigDecimal> savingColumn(String orderId) throws SQLException {
    try (Connection c = jdbc().dataSource().getConnection();
         PreparedStatement ps = c.prepareStatement(
             "SELECT saving FROM " + jdbc().tablePrefix() + "order_codes WHERE order_id = ? ORDER BY pos")) {
      ps.setString(1, orderId);
      List<BigDecimal> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getBigDecimal(1));
        }
      }
      c.rollback();
      return out;
    }
  }

  @Test
  void pricedOrder_keepsExactSavings_inEverySuccess_andNoneInRefusals() throws SQLException {
    Template t = available("PR1", 10);
    Coupon a = store.claim(claimAt(t.id(), "u1", "k1", T0, null, null, null)).couponOrNull();
    Coupon b = store.claim(claimAt(t.id(), "u1", "k2", T0, null, null, null)).couponOrNull();
    // the largest NUMERIC(19,2) and a cent: a double would lose the first
    Map<String, BigDecimal> expected = savings(b.code(), "99999999999999999.99", a.code(), "0.01");
    RedemptionResult reserved = store.reserve(pricedCmd("u1", "o-p", T0, expected));
    assertThat(reserved.outcome()).isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(reserved.savings()).containsExactlyEntriesOf(expected);
    assertThat(savingColumn("o-p")).containsExactly(new BigDecimal("99999999999999999.99"), new BigDecimal("0.01"));

    RedemptionResult twice = store.reserve(pricedCmd("u1", "o-p", T0, expected));
    assertThat(twice.replayed()).isTrue();
    assertThat(twice.savings()).containsExactlyEntriesOf(expected);
    // refusals carry none
    RedemptionResult conflict = store.reserve(pricedCmd("u2", "o-p", T0, savings(b.code(), "1.00")));
    assertThat(conflict.outcome()).isEqualTo(RedemptionOutcome.ORDER_CONFLICT);
    assertThat(conflict.savings()).isEmpty();
    assertThat(store.revert("o-p", T0).outcome()).isEqualTo(RedemptionOutcome.NOT_COMMITTED);
    assertThat(store.revert("o-p", T0).savings()).isEmpty();

    RedemptionResult released = store.release("o-p", T0.plusSeconds(1));
    assertThat(released.outcome()).isEqualTo(RedemptionOutcome.RELEASED);
    assertThat(released.savings()).containsExactlyEntriesOf(expected);
    assertThat(store.release("o-p", T0.plusSeconds(2)).savings()).containsExactlyEntriesOf(expected);
    RedemptionResult late = store.commit("o-p", T0.plusSeconds(3));
    assertThat(late.outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
    assertThat(late.replayed()).isFalse();
    assertThat(late.savings()).containsExactlyEntriesOf(expected);
    RedemptionResult committedAgain = store.commit("o-p", T0.plusSeconds(4));
    assertThat(committedAgain.replayed()).isTrue();
    assertThat(committedAgain.savings()).containsExactlyEntriesOf(expected);
    assertThat(store.release("o-p", T0.plusSeconds(5)).savings()).isEmpty(); // ORDER_CONFLICT
    RedemptionResult reverted = store.revert("o-p", T0.plusSeconds(6));
    assertThat(reverted.outcome()).isEqualTo(RedemptionOutcome.REVERTED);
    assertThat(reverted.savings()).containsExactlyEntriesOf(expected);
    RedemptionResult revertedAgain = store.revert("o-p", T0.plusSeconds(7));
    assertThat(revertedAgain.replayed()).isTrue();
    assertThat(revertedAgain.savings()).containsExactlyEntriesOf(expected);

    // an amount with fewer decimals is kept at the column's scale, the same in the reserve and after
    RedemptionResult scaled = store.reserve(pricedCmd("u1", "o-s", T0.plusSeconds(8), savings(a.code(), "7.5")));
    assertThat(scaled.savings()).containsExactlyEntriesOf(savings(a.code(), "7.50"));
    assertThat(store.commit("o-s", T0.plusSeconds(9)).savings()).containsExactlyEntriesOf(savings(a.code(), "7.50"));
    // an order reserved without a cart: NULL in the column, no savings anywhere
    RedemptionResult plain = store.reserve(reserveCmd("u1", "o-u", T0.plusSeconds(10), b.code()));
    assertThat(plain.outcome()).isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(plain.savings()).isEmpty();
    assertThat(savingColumn("o-u")).containsExactly((BigDecimal) null);
    assertThat(store.reserve(reserveCmd("u1", "o-u", T0.plusSeconds(10), b.code())).savings()).isEmpty();
    assertThat(store.commit("o-u", T0.plusSeconds(11)).savings()).isEmpty();
    assertThat(store.revert("o-u", T0.plusSeconds(12)).savings()).isEmpty();
  }

  @Test
  void pricedOrder_aSavingTheColumnCannotHold_isRefused_andNothingIsTaken() {
    Template t = available("PR2", 10);
    Coupon a = store.claim(claimAt(t.id(), "u1", "k1", T0, null, null, null)).couponOrNull();
    for (String amount : List.of("1.005", "100000000000000000.00")) {
      assertThatThrownBy(() -> store.reserve(pricedCmd("u1", "o-x", T0, savings(a.code(), amount))))
          .isInstanceOfSatisfying(CouponException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.violations()).extracting(Violation::field).containsExactly("savings[" + a.code() + "]");
          });
    }
    assertThat(store.findCouponByCode(a.code())).contains(a);
    assertThat(store.commit("o-x", T0).outcome()).isEqualTo(RedemptionOutcome.ORDER_NOT_FOUND);
    // trailing zeros beyond the scale are exact: accepted
    assertThat(store.reserve(pricedCmd("u1", "o-x", T0, savings(a.code(), "2.500"))).savings())
        .containsExactlyEntriesOf(savings(a.code(), "2.50"));
  }

  /** Coupons of a template as the database has them now (committed rows). */
  protected long couponCount(String templateId) throws SQLException {
    try (Connection c = jdbc().dataSource().getConnection();
         PreparedStatement ps = c.prepareStatement(
             "SELECT COUNT(*) FROM " + jdbc().tablePrefix() + "coupons WHERE template_id = ?")) {
      ps.setString(1, templateId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long n = rs.getLong(1);
        c.rollback();
        return n;
      }
    }
  }

  @Test
  void pause_waitsForAClaimThatReadAvailable() throws Exception {
    Template t = available("PW1", 10);
    CountDownLatch inside = new CountDownLatch(1);
    Thread slow = Thread.currentThread();
    jdbc().beforeClaimCommit = c -> {
      if (Thread.currentThread() != slow) {
        inside.countDown(); // the claim has read AVAILABLE and written its coupon; it commits in 1 s
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<ClaimResult> claim = pool.submit(() -> store.claim(claimAt(t.id(), "u1", "k1", T0, null, null, null)));
      assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
      long start = System.nanoTime();
      assertThat(store.updateTemplateStatus(t.id(), TemplateStatus.AVAILABLE, TemplateStatus.PAUSED, null)).isTrue();
      long waitedMs = (System.nanoTime() - start) / 1_000_000;
      // the claim was recorded before the pause returned, never after
      long atPause = couponCount(t.id());
      assertThat(claim.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
      assertThat(atPause).as("coupons when the pause returned (it waited %d ms)", waitedMs).isEqualTo(1);
      assertThat(couponCount(t.id())).isEqualTo(1);
      assertThat(store.claim(claimAt(t.id(), "u2", "k2", T0, null, null, null)).outcome())
          .isEqualTo(ClaimOutcome.TEMPLATE_PAUSED);
    } finally {
      jdbc().beforeClaimCommit = null;
      pool.shutdownNow();
    }
  }

  @Test
  void pause_underSteadyClaims_returnsPromptly_andNothingIsRecordedAfter() throws Exception {
    int threads = 8;
    Template t = available("PW2", 20_000);
    AtomicBoolean paused = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger claimedBeforePause = new AtomicInteger();
    AtomicInteger afterPause = new AtomicInteger();
    List<String> wrong = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int n = 0; n < threads; n++) {
        int thread = n;
        running.add(pool.submit(() -> {
          for (int i = 0; !stop.get(); i++) {
            boolean startedAfterPause = paused.get();
            ClaimResult r = store.claim(claimAt(t.id(), "t" + thread + "u" + i, "k", T0, null, null, null));
            if (startedAfterPause) {
              afterPause.incrementAndGet();
              if (r.outcome() != ClaimOutcome.TEMPLATE_PAUSED) {
                wrong.add(r.toString());
              }
            } else if (r.outcome() == ClaimOutcome.CLAIMED) {
              claimedBeforePause.incrementAndGet();
            }
          }
          return null;
        }));
      }
      while (claimedBeforePause.get() < 200) {
        Thread.sleep(10);
      }
      long start = System.nanoTime();
      assertThat(store.updateTemplateStatus(t.id(), TemplateStatus.AVAILABLE, TemplateStatus.PAUSED, null)).isTrue();
      long waitedMs = (System.nanoTime() - start) / 1_000_000;
      paused.set(true);
      long atPause = couponCount(t.id());
      while (afterPause.get() < threads * 20) {
        Thread.sleep(10);
      }
      stop.set(true);
      for (Future<?> f : running) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(waitedMs).as("the pause waited behind a stream of claims").isLessThan(10_000);
      assertThat(wrong).isEmpty();
      assertThat(couponCount(t.id())).as("coupons recorded after the pause returned").isEqualTo(atPause);
      assertThat(store.remainingCodes(t.id())).isEqualTo(20_000 - atPause);
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
  }

  // ---- the claim in one call: its own race windows, over two stores --------------------------------------------

  /** Runs {@code tasks} on {@code threads} threads, all released at once, and answers their results in task order. */
  private static <T> List<T> race(int threads, List<java.util.concurrent.Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (java.util.concurrent.Callable<T> task : tasks) {
        futures.add(pool.submit(() -> {
          go.await();
          return task.call();
        }));
      }
      go.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The sum of the per-user counters of a template (committed rows). */
  protected long counterSum(String templateId) throws SQLException {
    try (Connection c = jdbc().dataSource().getConnection();
         PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(claimed), 0) FROM " + jdbc().tablePrefix()
             + "user_claims WHERE template_id = ?")) {
      ps.setString(1, templateId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long n = rs.getLong(1);
        c.rollback();
        return n;
      }
    }
  }

  private static final AtomicInteger COUPON_IDS = new AtomicInteger();

  /** A claim as the engine makes it: a fresh coupon id for every call, even a retry of the same key. */
  private static ClaimCommand raceClaim(String templateId, String user, String key, int limit) {
    return new ClaimCommand(templateId, user, key, "rc-" + COUPON_IDS.incrementAndGet(), limit, T0, EXPIRES);
  }

  @Test
  void claimRace_oneUsersClaimsRacingTheLimit_overTwoStores_stopAtTheLimit() throws Exception {
    int users = 24;
    int perUser = 12;
    int limit = 3;
    Template t = available("RL1", users * perUser);
    CouponStore other = newStoreSharingWith(store);
    List<java.util.concurrent.Callable<ClaimResult>> tasks = new ArrayList<>();
    for (int i = 0; i < perUser; i++) {
      for (int u = 0; u < users; u++) {
        CouponStore s = (i + u) % 2 == 0 ? store : other;
        String key = "k" + i;
        String user = "u" + u;
        tasks.add(() -> s.claim(raceClaim(t.id(), user, key, limit)));
      }
    }
    List<ClaimResult> results = race(16, tasks);
    Map<String, Integer> claimedBy = new LinkedHashMap<>();
    int limitReached = 0;
    for (int n = 0; n < results.size(); n++) {
      ClaimResult r = results.get(n);
      if (r.outcome() == ClaimOutcome.CLAIMED) {
        claimedBy.merge(r.couponOrNull().userId(), 1, Integer::sum);
      } else {
        assertThat(r.outcome()).as("claim %d", n).isEqualTo(ClaimOutcome.LIMIT_REACHED);
        limitReached++;
      }
    }
    assertThat(limitReached).isEqualTo(users * (perUser - limit));
    for (int u = 0; u < users; u++) {
      assertThat(claimedBy.get("u" + u)).as("coupons of u%d", u).isEqualTo(limit);
      assertThat(store.findCouponsByUser("u" + u)).hasSize(limit);
      assertThat(userCount(t.id(), "u" + u)).isEqualTo(limit);
    }
    assertThat(store.remainingCodes(t.id())).isEqualTo(users * (perUser - limit));
    assertThat(store.stats(t.id()).orElseThrow().issued()).isEqualTo(users * limit);
    assertThat(jdbc().claimsByRoutine()).isEqualTo(expectedDialect() != Dialect.H2);
  }

  @Test
  void claimRace_oneKeyRacingItselfAndTheLimit_overTwoStores_claimsOnce_theRestDuplicateOrLimit() throws Exception {
    int users = 30;
    int copies = 6;
    Template t = available("RK1", users * 2);
    CouponStore other = newStoreSharingWith(store);
    List<java.util.concurrent.Callable<ClaimResult>> tasks = new ArrayList<>();
    // each user, limit 1: key "a" sent 6 times and key "b" sent 6 times, interleaved over both stores
    for (int i = 0; i < copies; i++) {
      for (int u = 0; u < users; u++) {
        String user = "u" + u;
        tasks.add(() -> store.claim(raceClaim(t.id(), user, "a", 1)));
        tasks.add(() -> other.claim(raceClaim(t.id(), user, "b", 1)));
      }
    }
    List<ClaimResult> results = race(16, tasks);
    for (int u = 0; u < users; u++) {
      String user = "u" + u;
      List<Coupon> held = store.findCouponsByUser(user);
      assertThat(held).as("coupons of %s", user).hasSize(1);
      Coupon coupon = held.get(0);
      List<ClaimOutcome> winnerKey = new ArrayList<>();
      List<ClaimOutcome> loserKey = new ArrayList<>();
      int pos = 0;
      for (int i = 0; i < copies; i++) {
        for (int v = 0; v < users; v++) {
          for (int k = 0; k < 2; k++) {
            ClaimResult r = results.get(pos++);
            if (v != u) {
              continue;
            }
            boolean winner = r.outcome() == ClaimOutcome.CLAIMED || r.outcome() == ClaimOutcome.DUPLICATE;
            if (winner) {
              // a DUPLICATE answers the one coupon of the key, never a coupon of its own
              assertThat(r.couponOrNull()).as("%s %s", user, r).isEqualTo(coupon);
            }
            (k == 0 ? winnerKey : loserKey).add(r.outcome());
          }
        }
      }
      // one key won: one CLAIMED and the rest DUPLICATE; the other key: LIMIT_REACHED every time
      List<ClaimOutcome> won = winnerKey.contains(ClaimOutcome.CLAIMED) ? winnerKey : loserKey;
      List<ClaimOutcome> lost = won == winnerKey ? loserKey : winnerKey;
      assertThat(won).as(user).containsOnlyOnce(ClaimOutcome.CLAIMED);
      assertThat(won).as(user).containsOnly(ClaimOutcome.CLAIMED, ClaimOutcome.DUPLICATE);
      assertThat(lost).as(user).containsOnly(ClaimOutcome.LIMIT_REACHED);
      assertThat(userCount(t.id(), user)).as("counter of %s", user).isEqualTo(1);
    }
    assertThat(store.remainingCodes(t.id())).isEqualTo(users);
    assertThat(store.stats(t.id()).orElseThrow().issued()).isEqualTo(users);
    assertThat(counterSum(t.id())).isEqualTo(users);
  }

  @Test
  void claimRace_soldOutOverTwoStores_issuesEveryCodeOnce_andCountsOnlyClaims() throws Exception {
    int codes = 150;
    int users = 120;
    Template t = available("RS1", codes);
    CouponStore other = newStoreSharingWith(store);
    List<java.util.concurrent.Callable<ClaimResult>> tasks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      for (int u = 0; u < users; u++) {
        CouponStore s = (i + u) % 2 == 0 ? store : other;
        String user = "u" + u;
        String key = "k" + i;
        tasks.add(() -> s.claim(raceClaim(t.id(), user, key, 2)));
      }
    }
    List<ClaimResult> results = race(16, tasks);
    Set<String> codesOut = new HashSet<>();
    Map<String, Integer> perUser = new LinkedHashMap<>();
    for (ClaimResult r : results) {
      assertThat(r.outcome()).isIn(ClaimOutcome.CLAIMED, ClaimOutcome.SOLD_OUT, ClaimOutcome.LIMIT_REACHED);
      if (r.outcome() == ClaimOutcome.CLAIMED) {
        assertThat(codesOut.add(r.couponOrNull().code())).as("code issued twice: %s", r).isTrue();
        perUser.merge(r.couponOrNull().userId(), 1, Integer::sum);
      }
    }
    assertThat(codesOut).hasSize(codes);
    assertThat(perUser.values()).allMatch(n -> n <= 2);
    assertThat(store.remainingCodes(t.id())).isZero();
    assertThat(couponCount(t.id())).isEqualTo(codes);
    // a SOLD_OUT gave its counter back: the counters add up to the coupons, user by user
    assertThat(counterSum(t.id())).isEqualTo(codes);
    for (int u = 0; u < users; u++) {
      assertThat(userCount(t.id(), "u" + u)).as("counter of u%d", u).isEqualTo(perUser.getOrDefault("u" + u, 0));
    }
    assertThat(store.stats(t.id()).orElseThrow().issued()).isEqualTo(codes);
  }

  // ---- migration 0.1 -> 0.2 -------------------------------------------------------------------------------------

  private static void execute(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }

  @Test
  void migration_0_1_to_0_2_keepsData_andTheNewStoreWorksOnIt() throws SQLException {
    String p = "mg" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + "_";
    HikariDataSource ds = newPool();
    JdbcCouponStore migrated = JdbcCouponStore.builder(ds).tablePrefix(p).build();
    Template t = new Template("MIGR01", Specs.threshold(6, 5), TemplateStatus.AVAILABLE, T0, null);
    // a second template as 0.1 wrote it: its JSON has no addedCount; one of its two codes is left in the pool
    Template old01 = new Template("MGRTWD", Specs.threshold(2, 1), TemplateStatus.AVAILABLE, T0, null);
    String old01Json = old01.toJson().replace(",\"addedCount\":0", "").replace("\"addedCount\":0,", "");
    assertThat(old01Json).doesNotContain("addedCount");
    long t0 = Micros.of(T0);
    long exp = Micros.of(EXPIRES);
    try {
      try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
        // the 0.1 schema and data written by a 0.1 store, as SQL
        for (String s : Schema.migrationStatements(expectedDialect(), "V1__coupon_schema.sql", p)) {
          st.execute(s);
        }
        execute(c, "INSERT INTO " + p + "templates (id, status, failure_reason, loaded, created_at_us, template_json)"
            + " VALUES (?, ?, NULL, 6, ?, ?)", t.id(), "AVAILABLE", t0, t.toJson());
        execute(c, "INSERT INTO " + p + "templates (id, status, failure_reason, loaded, created_at_us, template_json)"
            + " VALUES (?, ?, NULL, 2, ?, ?)", old01.id(), "AVAILABLE", t0, old01Json);
        execute(c, "INSERT INTO " + p + "codes (template_id, seq, code) VALUES (?, ?, ?)", old01.id(), 1L, "MG-D1");
        for (int seq = 3; seq < 6; seq++) {
          execute(c, "INSERT INTO " + p + "codes (template_id, seq, code) VALUES (?, ?, ?)", t.id(), (long) seq,
              "MG-C" + seq);
        }
        execute(c, "INSERT INTO " + p + "user_claims (template_id, user_id, claimed) VALUES (?, ?, 3)", t.id(), "u1");
        String insertCoupon = "INSERT INTO " + p + "coupons (id, code, template_id, user_id, idem_key, claimed_at_us,"
            + " expires_at_us, status, order_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        execute(c, insertCoupon, "cp0", "MG-C0", t.id(), "u1", "k0", t0, exp, "USABLE", null);
        execute(c, insertCoupon, "cp1", "MG-C1", t.id(), "u1", "k1", t0 + 1, exp, "USED", "o-1");
        execute(c, insertCoupon, "cp2", "MG-C2", t.id(), "u1", "k2", t0 + 2, exp, "RESERVED", "o-2");
        String insertOrder = "INSERT INTO " + p + "orders (order_id, user_id, status, reserved_until_us,"
            + " updated_at_us) VALUES (?, ?, ?, ?, ?)";
        execute(c, insertOrder, "o-1", "u1", "COMMITTED", t0 + 900_000_000L, t0);
        execute(c, insertOrder, "o-2", "u1", "RESERVED", t0 + 900_000_000L, t0);
        execute(c, "INSERT INTO " + p + "order_codes (order_id, pos, code) VALUES (?, 0, ?)", "o-1", "MG-C1");
        execute(c, "INSERT INTO " + p + "order_codes (order_id, pos, code) VALUES (?, 0, ?)", "o-2", "MG-C2");
        c.commit();
        // the migration, as a user runs it (Flyway runs the same V2 script: FlywayMigrationTest)
        for (String s : Schema.migrationStatements(expectedDialect(), "V2__coupon_0_2.sql", p)) {
          st.execute(s);
        }
        c.commit();
      }
      Coupon c0 = new Coupon("cp0", "MG-C0", t.id(), "u1", T0, EXPIRES, CouponStatus.USABLE, null);
      Coupon c1 = new Coupon("cp1", "MG-C1", t.id(), "u1", T0.plusNanos(1_000), EXPIRES, CouponStatus.USED, "o-1");
      Coupon c2 = new Coupon("cp2", "MG-C2", t.id(), "u1", T0.plusNanos(2_000), EXPIRES, CouponStatus.RESERVED,
          "o-2");
      assertThat(migrated.findTemplate(t.id())).contains(t);
      assertThat(migrated.findCouponsByUser("u1")).containsExactly(c0, c1, c2);
      assertThat(migrated.remainingCodes(t.id())).isEqualTo(3);
      // the figures were filled from the coupons by the migration
      assertThat(migrated.stats(t.id())).contains(new TemplateStats(t.id(), 3, 1, 1, 0, 3, new BigDecimal("0.00")));
      assertThat(migrated.stats(old01.id())).contains(new TemplateStats(old01.id(), 0, 0, 0, 0, 1,
          new BigDecimal("0.00")));
      // claims: an old key replays, a new one takes the next code and keeps its validFrom
      ClaimCommand old = new ClaimCommand(t.id(), "u1", "k0", "new-id", 5, T0, EXPIRES);
      assertThat(migrated.claim(old)).isEqualTo(ClaimResult.duplicate(c0));
      Instant validFrom = T0.plusSeconds(60);
      ClaimResult fresh = migrated.claim(new ClaimCommand(t.id(), "u1", "k3", "cp3", 5, T0, EXPIRES, validFrom,
          null, null));
      assertThat(fresh.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
      assertThat(fresh.couponOrNull().code()).isEqualTo("MG-C3");
      assertThat(migrated.findCouponByCode("MG-C3").orElseThrow().validFrom()).isEqualTo(validFrom);
      assertThat(migrated.claim(new ClaimCommand(t.id(), "u1", "k4", "cp4", 5, T0, EXPIRES)).outcome())
          .isEqualTo(ClaimOutcome.CLAIMED);
      assertThat(migrated.claim(new ClaimCommand(t.id(), "u1", "k5", "cp5", 5, T0, EXPIRES)).outcome())
          .isEqualTo(ClaimOutcome.LIMIT_REACHED);
      // the migration installed the claim routine (PostgreSQL, MariaDB): the claims above went through it
      assertThat(migrated.claimsByRoutine()).isEqualTo(expectedDialect() != Dialect.H2);
      // orders written by 0.1 go on (without savings): commit the reserved one, revert the committed one, reserve
      // and commit anew
      RedemptionResult committed = migrated.commit("o-2", T0.plusSeconds(1));
      assertThat(committed.outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
      assertThat(committed.savings()).isEmpty();
      RedemptionResult replayed = migrated.commit("o-1", T0.plusSeconds(1));
      assertThat(replayed.replayed()).isTrue();
      assertThat(replayed.savings()).isEmpty();
      RedemptionResult reverted = migrated.revert("o-1", T0.plusSeconds(2));
      assertThat(reverted.outcome()).isEqualTo(RedemptionOutcome.REVERTED);
      assertThat(reverted.coupons()).containsExactly(c1.withStatus(CouponStatus.USABLE, null));
      assertThat(reverted.savings()).isEmpty();
      assertThat(migrated.reserve(reserveCmd("u1", "o-3", T0.plusSeconds(3), "MG-C0", "MG-C3")).outcome())
          .isEqualTo(RedemptionOutcome.NOT_YET_VALID);
      assertThat(migrated.reserve(reserveCmd("u1", "o-3", validFrom, "MG-C0", "MG-C1", "MG-C3")).outcome())
          .isEqualTo(RedemptionOutcome.RESERVED);
      assertThat(migrated.commit("o-3", validFrom).outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
      assertThat(migrated.findCouponsByUser("u1")).extracting(Coupon::status).containsExactly(CouponStatus.USED,
          CouponStatus.USED, CouponStatus.USED, CouponStatus.USED, CouponStatus.USABLE);
      // a priced order on the migrated tables keeps its savings
      Map<String, BigDecimal> priced = savings("MG-C4", "12.34");
      RedemptionResult held = migrated.reserve(pricedCmd("u1", "o-4", validFrom, priced));
      assertThat(held.outcome()).isEqualTo(RedemptionOutcome.RESERVED);
      assertThat(held.savings()).containsExactlyEntriesOf(priced);
      assertThat(migrated.commit("o-4", validFrom).savings()).containsExactlyEntriesOf(priced);
      assertThat(migrated.revert("o-4", validFrom).savings()).containsExactlyEntriesOf(priced);
      assertThat(migrated.commit("o-3", validFrom).savings()).isEmpty();
      // the figures followed: 5 issued; o-3 (3 coupons) and o-2 committed, o-1 and o-4 reverted: 4 used, none held
      assertThat(migrated.stats(t.id())).contains(new TemplateStats(t.id(), 5, 0, 4, 0, 1, new BigDecimal("0.00")));
      // and the template pauses
      assertThat(migrated.updateTemplateStatus(t.id(), TemplateStatus.AVAILABLE, TemplateStatus.PAUSED, null))
          .isTrue();
      assertThat(migrated.claim(new ClaimCommand(t.id(), "u2", "k", "cp6", 5, T0, EXPIRES)).outcome())
          .isEqualTo(ClaimOutcome.TEMPLATE_PAUSED);
      // the old template (0.1 JSON, no addedCount) takes more stock: a key of its own, then codes from serial 6
      assertThat(migrated.findTemplate(old01.id()).orElseThrow().addedCount()).isZero();
      assertThat(migrated.findTemplates(TemplateStatus.AVAILABLE)).containsExactly(old01);
      CouponEngine engine = engine(migrated);
      {
        Template grown = engine.addCodes(old01.id(), 3).join();
        assertThat(grown.addedCount()).isEqualTo(3);
        assertThat(grown.totalCount()).isEqualTo(5);
        assertThat(migrated.addToTotal(old01.id(), 0)).isEqualTo(5);
        assertThat(migrated.remainingCodes(old01.id())).isEqualTo(4);
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 4; i++) {
          codes.add(migrated.claim(new ClaimCommand(old01.id(), "v" + i, "k", "o1-" + i, 1, T0, EXPIRES))
              .couponOrNull().code());
        }
        assertThat(codes).hasSize(4).contains("MG-D1");
        assertThat(migrated.claim(new ClaimCommand(old01.id(), "v9", "k", "o1-9", 1, T0, EXPIRES)).outcome())
            .isEqualTo(ClaimOutcome.SOLD_OUT);
        assertThat(migrated.stats(old01.id())).contains(new TemplateStats(old01.id(), 4, 0, 0, 0, 0,
            new BigDecimal("0.00")));
      }
      // the tables of codes and distribution are there: a shared code, an import, a code entry and its failures
      Template sharedT = new Template("MGSHARED", Specs.thresholdBuilder(1).totalCount(2).sharedCode("MG-SHARED")
          .build(), TemplateStatus.CREATING, T0, null);
      assertThat(migrated.insertTemplate(sharedT)).isTrue();
      assertThat(migrated.findTemplateIdByCode("MG-SHARED")).contains("MGSHARED");
      Template entryT = new Template("MGENTRY", Specs.thresholdBuilder(1).distribution(Distribution.CODE_ENTRY)
          .externalCodes(CodeRules.ALPHANUMERIC).build(), TemplateStatus.CREATING, T0, null);
      assertThat(migrated.insertTemplate(entryT)).isTrue();
      assertThat(migrated.updateTemplateStatus("MGENTRY", TemplateStatus.CREATING, TemplateStatus.AVAILABLE, null))
          .isTrue();
      assertThat(migrated.importCodes("MGENTRY", List.of("CARDA", "CARDB", "MG-SHARED"))).isEqualTo(2);
      ClaimCommand entered = new ClaimCommand("MGENTRY", "w1", "k", "mge-1", 1, T0, EXPIRES);
      assertThat(migrated.claimCode(new CodeClaimCommand("w1", entered, "CARDB", 1,
          Duration.ofMinutes(1), T0)).couponOrNull().code()).isEqualTo("CARDB");
      assertThat(migrated.claimCode(new CodeClaimCommand("w2", null, null, 1,
          Duration.ofMinutes(1), T0)).outcome()).isEqualTo(ClaimOutcome.CODE_NOT_FOUND);
      assertThat(migrated.claimCode(new CodeClaimCommand("w2", null, null, 1,
          Duration.ofMinutes(1), T0)).outcome()).isEqualTo(ClaimOutcome.TOO_MANY_ATTEMPTS);
    } finally {
      migrated.dropSchema();
    }
  }
}
