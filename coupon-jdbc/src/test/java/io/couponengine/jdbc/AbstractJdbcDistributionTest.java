package io.couponengine.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CodeClaimCommand;
import io.couponengine.spi.CouponStore;
import io.couponengine.template.CodeRules;
import io.couponengine.template.Distribution;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStatus;
import io.couponengine.testing.Specs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Codes and distribution on the database, at the store's level and read back from its tables: the code index
 * (shared codes, imports), code entry and its failure counter, pool scans and grants, with the races that matter run
 * through two stores (two pools) on one database. The engine-level behaviour is the contract suite's.
 */
abstract class AbstractJdbcDistributionTest extends AbstractJdbcStoreTest {
  private static final Duration WINDOW = Duration.ofMinutes(10);

  // ---- shared codes and the code index -------------------------------------------------------------------------

  @Test
  void sharedCode_isUniqueAcrossTemplatesAndImports_theLoserStoresNothing() {
    assertThat(store.insertTemplate(template("SHAREA", shared("SPRING-SALE")))).isTrue();
    assertThat(store.findTemplateIdByCode("SPRING-SALE")).contains("SHAREA");
    assertSharedCodeTaken(() -> store.insertTemplate(template("SHAREB", shared("SPRING-SALE"))));
    assertThat(store.findTemplate("SHAREB")).isEmpty();
    assertThat(store.insertTemplate(template("SHAREA", shared("OTHER-CODE")))).isFalse(); // a taken id: false
    assertThat(store.findTemplateIdByCode("OTHER-CODE")).isEmpty();

    available("IMPORT1", importing(), List.of());
    assertThat(store.importCodes("IMPORT1", List.of("AUTUMN-SALE", "SPRING-SALE"))).isEqualTo(1);
    assertThat(store.findTemplateIdByCode("AUTUMN-SALE")).contains("IMPORT1");
    assertThat(store.findTemplateIdByCode("SPRING-SALE")).contains("SHAREA");
    assertSharedCodeTaken(() -> store.insertTemplate(template("SHAREC", shared("AUTUMN-SALE"))));
    assertThat(store.findTemplate("SHAREC")).isEmpty();
    assertThat(store.findTemplateIdByCode("NOBODY")).isEmpty();
  }

