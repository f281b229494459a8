package io.couponengine.examples;

import io.couponengine.CouponEngine;
import io.couponengine.cache.NearCachedStore;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.EventType;
import io.couponengine.resilience4j.ResilientCouponStore;
import io.couponengine.spi.CouponStore;
import io.couponengine.template.Scope;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStats;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.Jedis;

/**
 * A store outage under load (issue #12): 50 threads claim and read through {@code CouponEngine →
 * NearCachedStore (stale-if-error) → ResilientCouponStore (circuit breaker, bulkhead) → the store} while the store
 * goes away for 10 seconds and comes back.
 *
 * <pre>
 * java -cp coupon-examples/target/coupon-examples.jar io.couponengine.examples.StoreOutageDemo
 * java -cp ... StoreOutageDemo --store redis://127.0.0.1:6379          # a given local server (SIGSTOPped!)
 * java -cp ... StoreOutageDemo --store 'jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres'
 * java -cp ... StoreOutageDemo --pg 'jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres'   # Redis, then PG
 * </pre>
 *
 * <p>The outage: on Redis the server process is stopped with {@code kill -STOP} and resumed with {@code kill -CONT}
 * (connections stay open, every call waits for the client's timeout: the hard case). By default the program starts
 * its own {@code redis-server} on a free port ({@code --save "" --appendonly no}) and stops it at the end; given
 * {@code --store redis://host:port} (or {@code --redis}) it finds the server's pid with {@code INFO server}, which
 * only works for a server on this machine, and that server is stopped for the outage. On PostgreSQL an admin
 * connection runs {@code pg_terminate_backend} on the demo's backends (found by their {@code application_name})
 * every 100 ms; {@code --jdbc-attempts N} sets the JDBC store's attempts per transaction (default 5: a lost
 * connection is retried).
 *
 * <p>Phases: {@code --healthy-s} (5) seconds healthy, {@code --outage-s} (10) seconds of outage, {@code --after-s}
 * (8) seconds after. Each of {@code --threads} (50) threads loops, pausing {@code --pause-ms} between calls (5 on
 * Redis, 20 on PostgreSQL: a load each store serves while healthy on a 2-core box):
 * 30% claims (new users, three claims each against a per-user limit of 2, on a template of {@code --codes} (20,000)
 * codes, fewer than the claims), 50% reads of a warmed-up user's coupons, 20% reads of the template. The Redis client
 * and the JDBC pool time out after {@code --timeout-ms} (500): the configured timeout. Every second one line:
 * claims that got a coupon, claims answered by a rule (sold out, limit), claims refused (STORE_UNAVAILABLE from the
 * bulkhead or the breaker, without touching the store), claims that failed on the store; reads served fresh, stale
 * (the store failed or refused, the near-cache answered) and failed; the p99 latency of the refused calls; how many
 * calls failed slowly (STORE_UNAVAILABLE after {@code --fast-ms}, 50, or more: they waited for the store); the
 * slowest call; the breaker's state. At the end the
 * invariants are recounted from the store's own data (every user who tried, through the store's
 * {@code findCouponsByUser}): 0 over-issued, 0 duplicate codes, 0 users over the limit, every claim the program saw
 * CLAIMED present. The last line of each run is one JSON object.
 *
 * <p>Other options: {@code --bulkhead N} (25 concurrent store calls, no wait), {@code --open-wait-ms} (2,000: how
 * long the breaker stays open before 3 probes), {@code --cache-ttl-ms} (1,000: the near-cache's TTL, short so that
 * reads during the outage need the stale value), {@code --warm-users} (1,000 users who claim once and are read
 * before the clock starts; the reads pick among them). Figures and how to read them: BENCHMARKS.md, "Store outage".
 */
public final class StoreOutageDemo {
  private static final int LIMIT = 2;
  private static final String TEMPLATE_NAME = "Outage sale: 20 off 100";

  private StoreOutageDemo() {}

