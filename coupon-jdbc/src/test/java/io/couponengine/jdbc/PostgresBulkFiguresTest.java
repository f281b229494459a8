package io.couponengine.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.template.CodeRules;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import io.couponengine.testing.Specs;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bulk figures on PostgreSQL: codes imported per second and users granted per second, printed. Off by default (a
 * run loads a million rows); run with
 * {@code COUPON_PG_URL=... mvn -B -o -q -pl coupon-jdbc -am test -Dtest=PostgresBulkFiguresTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dcoupon.figures=true}. {@code -Dcoupon.figures.size=} sets the number of
 * codes and users (default 1,000,000). The grant's pool is analyzed after loading, as autovacuum would (it is off on
 * the test server; without statistics the planner sorts the whole pool to take the first codes).
 */
class PostgresBulkFiguresTest {
  private HikariDataSource ds;
  private JdbcCouponStore store;
  private final int size = Integer.getInteger("coupon.figures.size", 1_000_000);

  @BeforeEach
  void setUp() {
    assumeTrue(Boolean.getBoolean("coupon.figures"), "figures run only with -Dcoupon.figures=true");
    TestDatabases.Target t = TestDatabases.postgres();
    assumeTrue(t.url() != null, t.whyNot());
    ds = TestDatabases.pool(t.url(), 4);
    String prefix = "bf" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + "_";
    store = JdbcCouponStore.builder(ds).tablePrefix(prefix).build();
    store.createSchema();
  }

  @AfterEach
  void tearDown() {
    if (store != null) {
      store.dropSchema();
    }
    if (ds != null) {
      ds.close();
    }
  }

  @Test
  void importCodes_codesPerSecond() {
    Template t = new Template("IMPORT1", Specs.thresholdBuilder(1).externalCodes(CodeRules.ALPHANUMERIC).build(),
        TemplateStatus.AVAILABLE, Instant.now(), null);
    assertThat(store.insertTemplate(t)).isTrue();
    int batch = 100_000;
    long start = System.nanoTime();
    long added = 0;
    for (int from = 0; from < size; from += batch) {
      added += store.importCodes(t.id(), codes("X", from, Math.min(size, from + batch)));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("import: %,d codes in batches of %,d: %.2f s, %,.0f codes/s%n", added, batch, seconds,
        added / seconds);
    assertThat(added).isEqualTo(size);
    // a re-run adds nothing
    long rerunStart = System.nanoTime();
    assertThat(store.importCodes(t.id(), codes("X", 0, batch))).isZero();
    System.out.printf("import re-run of %,d known codes: %.2f s%n", batch, (System.nanoTime() - rerunStart) / 1e9);
    assertThat(store.remainingCodes(t.id())).isEqualTo(size);
  }

  @Test
  void grant_usersPerSecond() {
    for (int perCall : new int[] {1_000, 10_000}) {
      String id = "GRANT" + perCall / 1000;
      Template t = new Template(id, Specs.threshold(size, 1), TemplateStatus.CREATING, Instant.now(), null);
      assertThat(store.insertTemplate(t)).isTrue();
      for (int from = 0; from < size; from += 100_000) {
        store.appendCodes(id, from, codes(id + "-", from, Math.min(size, from + 100_000)));
      }
      assertThat(store.updateTemplateStatus(id, TemplateStatus.CREATING, TemplateStatus.AVAILABLE, null)).isTrue();
      analyze(); // what autovacuum does after a load (it is off on the test server)
      Instant now = Instant.now();
      long start = System.nanoTime();
      long claimed = 0;
      for (int from = 0; from < size; from += perCall) {
        List<ClaimCommand> cmds = new ArrayList<>(perCall);
        for (int i = from; i < Math.min(size, from + perCall); i++) {
          cmds.add(new ClaimCommand(id, "user-" + i, "grant:g1", id + "-c" + i, 1, now, now.plus(Duration.ofDays(7))));
        }
        for (ClaimResult r : store.grant(cmds)) {
          claimed += r.outcome() == ClaimOutcome.CLAIMED ? 1 : 0;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("grant: %,d users, %,d per grant call: %.2f s, %,.0f users/s%n", claimed, perCall, seconds,
          claimed / seconds);
      assertThat(claimed).isEqualTo(size);
      assertThat(store.remainingCodes(id)).isZero();
    }
  }

  private void analyze() {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      for (String table : List.of("codes", "coupons", "user_claims", "code_index", "templates")) {
        st.execute("ANALYZE " + store.tablePrefix() + table);
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> codes(String prefix, int from, int to) {
    List<String> out = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      out.add(prefix + Long.toString(i * 7919L % 1_000_003 + 1_000_000, 36).toUpperCase());
    }
    return out;
  }
}
