package io.couponengine.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import io.couponengine.testing.Specs;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A claim transaction whose connection is killed ({@code pg_terminate_backend}) while it holds its locks, just
 * before commit: the claim either happened fully or not at all, and retrying with the same idempotency key is
 * correct.
 */
class PostgresFaultTest {
  private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

  private HikariDataSource pool;
  private JdbcCouponStore store;
  private Template template;

  @BeforeAll
  static void database() {
    TestDatabases.Target t = TestDatabases.postgres();
    assumeTrue(t.url() != null, t.whyNot());
  }

  @BeforeEach
  void setUp() {
    pool = TestDatabases.pool(TestDatabases.postgres().url(), 4);
    store = JdbcCouponStore.builder(pool).tablePrefix("fault" + System.nanoTime() % 100_000 + "_").build();
    store.createSchema();
    template = new Template("FAULT2", Specs.threshold(10, 1), TemplateStatus.CREATING, T0, null);
    store.insertTemplate(template);
    store.appendCodes(template.id(), 0, List.of("C-0", "C-1", "C-2", "C-3", "C-4"));
    store.updateTemplateStatus(template.id(), TemplateStatus.CREATING, TemplateStatus.AVAILABLE, null);
  }

  @AfterEach
  void tearDown() {
    try {
      store.dropSchema();
    } finally {
      pool.close();
    }
  }

  private static ClaimCommand claim(String couponId) {
    return new ClaimCommand("FAULT2", "victim", "key-1", couponId, 1, T0, T0.plusSeconds(3600));
  }

  /** Kills the claim's backend from another connection while the claim waits in its hook, locks held. */
  private void killInHook(AtomicInteger killed) {
    store.beforeClaimCommit = c -> {
      if (killed.get() > 0) {
        return;
      }
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        int pid = rs.getInt(1);
        try (Connection admin = DriverManager.getConnection(TestDatabases.postgres().url());
             PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
          kill.setInt(1, pid);
          kill.execute();
        }
        killed.incrementAndGet();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  @Test
  void claim_connectionKilledBeforeCommit_isRetriedOnceAndIssuesOneCoupon() {
    AtomicInteger killed = new AtomicInteger();
    killInHook(killed);
    ClaimResult r = store.claim(claim("id-1"));
    assertThat(killed.get()).isEqualTo(1);
    // the killed attempt rolled back; the store's retry (same key) claimed once
    assertThat(r.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(store.findCouponsByUser("victim")).containsExactly(r.couponOrNull());
    assertThat(store.remainingCodes("FAULT2")).isEqualTo(4);

    store.beforeClaimCommit = null;
    ClaimResult again = store.claim(claim("id-2"));
    assertThat(again.outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
    assertThat(again.couponOrNull()).isEqualTo(r.couponOrNull());
    assertThat(store.remainingCodes("FAULT2")).isEqualTo(4);
  }

  @Test
  void claim_connectionKilledWithoutRetry_nothingHappened_thenCallerRetryClaimsOnce() {
    JdbcCouponStore once = JdbcCouponStore.builder(pool).tablePrefix(store.tablePrefix()).maxAttempts(1).build();
    AtomicInteger killed = new AtomicInteger();
    store = once;
    killInHook(killed);
    CouponException e = null;
    try {
      once.claim(claim("id-1"));
    } catch (CouponException x) {
      e = x;
    }
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
    assertThat(e.getCause()).isInstanceOf(SQLException.class);
    // all or nothing: no coupon, the code is back in the pool, the user's counter untouched
    assertThat(once.findCouponsByUser("victim")).isEmpty();
    assertThat(once.remainingCodes("FAULT2")).isEqualTo(5);

    ClaimResult retry = once.claim(claim("id-2"));
    assertThat(retry.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    Coupon c = retry.couponOrNull();
    assertThat(once.claim(claim("id-3")).couponOrNull()).isEqualTo(c);
    assertThat(once.findCouponsByUser("victim")).containsExactly(c);
    assertThat(once.remainingCodes("FAULT2")).isEqualTo(4);
  }

  @Test
  void claim_waitingOnKilledLockHolder_isNotBlockedForever() throws Exception {
    // a claim of the same user waits on the victim's counter row; the kill releases it
    CountDownLatch inHook = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger pid = new AtomicInteger();
    store.beforeClaimCommit = c -> {
      if (pid.get() != 0) {
        return;
      }
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        pid.set(rs.getInt(1));
        inHook.countDown();
        release.await(30, TimeUnit.SECONDS);
      } catch (SQLException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    };
    CompletableFuture<ClaimResult> victim = CompletableFuture.supplyAsync(() -> store.claim(claim("id-1")));
    assertThat(inHook.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<ClaimResult> waiter = CompletableFuture.supplyAsync(
        () -> store.claim(new ClaimCommand("FAULT2", "victim", "key-2", "id-9", 1, T0, T0.plusSeconds(3600))));
    Thread.sleep(200);
    try (Connection admin = DriverManager.getConnection(TestDatabases.postgres().url());
         PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
      kill.setInt(1, pid.get());
      kill.execute();
    }
    release.countDown();
    ClaimResult v = victim.get(60, TimeUnit.SECONDS);
    ClaimResult w = waiter.get(60, TimeUnit.SECONDS);
    // limit 1: exactly one of the two keys holds the user's coupon, whoever won after the kill
    assertThat(List.of(v.outcome(), w.outcome())).containsExactlyInAnyOrder(ClaimOutcome.CLAIMED,
        ClaimOutcome.LIMIT_REACHED);
    assertThat(store.findCouponsByUser("victim")).hasSize(1);
    assertThat(store.remainingCodes("FAULT2")).isEqualTo(4);
  }
}