  /**
   * Runs the demo.
   *
   * @param argv {@code --name value} options, see the class comment
   * @throws Exception when a store cannot be opened or the recount finds no store
   */
  public static void main(String[] argv) throws Exception {
    // a terminated backend is expected here: Hikari's warning with a stack trace per connection would bury the table
    System.setProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "error");
    Args args = new Args(argv);
    Settings s = new Settings(args);
    List<String> stores = new ArrayList<>();
    String primary = args.string("store", args.string("redis", null));
    String pg = args.string("pg", null);
    if (primary != null) {
      stores.add(primary);
    } else {
      stores.add("redis");
    }
    if (pg != null) {
      stores.add(pg);
    }
    for (String store : stores) {
      System.out.println(new Run(store, s).run());
    }
  }

  /** The options of one invocation. */
  static final class Settings {
    final int threads;
    final int healthySeconds;
    final int outageSeconds;
    final int afterSeconds;
    final int timeoutMillis;
    final int fastMillis;
    final long codes;
    final long redisPauseNanos;
    final long pgPauseNanos;
    final int jdbcAttempts;
    final int cacheTtlMillis;
    final int bulkhead;
    final int warmUsers;
    final int openWaitMillis;

    Settings(Args args) {
      threads = args.intValue("threads", 50);
      healthySeconds = args.intValue("healthy-s", 5);
      outageSeconds = args.intValue("outage-s", 10);
      afterSeconds = args.intValue("after-s", 8);
      timeoutMillis = args.intValue("timeout-ms", 500);
      fastMillis = args.intValue("fast-ms", 50);
      codes = args.intValue("codes", 20_000);
      redisPauseNanos = TimeUnit.MILLISECONDS.toNanos(args.intValue("pause-ms", 5));
      pgPauseNanos = TimeUnit.MILLISECONDS.toNanos(args.intValue("pause-ms", 20));
      jdbcAttempts = args.intValue("jdbc-attempts", 0);
      cacheTtlMillis = args.intValue("cache-ttl-ms", 1_000);
      bulkhead = args.intValue("bulkhead", 25);
      warmUsers = args.intValue("warm-users", 1_000);
      openWaitMillis = args.intValue("open-wait-ms", 2_000);
    }

    int seconds() {
      return healthySeconds + outageSeconds + afterSeconds;
    }
  }

  /** How the store is taken away and given back. */
  interface Outage extends AutoCloseable {
    String how();

    void begin() throws Exception;

    void end() throws Exception;

    @Override
    void close();
  }

  /** One run on one store: open, warm up, load with an outage in the middle, recount, one JSON line. */
  static final class Run {
    private final String spec;
    private final Settings s;
    private final String appName = "coupon-outage-" + UUID.randomUUID().toString().substring(0, 8);
    private final Second[] seconds;
    private final Histogram outageRefused = new Histogram(); // refused by the bulkhead or the breaker
    private final Histogram outageFailed = new Histogram(); // tried on the store, failed
    private final AtomicLong outageMaxNanos = new AtomicLong(); // any call
    private final AtomicLong outageMaxWaitNanos = new AtomicLong(); // any call started once the breaker was open
    private final AtomicLong beforeOpenMaxNanos = new AtomicLong();
    private final LongAdder slowRefusedClaims = new LongAdder(); // refused, yet slow: waited inside the stack
    private final LongAdder slowRefusedReads = new LongAdder();
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>(); // code -> user
    private final AtomicLong nextClaim = new AtomicLong();
    private final LongAdder soldOut = new LongAdder();
    private final LongAdder limitReached = new LongAdder(); // and any other refusal by rule (none expected)
    private final ThreadLocal<boolean[]> staleFlag = ThreadLocal.withInitial(() -> new boolean[1]);
    private long pauseNanos;
    private volatile long t0;
    private volatile long outageStart = Long.MAX_VALUE;
    private volatile long outageEnd = Long.MAX_VALUE;
    private final AtomicLong openedAt = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong firstClaimAfter = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong closedAfter = new AtomicLong(Long.MAX_VALUE);

    Run(String spec, Settings s) {
      this.spec = spec;
      this.s = s;
      this.seconds = new Second[s.seconds() + 2];
      for (int i = 0; i < seconds.length; i++) {
        seconds[i] = new Second();
      }
    }

    String run() throws Exception {
      RedisServer own = null;
      String storeSpec = spec;
      Outage outage;
      String kind;
      if (spec.equals("redis")) {
        own = RedisServer.start();
        storeSpec = "redis://127.0.0.1:" + own.port;
        outage = new Sigstop(own.process.pid(), "own redis-server");
        kind = "redis";
        pauseNanos = s.redisPauseNanos;
      } else if (spec.startsWith("redis://")) {
        URI uri = URI.create(spec);
        outage = new Sigstop(redisPid(uri), "given redis-server");
        kind = "redis";
        pauseNanos = s.redisPauseNanos;
      } else if (spec.startsWith("jdbc:postgresql:")) {
        outage = new Terminator(spec, appName);
        kind = "postgresql";
        pauseNanos = s.pgPauseNanos;
      } else {
        throw new IllegalArgumentException("--store must be redis (own server), redis://host:port (a local server) "
            + "or jdbc:postgresql:..., not " + spec);
      }
      try (outage;
           StoreOption opened = StoreOption.open(storeSpec, s.bulkhead + 4, Duration.ofMillis(s.timeoutMillis),
               appName, s.jdbcAttempts)) {
        return run(kind, opened, outage);
      } finally {
        if (own != null) {
          own.close();
        }
      }
    }

    private String run(String kind, StoreOption opened, Outage outage) throws Exception {
      ResilientCouponStore resilient = ResilientCouponStore.builder(opened.store)
          .name(kind)
          .circuitBreaker(CircuitBreakerConfig.from(ResilientCouponStore.defaultCircuitBreakerConfig())
              .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
              .slidingWindowSize(20)
              .minimumNumberOfCalls(10)
              .failureRateThreshold(50)
              .waitDurationInOpenState(Duration.ofMillis(s.openWaitMillis))
              .permittedNumberOfCallsInHalfOpenState(3)
              .build())
          .bulkhead(s.bulkhead, Duration.ZERO)
          .listener(this::onStoreEvent)
          .build();
      NearCachedStore near = NearCachedStore.builder(resilient)
          .ttl(Duration.ofMillis(s.cacheTtlMillis))
          .staleIfError(Duration.ofMinutes(5))
          .staleReadListener((what, key, age) -> staleFlag.get()[0] = true)
          .build();
      System.out.printf(Locale.ROOT, "Store outage demo on the %s; outage: %s%n", opened.description, outage.how());
      System.out.printf(Locale.ROOT, "  %d threads (a call every %d ms each), client timeout %d ms, breaker: 50%% of "
              + "20 calls, open %d ms, bulkhead %d calls (no wait), near-cache TTL %d ms, stale-if-error 5 min%n",
          s.threads, TimeUnit.NANOSECONDS.toMillis(pauseNanos), s.timeoutMillis, s.openWaitMillis, s.bulkhead,
          s.cacheTtlMillis);
      try (CouponEngine engine = CouponEngine.builder().store(near).build()) {
        Template t = engine.generation(engine.createTemplate(ClaimLoad.spec(TEMPLATE_NAME, s.codes, LIMIT)
            .scope(Scope.goodsTypes("digital", "books")).build()).id()).join();
        warmUp(engine, t.id());
        Map<String, Object> outageFigures = load(engine, t.id(), resilient, near, outage);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("store", kind);
        json.put("threads", s.threads);
        json.put("pause_ms", TimeUnit.NANOSECONDS.toMillis(pauseNanos));
        json.put("timeout_ms", s.timeoutMillis);
        json.putAll(outageFigures);
        json.putAll(recount(opened.store, t.id()));
        json.put("refused_by_resilient_store", resilient.refusedCalls());
        json.put("stale_reads_near_cache", near.staleReads());
        return ClaimLoad.json(json);
      }
    }

    private void onStoreEvent(CouponEvent e) {
      if (e.type() != EventType.STORE_STATE_CHANGED) {
        return;
      }
      long now = System.nanoTime();
      String to = e.details().getOrDefault("to", "?");
      if (to.equals("OPEN") && now >= outageStart && now < outageEnd) {
        openedAt.compareAndSet(Long.MAX_VALUE, now);
      }
      if (to.equals("CLOSED") && now >= outageEnd) {
        closedAfter.compareAndSet(Long.MAX_VALUE, now);
      }
      System.out.printf(Locale.ROOT, "         [%6.2f s] breaker %s -> %s%n", (now - t0) / 1e9,
          e.details().getOrDefault("from", "?"), to);
    }

    /** Warm-up users claim once each and are read once, so the near-cache holds them and the template. */
    private void warmUp(CouponEngine engine, String templateId) throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(s.bulkhead); // as many as may call: the pool fills up
      try {
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < s.warmUsers; w++) {
          String user = "w-" + w;
          fs.add(pool.submit(() -> {
            ClaimResult r = retrying(() -> engine.claim(new ClaimRequest(user, templateId, "warm-" + user)));
            if (r.outcome() == ClaimOutcome.CLAIMED) {
              acknowledged.put(r.coupon().orElseThrow().code(), user);
            }
            retrying(() -> engine.coupons(user, CouponStatus.USABLE));
            retrying(() -> engine.template(templateId));
            return null;
          }));
        }
        for (Future<?> f : fs) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
    }

    /** Warm-up calls are not measured: a refusal (a slow first connection filled the bulkhead) is tried again. */
    private static <T> T retrying(java.util.function.Supplier<T> call) throws InterruptedException {
      for (int attempt = 1; ; attempt++) {
        try {
          return call.get();
        } catch (CouponException e) {
          if (e.code() != ErrorCode.STORE_UNAVAILABLE || attempt == 50) {
            throw e;
          }
          Thread.sleep(10);
        }
      }
    }

    private Map<String, Object> load(CouponEngine engine, String templateId, ResilientCouponStore resilient,
        NearCachedStore near, Outage outage) throws Exception {
      System.out.println("                  ------------ claims -----------  ------- reads -------  refused      slow"
          + "   slowest");
      System.out.println("     s  phase    claimed  by rule  refused  failed    fresh   stale  failed  p99 (ms)   calls"
          + " call (ms)  breaker");
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService workers = Executors.newFixedThreadPool(s.threads);
      List<Future<?>> fs = new ArrayList<>();
      long[] end = new long[1];
      for (int i = 0; i < s.threads; i++) {
        fs.add(workers.submit(() -> {
          start.await();
          work(engine, templateId, end[0]);
          return null;
        }));
      }
      ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();
      t0 = System.nanoTime();
      end[0] = t0 + TimeUnit.SECONDS.toNanos(s.seconds());
      int[] printed = {0};
      reporter.scheduleAtFixedRate(() -> printSecond(printed[0]++, resilient), 1_020, 1_000, TimeUnit.MILLISECONDS);
      start.countDown();
      try {
        sleepUntil(t0 + TimeUnit.SECONDS.toNanos(s.healthySeconds));
        outageStart = System.nanoTime();
        outage.begin();
        sleepUntil(outageStart + TimeUnit.SECONDS.toNanos(s.outageSeconds));
        outageEnd = System.nanoTime();
        outage.end();
      } finally {
        outage.end(); // idempotent: never leave the store down
      }
      for (Future<?> f : fs) {
        f.get();
      }
      workers.shutdown();
      sleepUntil(t0 + TimeUnit.SECONDS.toNanos(s.seconds()) + 1_100_000_000L);
      reporter.shutdown();
      reporter.awaitTermination(5, TimeUnit.SECONDS);

      long opened = openedAt.get();
      Map<String, Object> out = new LinkedHashMap<>();
      long claimed = 0;
      long refused = 0;
      long failed = 0;
      long slow = 0;
      long fresh = 0;
      long stale = 0;
      long readsFailed = 0;
      for (Second sec : seconds) {
        claimed += sec.claimed.sum();
        refused += sec.claimsRefused.sum();
        failed += sec.claimsFailed.sum();
        slow += sec.slow.sum();
        fresh += sec.readsFresh.sum();
        stale += sec.readsStale.sum();
        readsFailed += sec.readsFailed.sum();
      }
      out.put("healthy_s", s.healthySeconds);
      out.put("outage_s", s.outageSeconds);
      out.put("after_s", s.afterSeconds);
      out.put("claims_attempted", nextClaim.get() + s.warmUsers);
      out.put("claimed", claimed + acknowledgedWarm());
      out.put("sold_out", soldOut.sum());
      out.put("limit_reached", limitReached.sum());
      out.put("claims_refused", refused);
      out.put("claims_failed", failed);
      out.put("calls_failed_slow", slow);
      out.put("reads_fresh", fresh);
      out.put("reads_stale", stale);
      out.put("reads_failed", readsFailed);
      out.put("breaker_opened_after_ms", opened == Long.MAX_VALUE ? -1.0 : ms(opened - outageStart));
      out.put("before_open_max_ms", ms(beforeOpenMaxNanos.get()));
      out.put("outage_refused", outageRefused.count());
      out.put("outage_refused_p50_ms", ms3(outageRefused.percentileMillis(0.50)));
      out.put("outage_refused_p99_ms", ms3(outageRefused.percentileMillis(0.99)));
      out.put("outage_refused_max_ms", ms3(outageRefused.maxMillis()));
      out.put("refused_slow_claims", slowRefusedClaims.sum());
      out.put("refused_slow_reads", slowRefusedReads.sum());
      out.put("outage_failed", outageFailed.count());
      out.put("outage_failed_p99_ms", ms3(outageFailed.percentileMillis(0.99)));
      out.put("outage_failed_max_ms", ms3(outageFailed.maxMillis()));
      out.put("outage_max_ms", ms(outageMaxNanos.get()));
      out.put("outage_max_wait_after_open_ms", opened == Long.MAX_VALUE ? -1.0 : ms(outageMaxWaitNanos.get()));
      long first = firstClaimAfter.get();
      out.put("first_claim_after_resume_ms", first == Long.MAX_VALUE ? -1.0 : ms(first - outageEnd));
      long closed = closedAfter.get();
      out.put("breaker_closed_after_resume_ms", closed == Long.MAX_VALUE ? -1.0 : ms(closed - outageEnd));
      System.out.printf(Locale.ROOT, "  outage: %,d calls refused (bulkhead or breaker), p50 %s ms, p99 %s ms, max "
              + "%s ms; %,d calls tried on the store and failed, p99 %s ms, max %s ms; slowest call %s ms%n",
          outageRefused.count(), out.get("outage_refused_p50_ms"), out.get("outage_refused_p99_ms"),
          out.get("outage_refused_max_ms"), outageFailed.count(), out.get("outage_failed_p99_ms"),
          out.get("outage_failed_max_ms"), out.get("outage_max_ms"));
      System.out.printf(Locale.ROOT, "  breaker: %s; slowest call once it was open %s ms (timeout %d ms)%n",
          opened == Long.MAX_VALUE ? "never opened"
              : "open " + out.get("breaker_opened_after_ms") + " ms after the store went away (slowest call before: "
                  + out.get("before_open_max_ms") + " ms)",
          out.get("outage_max_wait_after_open_ms"), s.timeoutMillis);
      System.out.printf(Locale.ROOT, "  recovery: first coupon %s ms after the store came back, breaker closed "
          + "after %s ms%n", out.get("first_claim_after_resume_ms"), out.get("breaker_closed_after_resume_ms"));
      return out;
    }

    private long acknowledgedWarm() {
      return acknowledged.values().stream().filter(u -> u.startsWith("w-")).count();
    }

    private void work(CouponEngine engine, String templateId, long endNanos) {
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      boolean[] stale = staleFlag.get();
      while (System.nanoTime() < endNanos) {
        int dice = rnd.nextInt(10);
        boolean claim = dice < 3;
        stale[0] = false;
        long begin = System.nanoTime();
        ClaimResult result = null;
        CouponException failure = null;
        String user = null;
        try {
          if (claim) {
            long i = nextClaim.getAndIncrement();
            user = "u-" + (i / 3);
            result = engine.claim(new ClaimRequest(user, templateId, "c-" + i));
          } else if (dice < 8) {
            engine.coupons("w-" + rnd.nextInt(s.warmUsers), CouponStatus.USABLE);
          } else {
            engine.template(templateId);
          }
        } catch (CouponException e) {
          if (e.code() != ErrorCode.STORE_UNAVAILABLE) {
            throw e;
          }
          failure = e;
        }
        long done = System.nanoTime();
        record(begin, done, claim, result, user, failure, stale[0]);
        LockSupport.parkNanos(pauseNanos);
      }
    }

    private void record(long begin, long done, boolean claim, ClaimResult result, String user,
        CouponException failure, boolean stale) {
      long took = done - begin;
      Second sec = seconds[(int) Math.min(seconds.length - 1, Math.max(0, (done - t0) / 1_000_000_000L))];
      sec.max.accumulateAndGet(took, Math::max);
      boolean inOutage = begin >= outageStart && begin < outageEnd;
      boolean afterOpen = inOutage && begin >= openedAt.get();
      if (inOutage) {
        outageMaxNanos.accumulateAndGet(took, Math::max);
        (afterOpen ? outageMaxWaitNanos : beforeOpenMaxNanos).accumulateAndGet(took, Math::max);
      }
      if (failure != null) {
        boolean refused = isRefusal(failure);
        if (refused) {
          sec.refusedLatency.record(took);
          if (took >= TimeUnit.MILLISECONDS.toNanos(s.fastMillis)) {
            (claim ? slowRefusedClaims : slowRefusedReads).increment();
          }
        }
        if (inOutage) {
          (refused ? outageRefused : outageFailed).record(took);
        }
        if (took >= TimeUnit.MILLISECONDS.toNanos(s.fastMillis)) {
          sec.slow.increment();
        }
        if (!claim) {
          sec.readsFailed.increment();
        } else if (refused) {
          sec.claimsRefused.increment();
        } else {
          sec.claimsFailed.increment();
        }
        return;
      }
      if (claim) {
        if (result.outcome() == ClaimOutcome.CLAIMED) {
          sec.claimed.increment();
          acknowledged.put(result.coupon().orElseThrow().code(), user);
          if (done >= outageEnd) {
            firstClaimAfter.accumulateAndGet(done, Math::min);
          }
        } else {
          sec.byRule.increment();
          (result.outcome() == ClaimOutcome.SOLD_OUT ? soldOut : limitReached).increment();
        }
      } else if (stale) {
        sec.readsStale.increment();
      } else {
        sec.readsFresh.increment();
      }
    }

    /** Refused without reaching the store: the resilient store names the Resilience4j refusal as the cause. */
    private static boolean isRefusal(CouponException e) {
      return e.getCause() instanceof BulkheadFullException || e.getCause() instanceof CallNotPermittedException;
    }

    private void printSecond(int i, ResilientCouponStore resilient) {
      if (i >= s.seconds()) {
        return;
      }
      Second sec = seconds[i];
      long secondStart = t0 + TimeUnit.SECONDS.toNanos(i);
      long middle = secondStart + 500_000_000L;
      String phase = middle < outageStart ? "healthy" : middle < outageEnd ? "OUTAGE" : "after";
      long refusedCalls = sec.refusedLatency.count();
      System.out.printf(Locale.ROOT, "  %4d  %-7s %8s %8s %8s %7s %8s %7s %7s %11s %6s %9.1f  %s%n", i + 1, phase,
          n(sec.claimed.sum()), n(sec.byRule.sum()), n(sec.claimsRefused.sum()), n(sec.claimsFailed.sum()),
          n(sec.readsFresh.sum()), n(sec.readsStale.sum()), n(sec.readsFailed.sum()),
          refusedCalls == 0 ? "-" : String.format(Locale.ROOT, "%.3f", sec.refusedLatency.percentileMillis(0.99)),
          n(sec.slow.sum()), ms(sec.max.get()),
          resilient.circuitBreaker().getState());
    }

    /** Reads every user who tried back from the store itself (not through the breaker or the cache). */
    private Map<String, Object> recount(CouponStore store, String templateId) throws Exception {
      awaitStore(store, templateId);
      long claimUsers = (nextClaim.get() + 2) / 3;
      List<String> users = new ArrayList<>();
      for (int w = 0; w < s.warmUsers; w++) {
        users.add("w-" + w);
      }
      for (long u = 0; u < claimUsers; u++) {
        users.add("u-" + u);
      }
      Map<String, List<String>> held = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> fs = new ArrayList<>();
        int chunk = 500;
        for (int from = 0; from < users.size(); from += chunk) {
          List<String> part = users.subList(from, Math.min(users.size(), from + chunk));
          fs.add(pool.submit(() -> {
            for (String u : part) {
              List<String> codes = new ArrayList<>();
              for (Coupon c : store.findCouponsByUser(u)) {
                if (c.templateId().equals(templateId)) {
                  codes.add(c.code());
                }
              }
              held.put(u, codes);
            }
            return null;
          }));
        }
        for (Future<?> f : fs) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      ClaimLoad.Report report = new ClaimLoad.Report();
      long remaining = store.remainingCodes(templateId);
      ClaimLoad.recount(held.values(), 0, remaining, s.codes, LIMIT, report);
      long missing = 0;
      for (Map.Entry<String, String> e : acknowledged.entrySet()) {
        if (!held.getOrDefault(e.getValue(), List.of()).contains(e.getKey())) {
          missing++;
        }
      }
      Optional<TemplateStats> stats = store.stats(templateId);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("codes", s.codes);
      out.put("users_tried", users.size());
      out.put("issued_recounted", report.issuedInStore);
      out.put("remaining_recounted", report.remaining);
      stats.ifPresent(st -> out.put("issued_stats", st.issued()));
      out.put("over_issued", report.overIssued);
      out.put("duplicate_codes", report.duplicateCodes);
      out.put("users_over_limit", report.usersOverLimit);
      out.put("acknowledged", acknowledged.size());
      out.put("acknowledged_missing", missing);
      out.put("issued_unacknowledged", report.issuedInStore - (acknowledged.size() - missing));
      System.out.printf(Locale.ROOT, "  recount from the store (%,d users): %,d coupons issued, %,d codes left of "
              + "%,d; over-issued %d, duplicate codes %d, users over the limit %d; %,d claims acknowledged, %d of "
              + "them missing; %,d issued without an acknowledgement (the client gave up, the store went on)%n",
          users.size(), report.issuedInStore, report.remaining, s.codes, report.overIssued, report.duplicateCodes,
          report.usersOverLimit, acknowledged.size(), missing, out.get("issued_unacknowledged"));
      return out;
    }

    /** After the outage the store may need a moment: ask it directly until it answers (30 s at most). */
    private static void awaitStore(CouponStore store, String templateId) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try {
          store.findTemplate(templateId);
          return;
        } catch (CouponException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(200);
        }
      }
    }
  }

  /** One second of the run, by the time calls completed. */
  static final class Second {
    final LongAdder claimed = new LongAdder();
    final LongAdder byRule = new LongAdder();
    final LongAdder claimsRefused = new LongAdder();
    final LongAdder claimsFailed = new LongAdder();
    final LongAdder slow = new LongAdder();
    final LongAdder readsFresh = new LongAdder();
    final LongAdder readsStale = new LongAdder();
    final LongAdder readsFailed = new LongAdder();
    final Histogram refusedLatency = new Histogram();
    final AtomicLong max = new AtomicLong();
  }

  /** Latencies: 1 µs buckets below 10 ms, 1 ms buckets from 10 ms to 1 s, one bucket above. */
  static final class Histogram {
    private static final int FINE = 10_000;
    private final AtomicLongArray counts = new AtomicLongArray(FINE + 991);
    private final AtomicLong max = new AtomicLong();

    void record(long nanos) {
      long micros = nanos / 1_000;
      int i = micros < FINE ? (int) micros : FINE + (int) Math.min(990, (micros - FINE) / 1_000);
      counts.incrementAndGet(i);
      max.accumulateAndGet(nanos, Math::max);
    }

    long count() {
      long n = 0;
      for (int i = 0; i < counts.length(); i++) {
        n += counts.get(i);
      }
      return n;
    }

    /** The upper edge of the bucket holding the given fraction (capped by the maximum), in ms; -1 when empty. */
    double percentileMillis(double fraction) {
      long n = count();
      if (n == 0) {
        return -1;
      }
      long rank = (long) Math.ceil(fraction * n);
      long seen = 0;
      for (int i = 0; i < counts.length(); i++) {
        seen += counts.get(i);
        if (seen >= rank) {
          double micros = i < FINE ? i + 1 : FINE + (i - FINE + 1) * 1_000.0;
          return Math.min(micros * 1_000, max.get()) / 1e6;
        }
      }
      return maxMillis();
    }

    double maxMillis() {
      return max.get() / 1e6;
    }
  }

  /** {@code kill -STOP} / {@code kill -CONT} of a local process, resumed on close and on JVM exit. */
  static final class Sigstop implements Outage {
    private final long pid;
    private final String what;
    private volatile boolean stopped;
    private final Thread hook;

    Sigstop(long pid, String what) {
      this.pid = pid;
      this.what = what;
      this.hook = new Thread(() -> {
        if (stopped) {
          signal("CONT");
        }
      });
      Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public String how() {
      return "kill -STOP " + pid + " (" + what + "), then kill -CONT";
    }

    @Override
    public void begin() {
      stopped = true;
      signal("STOP");
    }

    @Override
    public void end() {
      if (stopped) {
        signal("CONT");
        stopped = false;
      }
    }

    private void signal(String sig) {
      try {
        int rc = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start().waitFor();
        if (rc != 0) {
          throw new IllegalStateException("kill -" + sig + " " + pid + " exited with " + rc);
        }
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot run kill", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      end();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // shutting down already
      }
    }
  }

  /** Every 100 ms, from an admin connection, terminates the PostgreSQL backends of the demo's pool. */
  static final class Terminator implements Outage {
    private final String url;
    private final String appName;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong terminated = new AtomicLong();
    private volatile java.util.concurrent.ScheduledFuture<?> task;
    private Connection admin;

    Terminator(String url, String appName) {
      this.url = url;
      this.appName = appName;
    }

    @Override
    public String how() {
      return "pg_terminate_backend of every backend with application_name '" + appName + "' every 100 ms";
    }

    @Override
    public synchronized void begin() throws Exception {
      Properties p = new Properties();
      p.setProperty("ApplicationName", "coupon-outage-admin");
      admin = DriverManager.getConnection(url, p);
      admin.setAutoCommit(true);
      String sql = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '"
          + appName + "' AND pid <> pg_backend_pid()";
      Connection c = admin;
      task = timer.scheduleAtFixedRate(() -> {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
          rs.next();
          terminated.addAndGet(rs.getLong(1));
        } catch (java.sql.SQLException e) {
          System.out.println("  terminator: " + e.getMessage());
        }
      }, 0, 100, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void end() throws Exception {
      if (task != null) {
        task.cancel(false);
        timer.submit(() -> { }).get(); // the last round has finished
        task = null;
        System.out.printf(Locale.ROOT, "         terminated %,d backends%n", terminated.get());
      }
      if (admin != null) {
        admin.close();
        admin = null;
      }
    }

    @Override
    public void close() {
      try {
        end();
      } catch (Exception e) {
        System.out.println("  terminator: " + e);
      }
      timer.shutdownNow();
    }
  }

  /** A redis-server of the program's own on a free loopback port, no persistence. */
  static final class RedisServer implements AutoCloseable {
    final Process process;
    final int port;

    private RedisServer(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    static RedisServer start() throws Exception {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        try (Jedis j = new Jedis("127.0.0.1", port, 500)) {
          if ("PONG".equals(j.ping())) {
            return new RedisServer(p, port);
          }
        } catch (RuntimeException e) {
          if (!p.isAlive() || System.nanoTime() > deadline) {
            p.destroyForcibly();
            throw new IllegalStateException("redis-server did not start on port " + port, e);
          }
          Thread.sleep(50);
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      try {
        new ProcessBuilder("kill", "-CONT", Long.toString(process.pid())).start().waitFor();
      } catch (java.io.IOException ignored) {
        // destroy below still ends it
      }
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** The pid of a Redis server on this machine, from {@code INFO server}. */
  static long redisPid(URI uri) {
    String host = uri.getHost();
    if (!Set.of("127.0.0.1", "localhost", "::1", "[::1]").contains(host)) {
      throw new IllegalArgumentException("the outage is a SIGSTOP of the server process, so the server must run on "
          + "this machine (127.0.0.1 or localhost), not " + host);
    }
    try (Jedis j = new Jedis(host, uri.getPort() < 0 ? 6379 : uri.getPort(), 2_000)) {
      for (String line : j.info("server").split("\r?\n")) {
        if (line.startsWith("process_id:")) {
          return Long.parseLong(line.substring("process_id:".length()).trim());
        }
      }
    }
    throw new IllegalStateException("INFO server of " + uri + " names no process_id");
  }

  static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  /** Milliseconds, rounded to the microsecond. */
  static double ms(long nanos) {
    return Math.round(nanos / 1e3) / 1e3;
  }

  static double ms3(double millis) {
    return Math.round(millis * 1e3) / 1e3;
  }

  static String n(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }
}
