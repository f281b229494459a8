package io.couponengine.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.template.Template;
import io.couponengine.testing.Specs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;

/**
 * Faults on servers this test starts itself (never on {@code COUPON_REDIS_URL}): SIGKILL under load with
 * {@code appendfsync always}, restart, SCRIPT FLUSH, and a client timeout after the script ran.
 */
class RedisFaultTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private RedisServer server(String... options) {
    RedisServer s;
    try {
      s = RedisServer.start(options);
    } catch (RuntimeException e) {
      org.junit.jupiter.api.Assumptions.abort("cannot start a redis-server here: " + e.getMessage());
      return null;
    }
    toClose.add(s);
    return s;
  }

  private JedisPooled client(RedisServer s, int timeoutMillis) {
    JedisPooled j = new JedisPooled(new org.apache.commons.pool2.impl.GenericObjectPoolConfig<>(), "127.0.0.1",
        s.port(), timeoutMillis);
    toClose.add(0, j); // closed after the server... order does not matter for a pool
    return j;
  }

  @Test
  void killDuringClaims_appendfsyncAlways_everyAcknowledgedClaimSurvives_andScriptsReload() throws Exception {
    RedisServer s = server("--appendonly", "yes", "--appendfsync", "always");
    JedisPooled jedis = client(s, 2_000);
    RedisCouponStore store = new RedisCouponStore(jedis, "fault");
    CouponEngine engine = CouponEngine.builder().store(store).executor(Runnable::run).build();
    toClose.add(0, engine);
    Template t = engine.generation(engine.createTemplate(Specs.threshold(50_000, 3)).id()).join();

    ConcurrentLinkedQueue<Coupon> acknowledged = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> wrong = new ConcurrentLinkedQueue<>();
    AtomicInteger unavailable = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      Thread th = new Thread(() -> {
        while (!stop.get()) {
          int i = next.getAndIncrement();
          try {
            ClaimResult r = engine.claim(new ClaimRequest("user-" + (i % 20_000), t.id(), "k" + i));
            if (r.outcome() == ClaimOutcome.CLAIMED) {
              acknowledged.add(r.couponOrNull());
            } else if (r.outcome() != ClaimOutcome.LIMIT_REACHED) {
              wrong.add(new AssertionError("unexpected outcome " + r.outcome()));
            }
          } catch (CouponException e) {
            if (e.code() == ErrorCode.STORE_UNAVAILABLE) {
              unavailable.incrementAndGet();
            } else {
              wrong.add(e);
            }
          } catch (Throwable e) {
            wrong.add(e);
          }
        }
      });
      th.start();
      threads.add(th);
    }
    while (acknowledged.size() < 2_000) {
      Thread.sleep(10);
    }
    s.kill(); // SIGKILL in the middle of the load
    Thread.sleep(300);
    stop.set(true);
    for (Thread th : threads) {
      th.join();
    }
    assertThat(wrong).as("anything but CLAIMED/LIMIT_REACHED/STORE_UNAVAILABLE").isEmpty();
    assertThat(unavailable.get()).as("clients saw the outage").isPositive();

    s.restart(); // same port and directory: the AOF is replayed, the script cache is empty
    List<Coupon> acked = new ArrayList<>(acknowledged);
    for (int attempt = 0; ; attempt++) { // pooled connections broken by the kill fail once each
      try {
        store.remainingCodes(t.id());
        break;
      } catch (CouponException e) {
        if (attempt > 20) {
          throw e;
        }
      }
    }
    for (Coupon c : acked) {
      Optional<Coupon> found = retry(() -> store.findCouponByCode(c.code()));
      assertThat(found).as("acknowledged claim %s survived", c.id()).isPresent();
      assertThat(found.get().id()).isEqualTo(c.id());
      assertThat(found.get().userId()).isEqualTo(c.userId());
    }
    long issued = 50_000 - retry(() -> store.remainingCodes(t.id()));
    assertThat(issued).as("issued after restart >= acknowledged").isGreaterThanOrEqualTo(acked.size());
    // NOSCRIPT after the restart is answered by loading the script again
    ClaimResult after = retry(() -> engine.claim(new ClaimRequest("after-restart", t.id(), "x")));
    assertThat(after.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
  }

  @Test
  void scriptFlush_scriptsAreLoadedAgain() {
    RedisServer s = server();
    JedisPooled jedis = client(s, 2_000);
    RedisCouponStore store = new RedisCouponStore(jedis, "flush");
    CouponEngine engine = CouponEngine.builder().store(store).executor(Runnable::run).build();
    toClose.add(0, engine);
    Template t = engine.generation(engine.createTemplate(Specs.threshold(10, 5)).id()).join();
    assertThat(engine.claim(new ClaimRequest("u", t.id(), "1")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    jedis.scriptFlush();
    assertThat(jedis.scriptExists(RedisCouponStore.scripts().get(0).sha(), "x")).isFalse();
    assertThat(engine.claim(new ClaimRequest("u", t.id(), "2")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    jedis.scriptFlush();
    Coupon c = engine.coupons("u", io.couponengine.coupon.CouponStatus.USABLE).get(0);
    assertThat(engine.reserve("u", "o1", List.of(c.code())).outcome().isSuccess()).isTrue();

    // the pipelined paths (grant, import) send again exactly the calls answered NOSCRIPT
    jedis.scriptFlush();
    Instant now = Instant.now();
    List<ClaimCommand> grant = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      grant.add(new ClaimCommand(t.id(), "g" + i, "grant", "cg-" + i, 5, now, now.plusSeconds(3600)));
    }
    assertThat(store.grant(grant)).extracting(ClaimResult::outcome).containsOnly(ClaimOutcome.CLAIMED,
        ClaimOutcome.SOLD_OUT);
    assertThat(store.remainingCodes(t.id())).isZero();
    jedis.scriptFlush();
    Template ext = new Template("FLUSHX", RedisDistributionTest.spec(0, 1)
        .distribution(io.couponengine.template.Distribution.CODE_ENTRY)
        .externalCodes(io.couponengine.template.CodeRules.ALPHANUMERIC).build(),
        io.couponengine.template.TemplateStatus.AVAILABLE, now, null);
    assertThat(store.insertTemplate(ext)).isTrue();
    assertThat(store.importCodes(ext.id(), RedisDistributionTest.codes("FLX", 25_000))).isEqualTo(25_000);
    jedis.scriptFlush();
    ClaimCommand bind = new ClaimCommand(ext.id(), "b", "k", "cb-1", 1, now, now.plusSeconds(3600));
    assertThat(store.claimCode(new io.couponengine.spi.CodeClaimCommand("b", bind, "FLX0000007", 3,
        java.time.Duration.ofMinutes(1), now)).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
  }

  @Test
  void clientTimeoutAfterTheScriptRan_retryWithSameKey_returnsSameCouponAsDuplicate() throws Exception {
    RedisServer s = server();
    JedisPooled normal = client(s, 5_000);
    JedisPooled impatient = client(s, 200);
    RedisCouponStore store = new RedisCouponStore(normal, "timeout");
    RedisCouponStore hurried = new RedisCouponStore(impatient, "timeout");
    CouponEngine engine = CouponEngine.builder().store(store).executor(Runnable::run).build();
    toClose.add(0, engine);
    Template t = engine.generation(engine.createTemplate(Specs.threshold(10, 5)).id()).join();
    // a first claim loads the script, as in a running system; the impatient client's connection is warmed
    assertThat(engine.claim(new ClaimRequest("warm", t.id(), "w")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    hurried.remainingCodes(t.id());
    Instant now = Instant.now();
    ClaimCommand cmd = new ClaimCommand(t.id(), "u1", "retry-me", "cid-1", 5, now, now.plusSeconds(3600));

    // the server is busy for 0.6 s: the claim queued behind it runs, but after the client gave up at 0.2 s
    Thread sleeper = new Thread(() -> {
      try (Jedis j = new Jedis(s.hostAndPort())) {
        j.sendCommand(() -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "SLEEP", "0.6");
      }
    });
    sleeper.start();
    Thread.sleep(100);
    assertThatThrownBy(() -> hurried.claim(cmd)).isInstanceOf(CouponException.class)
        .extracting(e -> ((CouponException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
    sleeper.join();

    ClaimCommand retry = new ClaimCommand(t.id(), "u1", "retry-me", "cid-2", 5, now, now.plusSeconds(3600));
    ClaimResult r = store.claim(retry);
    assertThat(r.outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
    assertThat(r.couponOrNull().id()).as("the coupon of the timed-out attempt").isEqualTo("cid-1");
    assertThat(store.remainingCodes(t.id())).isEqualTo(8);
    assertThat(store.findCouponsByUser("u1")).extracting(Coupon::id).containsExactly("cid-1");
  }

  private static <T> T retry(java.util.function.Supplier<T> call) {
    for (int attempt = 0; ; attempt++) {
      try {
        return call.get();
      } catch (CouponException e) {
        if (e.code() != ErrorCode.STORE_UNAVAILABLE || attempt > 20) {
          throw e;
        }
      }
    }
  }
}
