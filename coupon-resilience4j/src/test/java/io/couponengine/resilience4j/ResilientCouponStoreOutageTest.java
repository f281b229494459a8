package io.couponengine.resilience4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.EventType;
import io.couponengine.redis.RedisCouponStore;
import io.couponengine.redis.RedisServer;
import io.couponengine.redis.TestRedis;
import io.couponengine.template.Template;
import io.couponengine.testing.MutableClock;
import io.couponengine.testing.Specs;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * An outage on a redis-server this test starts and really stops ({@code kill -STOP}) and resumes
 * ({@code kill -CONT}): never the shared {@code COUPON_REDIS_URL} server. The Jedis clients time out after 300 ms, so
 * a stopped server looks like what it is in production: a store that hangs.
 */
class ResilientCouponStoreOutageTest {
  private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");
  private static final int CODES = 1_000;
  private static final Duration OPEN_WAIT = Duration.ofSeconds(2);

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<RedisServer> stopped = new ArrayList<>();
  private ExecutorService pool;

  @AfterEach
  void tearDown() throws Exception {
    for (RedisServer s : stopped) {
      signal(s, "CONT"); // a stopped server would keep its clients' close() waiting
    }
    if (pool != null) {
      pool.shutdownNow();
    }
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void breaker_opensWhenTheServerStops_refusesFast_changesNothing_andClosesAfterResume() throws Exception {
    RedisServer server = server();
    String prefix = TestRedis.uniquePrefix();
    JedisPooled client = client(server, 16, 300);
    List<CouponEvent> events = new CopyOnWriteArrayList<>();
    ResilientCouponStore store = ResilientCouponStore.builder(new RedisCouponStore(client, prefix))
        .name("redis")
        .circuitBreaker(CircuitBreakerConfig.from(ResilientCouponStore.defaultCircuitBreakerConfig())
            .slidingWindowSize(10)
            .minimumNumberOfCalls(5)
            .waitDurationInOpenState(OPEN_WAIT)
            .permittedNumberOfCallsInHalfOpenState(3)
            .build())
        .listener(events::add)
        .build();
    CouponEngine engine = engine(store);
    Template t = engine.createTemplate(Specs.threshold(CODES, 1));
    engine.generation(t.id()).join();
    for (int i = 0; i < 10; i++) {
      assertThat(engine.claim(new ClaimRequest("h" + i, t.id(), "k")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    }
    assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);

    // the server stops: claims hang for the client's timeout and fail until the breaker has seen enough
    stop(server);
    pool = Executors.newFixedThreadPool(8);
    List<String> failedUsers = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (store.circuitBreaker().getState() != CircuitBreaker.State.OPEN) {
      assertThat(System.nanoTime()).as("breaker still closed after 10 s of a stopped server").isLessThan(deadline);
      List<Future<CouponException>> round = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String user = "f" + failedUsers.size();
        failedUsers.add(user);
        round.add(pool.submit(() -> claimFailure(engine, user, t.id())));
      }
      for (Future<CouponException> f : round) {
        CouponException e = f.get();
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
      }
    }
    Instant openedAt = Instant.now();
    long refusedBefore = store.refusedCalls();

    // while OPEN: every claim is refused without reaching the store, in microseconds
    int refusals = 2_000;
    long[] nanos = new long[refusals];
    for (int i = 0; i < refusals; i++) {
      long start = System.nanoTime();
      CouponException e = claimFailure(engine, "r" + i, t.id());
      nanos[i] = System.nanoTime() - start;
      assertThat(e).as("claim %d while open", i).isNotNull();
      assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
      assertThat(e.getCause()).isInstanceOf(CallNotPermittedException.class);
    }
    assertThat(Duration.between(openedAt, Instant.now())).as("the refusals ran before the half-open probes")
        .isLessThan(OPEN_WAIT);
    Arrays.sort(nanos);
    long p50 = nanos[refusals / 2];
    long p99 = nanos[refusals * 99 / 100];
    System.out.printf("refusal latency while OPEN over %d claims: p50 %.1f us, p99 %.1f us, max %.1f us%n",
        refusals, p50 / 1e3, p99 / 1e3, nanos[refusals - 1] / 1e3);
    assertThat(p99).as("p99 of a refusal, ns").isLessThan(TimeUnit.MILLISECONDS.toNanos(5));
    assertThat(store.refusedCalls() - refusedBefore).isEqualTo(refusals);

    // the server resumes; after the open wait the half-open probes close the breaker and claims succeed
    resume(server);
    sleepUntil(openedAt.plus(OPEN_WAIT));
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (store.circuitBreaker().getState() != CircuitBreaker.State.HALF_OPEN) { // automatic, without a call
      assertThat(System.nanoTime()).as("breaker not half-open after the wait").isLessThan(deadline);
      Thread.sleep(5);
    }
    List<String> afterUsers = new ArrayList<>();
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (store.circuitBreaker().getState() != CircuitBreaker.State.CLOSED || afterUsers.size() < 5) {
      assertThat(System.nanoTime()).as("breaker not closed 10 s after resume").isLessThan(deadline);
      String user = "a" + afterUsers.size();
      afterUsers.add(user);
      assertThat(engine.claim(new ClaimRequest(user, t.id(), "k")).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    }

    assertThat(events).allSatisfy(e -> {
      assertThat(e.type()).isEqualTo(EventType.STORE_STATE_CHANGED);
      assertThat(e.details()).containsEntry("store", "redis");
    });
    assertThat(events).extracting(e -> e.details().get("from") + "->" + e.details().get("to"))
        .containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");

    // recount from the store: no refused claim left a trace, the pool lost exactly the coupons issued
    for (int i = 0; i < refusals; i++) {
      assertThat(store.findCouponsByUser("r" + i)).as("coupons of refused user r%d", i).isEmpty();
    }
    long failedButApplied = 0; // a claim that timed out on the client may still have run once the server resumed
    for (String u : failedUsers) {
      failedButApplied += store.findCouponsByUser(u).size();
    }
    long issued = 10 + failedButApplied + afterUsers.size();
    assertThat(store.remainingCodes(t.id())).isEqualTo(CODES - issued);
    assertThat(store.stats(t.id()).orElseThrow().issued()).isEqualTo(issued);
    for (String u : afterUsers) {
      assertThat(store.findCouponsByUser(u)).hasSize(1);
    }
  }

  @Test
  void bulkhead_refusesAThirdConcurrentCall_atOnce_whileTwoHangOnAStoppedServer() throws Exception {
    RedisServer server = server();
    JedisPooled client = client(server, 4, 3_000);
    ResilientCouponStore store = ResilientCouponStore.builder(new RedisCouponStore(client, TestRedis.uniquePrefix()))
        .name("redis-bulkhead")
        .bulkhead(2, Duration.ZERO)
        .build();
    CouponEngine engine = engine(store);
    Template t = engine.createTemplate(Specs.threshold(100, 1));
    engine.generation(t.id()).join();

    stop(server);
    pool = Executors.newFixedThreadPool(2);
    Future<ClaimResult> first = pool.submit(() -> engine.claim(new ClaimRequest("b1", t.id(), "k")));
    Future<ClaimResult> second = pool.submit(() -> engine.claim(new ClaimRequest("b2", t.id(), "k")));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (store.bulkhead().getMetrics().getAvailableConcurrentCalls() > 0) {
      assertThat(System.nanoTime()).as("two calls in flight").isLessThan(deadline);
      Thread.sleep(1);
    }

    int refusals = 500;
    long[] nanos = new long[refusals];
    for (int i = 0; i < refusals; i++) {
      long start = System.nanoTime();
      CouponException e = claimFailure(engine, "b3", t.id());
      nanos[i] = System.nanoTime() - start;
      assertThat(e).isNotNull();
      assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
      assertThat(e.getCause()).isInstanceOf(BulkheadFullException.class);
    }
    Arrays.sort(nanos);
    System.out.printf("refusal latency with the bulkhead full over %d claims: first %.1f us, p99 %.1f us%n",
        refusals, nanos[0] / 1e3, nanos[refusals * 99 / 100] / 1e3);
    assertThat(nanos[refusals * 99 / 100]).isLessThan(TimeUnit.MILLISECONDS.toNanos(5));
    assertThat(nanos[refusals - 1]).as("slowest refusal, ns").isLessThan(TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(store.refusedCalls()).isEqualTo(refusals);
    assertThat(first.isDone() || second.isDone()).as("the two hung calls are still in flight").isFalse();

    resume(server);
    assertThat(first.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(second.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(store.bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
    assertThat(store.findCouponsByUser("b3")).isEmpty();
    assertThat(store.remainingCodes(t.id())).isEqualTo(98);
    assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  private static CouponException claimFailure(CouponEngine engine, String user, String templateId) {
    try {
      ClaimResult r = engine.claim(new ClaimRequest(user, templateId, "k"));
      fail("claim of %s answered %s while the store was stopped", user, r.outcome());
      return null;
    } catch (CouponException e) {
      return e;
    }
  }

  private RedisServer server() {
    RedisServer s = TestRedis.startOwnServer();
    toClose.add(s);
    return s;
  }

  private JedisPooled client(RedisServer s, int connections, int timeoutMillis) {
    JedisPooled j = TestRedis.newClient(s.hostAndPort(), connections, timeoutMillis);
    toClose.add(j);
    return j;
  }

  private CouponEngine engine(ResilientCouponStore store) {
    CouponEngine e = CouponEngine.builder().store(store).clock(new MutableClock(T0)).executor(Runnable::run)
        .generationBatchSize(1_000).build();
    toClose.add(e::close);
    return e;
  }

  private void stop(RedisServer s) throws Exception {
    signal(s, "STOP");
    stopped.add(s);
  }

  private void resume(RedisServer s) throws Exception {
    signal(s, "CONT");
    stopped.remove(s);
  }

  private static void signal(RedisServer s, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(s.pid())).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -%s %d", signal, s.pid()).isZero();
  }

  private static void sleepUntil(Instant when) throws InterruptedException {
    long millis = Duration.between(Instant.now(), when).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }
}