  @Test
  void sharedCode_raceOfEightTemplatesOverTwoStores_oneWins() throws Exception {
    CouponStore other = newStoreSharingWith(store);
    List<Callable<Boolean>> tasks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      CouponStore s = i % 2 == 0 ? store : other;
      String id = "RACE" + i;
      tasks.add(() -> {
        try {
          return s.insertTemplate(template(id, shared("RACE-CODE")));
        } catch (CouponException e) {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TEMPLATE);
          return false;
        }
      });
    }
    assertThat(together(tasks)).containsOnlyOnce(true);
    String winner = store.findTemplateIdByCode("RACE-CODE").orElseThrow();
    for (int i = 0; i < 8; i++) {
      assertThat(store.findTemplate("RACE" + i).isPresent()).as("RACE%d", i).isEqualTo(winner.equals("RACE" + i));
    }
  }

  // ---- code entry ----------------------------------------------------------------------------------------------

  @Test
  void codeEntry_bindsTheCode_duplicateForTheHolder_takenAndNotFoundCountFailures() throws SQLException {
    available("ENTRY1", entrySpec(3, 1), List.of("CARD-0001", "CARD-0002", "CARD-0003"));
    ClaimResult won = store.claimCode(entry("u1", "ENTRY1", "k1", "CARD-0002", 3));
    assertThat(won.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(won.couponOrNull().code()).isEqualTo("CARD-0002");
    assertThat(store.findCouponByCode("CARD-0002")).contains(won.couponOrNull());
    assertThat(store.remainingCodes("ENTRY1")).isEqualTo(2);
    assertThat(userCount("ENTRY1", "u1")).isEqualTo(1);
    assertThat(store.stats("ENTRY1").orElseThrow().issued()).isEqualTo(1);
    // the holder again, by key and by code
    assertThat(store.claimCode(entry("u1", "ENTRY1", "k1", "CARD-0002", 3)))
        .isEqualTo(ClaimResult.duplicate(won.couponOrNull()));
    assertThat(store.claimCode(entry("u1", "ENTRY1", "k2", "CARD-0002", 3)))
        .isEqualTo(ClaimResult.duplicate(won.couponOrNull()));
    // another code for the holder: the limit, no failure
    assertThat(store.claimCode(entry("u1", "ENTRY1", "k3", "CARD-0003", 3)).outcome())
        .isEqualTo(ClaimOutcome.LIMIT_REACHED);
    assertThat(store.remainingCodes("ENTRY1")).isEqualTo(2);
    assertThat(failures("u1")).isZero();
    // others: taken, not in the pool, no template at all; each counted
    assertThat(store.claimCode(entry("u2", "ENTRY1", "k1", "CARD-0002", 3)).outcome())
        .isEqualTo(ClaimOutcome.CODE_TAKEN);
    assertThat(store.claimCode(entry("u2", "ENTRY1", "k1", "CARD-9999", 3)).outcome())
        .isEqualTo(ClaimOutcome.CODE_NOT_FOUND);
    assertThat(store.claimCode(new CodeClaimCommand("u2", null, null, 3, WINDOW, T0)).outcome())
        .isEqualTo(ClaimOutcome.CODE_NOT_FOUND);
    assertThat(failures("u2")).isEqualTo(3);
    // at the limit, even a good code is refused until the window ends
    assertThat(store.claimCode(entry("u2", "ENTRY1", "k1", "CARD-0001", 3)).outcome())
        .isEqualTo(ClaimOutcome.TOO_MANY_ATTEMPTS);
    assertThat(store.claimCode(new CodeClaimCommand("u2", null, null, 3, WINDOW, T0)).outcome())
        .isEqualTo(ClaimOutcome.TOO_MANY_ATTEMPTS);
    assertThat(failures("u2")).isEqualTo(3);
    Instant next = T0.plus(WINDOW);
    ClaimCommand later = new ClaimCommand("ENTRY1", "u2", "k1", "c-later", 1, next, next.plus(Duration.ofDays(7)));
    assertThat(store.claimCode(new CodeClaimCommand("u2", later, "CARD-0001", 3, WINDOW, next)).outcome())
        .isEqualTo(ClaimOutcome.CLAIMED);
    // a paused template answers as a claim does, before the code, and counts nothing
    assertThat(store.updateTemplateStatus("ENTRY1", TemplateStatus.AVAILABLE, TemplateStatus.PAUSED, null)).isTrue();
    assertThat(store.claimCode(entry("u4", "ENTRY1", "k1", "CARD-0003", 3)).outcome())
        .isEqualTo(ClaimOutcome.TEMPLATE_PAUSED);
    assertThat(failures("u4")).isZero();
  }

  @Test
  void codeEntry_32ThreadsOverTwoStoresEnterOneCode_oneClaimed_restTaken() throws Exception {
    available("ENTRY2", entrySpec(5, 1), List.of("CARD-1001", "CARD-1002", "CARD-1003", "CARD-1004", "CARD-1005"));
    CouponStore other = newStoreSharingWith(store);
    List<Callable<ClaimResult>> tasks = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      CouponStore s = i % 2 == 0 ? store : other;
      String user = "racer-" + i;
      tasks.add(() -> s.claimCode(entry(user, "ENTRY2", "k", "CARD-1003", 5)));
    }
    List<ClaimResult> results = together(tasks);
    assertThat(results).filteredOn(r -> r.outcome() == ClaimOutcome.CLAIMED).hasSize(1);
    assertThat(results).filteredOn(r -> r.outcome() == ClaimOutcome.CODE_TAKEN).hasSize(31);
    Coupon winner = results.stream().filter(r -> r.outcome() == ClaimOutcome.CLAIMED).findFirst().orElseThrow()
        .couponOrNull();
    assertThat(store.findCouponByCode("CARD-1003")).contains(winner);
    assertThat(store.remainingCodes("ENTRY2")).isEqualTo(4);
    assertThat(count("SELECT COALESCE(SUM(claimed), 0) FROM " + table("user_claims") + " WHERE template_id = ?",
        "ENTRY2")).isEqualTo(1);
    assertThat(count("SELECT COALESCE(SUM(failures), 0) FROM " + table("code_failures"))).isEqualTo(31);
  }

  @Test
  void codeEntry_failuresOfOneUserRacingOverTwoStores_neverPassTheLimit() throws Exception {
    available("ENTRY3", entrySpec(2, 1), List.of("CARD-2001", "CARD-2002"));
    assertThat(store.claimCode(entry("holder", "ENTRY3", "k", "CARD-2001", 5)).outcome())
        .isEqualTo(ClaimOutcome.CLAIMED);
    CouponStore other = newStoreSharingWith(store);
    List<Callable<ClaimResult>> tasks = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      CouponStore s = i % 2 == 0 ? store : other;
      int n = i;
      // a mix of every failure: taken, not in the pool, no template
      tasks.add(() -> s.claimCode(switch (n % 3) {
        case 0 -> entry("guesser", "ENTRY3", "k" + n, "CARD-2001", 5);
        case 1 -> entry("guesser", "ENTRY3", "k" + n, "CARD-NOPE", 5);
        default -> new CodeClaimCommand("guesser", null, null, 5, WINDOW, T0);
      }));
    }
    List<ClaimResult> results = together(tasks);
    assertThat(results).filteredOn(r -> r.outcome() == ClaimOutcome.TOO_MANY_ATTEMPTS).hasSize(35);
    assertThat(results).filteredOn(r -> r.outcome() == ClaimOutcome.CODE_TAKEN
        || r.outcome() == ClaimOutcome.CODE_NOT_FOUND).hasSize(5);
    assertThat(failures("guesser")).isEqualTo(5);
    assertThat(store.remainingCodes("ENTRY3")).isEqualTo(1);
  }

  // ---- imports and the pool ------------------------------------------------------------------------------------

  @Test
  void import_isIdempotent_growsLoadedAndTotal_andPoolsInSeqOrder() throws SQLException {
    available("IMPORT2", importing(), List.of());
    List<String> codes = codes("IMP", 0, 1_000);
    assertThat(store.importCodes("IMPORT2", codes)).isEqualTo(1_000);
    assertThat(store.importCodes("IMPORT2", codes)).isZero();
    assertThat(store.importCodes("IMPORT2", codes("IMP", 500, 1_500))).isEqualTo(500);
    assertThat(store.findTemplate("IMPORT2").orElseThrow().addedCount()).isEqualTo(1_500);
    assertThat(count("SELECT loaded FROM " + table("templates") + " WHERE id = ?", "IMPORT2")).isEqualTo(1_500);
    assertThat(store.remainingCodes("IMPORT2")).isEqualTo(1_500);
    assertThat(count("SELECT COUNT(DISTINCT seq) FROM " + table("codes") + " WHERE template_id = ? AND seq < 1500",
        "IMPORT2")).isEqualTo(1_500);
    assertThatThrownBy(() -> store.importCodes("NOSUCH", List.of("ABCD")))
        .isInstanceOfSatisfying(CouponException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TEMPLATE_NOT_FOUND));
    // claims take imported codes like any other
    ClaimResult r = store.claim(new ClaimCommand("IMPORT2", "u1", "k", "c-imp", 1, T0, T0.plus(Duration.ofDays(7))));
    assertThat(r.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(store.findTemplateIdByCode(r.couponOrNull().code())).contains("IMPORT2");
  }

  @Test
  void import_overlappingBatchesIntoTwoTemplatesOverTwoStores_eachCodeIndexedAndPooledOnce() throws Exception {
    available("IMPORTA", importing(), List.of());
    available("IMPORTB", importing(), List.of());
    CouponStore other = newStoreSharingWith(store);
    List<Callable<Long>> tasks = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      CouponStore s = k % 2 == 0 ? store : other;
      String templateId = k % 2 == 0 ? "IMPORTA" : "IMPORTB";
      List<String> batch = codes("OVL", k * 1_500, k * 1_500 + 3_000); // each overlaps its neighbours
      tasks.add(() -> s.importCodes(templateId, batch));
    }
    long added = together(tasks).stream().mapToLong(Long::longValue).sum();
    int distinct = 7 * 1_500 + 3_000;
    assertThat(added).isEqualTo(distinct);
    assertThat(count("SELECT COUNT(*) FROM " + table("code_index"))).isEqualTo(distinct);
    for (String t : List.of("IMPORTA", "IMPORTB")) {
      // every pooled code is indexed to its template, and every code indexed to it is pooled
      assertThat(count("SELECT COUNT(*) FROM " + table("codes") + " c LEFT JOIN " + table("code_index")
          + " i ON i.code = c.code AND i.template_id = c.template_id WHERE c.template_id = ? AND i.code IS NULL", t))
          .as(t).isZero();
      long indexed = count("SELECT COUNT(*) FROM " + table("code_index") + " WHERE template_id = ?", t);
      assertThat(store.remainingCodes(t)).as(t).isEqualTo(indexed);
      assertThat(store.findTemplate(t).orElseThrow().addedCount()).as(t).isEqualTo(indexed);
      assertThat(count("SELECT loaded FROM " + table("templates") + " WHERE id = ?", t)).as(t).isEqualTo(indexed);
    }
  }

  @Test
  void scanPool_passesEachCodeThatStaysOnce_whileClaimsGoOn() throws Exception {
    List<String> codes = codes("SCN", 0, 3_000);
    available("SCAN1", Specs.threshold(3_000, 1), codes);
    CouponStore other = newStoreSharingWith(store);
    AtomicBoolean scanning = new AtomicBoolean(true);
    List<String> seen = new ArrayList<>();
    List<Callable<Integer>> tasks = List.of(() -> {
      store.scanPool("SCAN1", 97, batch -> {
        assertThat(batch.size()).isBetween(1, 97);
        seen.addAll(batch);
      });
      scanning.set(false);
      return 0;
    }, () -> {
      int claimed = 0;
      for (int i = 0; i < 500 && (scanning.get() || i < 50); i++) {
        if (other.claim(new ClaimCommand("SCAN1", "s" + i, "k", "c-scan-" + i, 1, T0, T0.plus(Duration.ofDays(7))))
            .outcome() == ClaimOutcome.CLAIMED) {
          claimed++;
        }
      }
      return claimed;
    });
    together(tasks);
    assertThat(new HashSet<>(seen)).hasSameSizeAs(seen); // nothing twice
    assertThat(codes).containsAll(seen);
    List<String> left = new ArrayList<>();
    store.scanPool("SCAN1", 1_000, left::addAll);
    assertThat(seen).containsAll(left); // everything that stayed was passed
    assertThat(left).hasSize((int) store.remainingCodes("SCAN1"));
    List<String> none = new ArrayList<>();
    store.scanPool("NOSUCH", 10, none::addAll);
    assertThat(none).isEmpty();
  }

  // ---- grants --------------------------------------------------------------------------------------------------

  @Test
  void grant_inOrder_limitsAndPoolHold_reRunGrantsNobodyTwice() throws SQLException {
    available("GRANT1", Specs.threshold(100, 1), codes("GRT", 0, 100));
    assertThat(store.claim(grantCmd("GRANT1", "g-5", "own", 1)).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    List<ClaimCommand> cmds = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      cmds.add(grantCmd("GRANT1", "g-" + i, "grant:vip", 1));
    }
    cmds.add(grantCmd("GRANT1", "g-3", "grant:vip", 1)); // listed twice
    List<ClaimResult> first = store.grant(cmds);
    assertThat(first).hasSize(151);
    Map<ClaimOutcome, Integer> outcomes = tally(first);
    assertThat(outcomes).containsEntry(ClaimOutcome.CLAIMED, 99).containsEntry(ClaimOutcome.LIMIT_REACHED, 1)
        .containsEntry(ClaimOutcome.SOLD_OUT, 50).containsEntry(ClaimOutcome.DUPLICATE, 1);
    assertThat(first.get(5).outcome()).isEqualTo(ClaimOutcome.LIMIT_REACHED);
    assertThat(first.get(150)).isEqualTo(ClaimResult.duplicate(first.get(3).couponOrNull()));
    for (int i = 0; i < 150; i++) { // in order: the first users get the codes
      ClaimOutcome expected = i == 5 ? ClaimOutcome.LIMIT_REACHED : i <= 99 ? ClaimOutcome.CLAIMED
          : ClaimOutcome.SOLD_OUT;
      assertThat(first.get(i).outcome()).as("g-%d", i).isEqualTo(expected);
    }
    assertThat(store.remainingCodes("GRANT1")).isZero();
    assertThat(store.stats("GRANT1").orElseThrow().issued()).isEqualTo(100);
    assertThat(first.get(0).couponOrNull().code()).isEqualTo("GRT" + codeSuffix(1)); // the lowest seq left

    List<ClaimResult> again = store.grant(cmds);
    assertThat(tally(again)).containsEntry(ClaimOutcome.DUPLICATE, 100).doesNotContainKey(ClaimOutcome.CLAIMED);
    for (int i = 0; i < 150; i++) {
      assertThat(store.findCouponsByUser("g-" + i).size()).as("g-%d", i).isLessThanOrEqualTo(1);
      assertThat(userCount("GRANT1", "g-" + i)).isLessThanOrEqualTo(1);
      if (first.get(i).outcome() == ClaimOutcome.CLAIMED) {
        assertThat(again.get(i)).isEqualTo(ClaimResult.duplicate(first.get(i).couponOrNull()));
      }
    }
  }

  @Test
  void grant_aUserListedWithSeveralKeys_isHeldToTheLimit_andRefusalsAnswerAsClaim() {
    available("GRANT2", Specs.threshold(10, 2), codes("GRB", 0, 10));
    List<ClaimResult> r = store.grant(List.of(grantCmd("GRANT2", "multi", "a", 2), grantCmd("GRANT2", "multi", "b", 2),
        grantCmd("GRANT2", "multi", "c", 2), grantCmd("NOSUCH", "multi", "a", 2)));
    assertThat(r).extracting(ClaimResult::outcome).containsExactly(ClaimOutcome.CLAIMED, ClaimOutcome.CLAIMED,
        ClaimOutcome.LIMIT_REACHED, ClaimOutcome.TEMPLATE_NOT_FOUND);
    assertThat(store.updateTemplateStatus("GRANT2", TemplateStatus.AVAILABLE, TemplateStatus.PAUSED, null)).isTrue();
    assertThat(store.grant(List.of(grantCmd("GRANT2", "multi", "a", 2), grantCmd("GRANT2", "x", "a", 2))))
        .extracting(ClaimResult::outcome).containsExactly(ClaimOutcome.DUPLICATE, ClaimOutcome.TEMPLATE_PAUSED);
  }

  @Test
  void grant_racingClaimsOfTheSameUsersOnAnotherStore_eachUserGetsOne() throws Exception {
    int users = 1_500;
    available("GRANT3", Specs.threshold(2 * users, 1), codes("GRC", 0, 2 * users));
    CouponStore other = newStoreSharingWith(store);
    List<Callable<Integer>> tasks = List.of(() -> {
      int claimed = 0;
      for (int from = 0; from < users; from += 500) {
        List<ClaimCommand> batch = new ArrayList<>();
        for (int i = from; i < from + 500; i++) {
          batch.add(grantCmd("GRANT3", "r-" + i, "grant:race", 1));
        }
        claimed += tally(store.grant(batch)).getOrDefault(ClaimOutcome.CLAIMED, 0);
      }
      return claimed;
    }, () -> {
      int claimed = 0;
      for (int i = users - 1; i >= 0; i--) { // from the other end, so the two meet in the middle
        if (other.claim(grantCmd("GRANT3", "r-" + i, "own", 1)).outcome() == ClaimOutcome.CLAIMED) {
          claimed++;
        }
      }
      return claimed;
    });
    List<Integer> claimed = together(tasks);
    assertThat(claimed.get(0) + claimed.get(1)).isEqualTo(users);
    assertThat(store.remainingCodes("GRANT3")).isEqualTo(users);
    assertThat(count("SELECT COUNT(*) FROM " + table("user_claims") + " WHERE template_id = ? AND claimed <> 1",
        "GRANT3")).isZero();
    assertThat(count("SELECT COUNT(DISTINCT user_id) FROM " + table("coupons") + " WHERE template_id = ?", "GRANT3"))
        .isEqualTo(users);
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  private static void assertSharedCodeTaken(Runnable insert) {
    assertThatThrownBy(insert::run).isInstanceOfSatisfying(CouponException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TEMPLATE);
      assertThat(e.violations()).extracting(v -> v.field()).containsExactly("sharedCode");
    });
  }

  private static TemplateSpec shared(String code) {
    return Specs.thresholdBuilder(1).totalCount(10).sharedCode(code).build();
  }

  private static TemplateSpec importing() {
    return Specs.thresholdBuilder(1).externalCodes(CodeRules.ALPHANUMERIC).build();
  }

  private static TemplateSpec entrySpec(long total, int perUser) {
    return Specs.thresholdBuilder(perUser).totalCount(total).distribution(Distribution.CODE_ENTRY).build();
  }

  private static Template template(String id, TemplateSpec spec) {
    return new Template(id, spec, TemplateStatus.CREATING, T0, null);
  }

  /** Stores the template, loads the codes and makes it AVAILABLE. */
  private void available(String id, TemplateSpec spec, List<String> codes) {
    assertThat(store.insertTemplate(template(id, spec))).isTrue();
    if (!codes.isEmpty()) {
      store.appendCodes(id, 0, codes);
    }
    assertThat(store.updateTemplateStatus(id, TemplateStatus.CREATING, TemplateStatus.AVAILABLE, null)).isTrue();
  }

  private static ClaimCommand grantCmd(String templateId, String user, String key, int limit) {
    return new ClaimCommand(templateId, user, key, "c-" + templateId + "-" + user + "-" + key, limit, T0,
        T0.plus(Duration.ofDays(7)));
  }

  private static CodeClaimCommand entry(String user, String templateId, String key, String code, int maxFailures) {
    return new CodeClaimCommand(user, grantCmd(templateId, user, key, 1), code, maxFailures, WINDOW, T0);
  }

  private static List<String> codes(String prefix, int from, int to) {
    List<String> out = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      out.add(prefix + codeSuffix(i));
    }
    return out;
  }

  private static String codeSuffix(int i) {
    return String.format("%06d", i);
  }

  private static Map<ClaimOutcome, Integer> tally(List<ClaimResult> results) {
    Map<ClaimOutcome, Integer> out = new HashMap<>();
    for (ClaimResult r : results) {
      out.merge(r.outcome(), 1, Integer::sum);
    }
    return out;
  }

  private String table(String name) {
    return jdbc().tablePrefix() + name;
  }

  /** The user's failures in the window of {@link #T0}. */
  private long failures(String userId) throws SQLException {
    return count("SELECT COALESCE(SUM(failures), 0) FROM " + table("code_failures")
        + " WHERE user_id = ? AND window_index = " + Math.floorDiv(T0.toEpochMilli(), WINDOW.toMillis()), userId);
  }

  /** The first column of the first row of a query, as a number. */
  private long count(String query, String... args) throws SQLException {
    try (Connection c = jdbc().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(query)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        long n = rs.next() ? rs.getLong(1) : 0;
        c.rollback();
        return n;
      }
    }
  }
}
