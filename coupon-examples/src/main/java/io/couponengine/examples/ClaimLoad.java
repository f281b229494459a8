package io.couponengine.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.spi.CouponStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The claim storm shared by the demo and the load programs: many threads, many users, some client retries with the
 * same idempotency key; afterwards the invariants are recounted from the store's own data.
 */
public final class ClaimLoad {
  /** What the threads saw and what the store holds. */
  public static final class Report {
    long claimsAttempted;
    final LongAdder claimed = new LongAdder();
    final LongAdder soldOut = new LongAdder();
    final LongAdder limitReached = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder other = new LongAdder();
    double seconds;
    long issuedInStore;
    long duplicateCodes;
    long usersOverLimit;
    long overIssued;

    /**
     * Claims per second over the storm.
     *
     * @return the rate
     */
    public long claimsPerSec() {
      return Math.round(claimsAttempted / seconds);
    }
  }

  private ClaimLoad() {}

  /**
   * Runs {@code claims} claims on {@code threads} threads, user {@code i % users}, retrying every tenth successful
   * claim with the same idempotency key.
   *
   * @param engine the engine
   * @param templateId the template
   * @param claims how many claims
   * @param users how many distinct users
   * @param threads how many threads
   * @return the report (thread-side counters)
   * @throws Exception if a worker fails
   */
  public static Report run(CouponEngine engine, String templateId, int claims, int users, int threads)
      throws Exception {
    Report report = new Report();
    report.claimsAttempted = claims;
    AtomicInteger next = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(() -> {
        start.await();
        int i;
        while ((i = next.getAndIncrement()) < claims) {
          String user = "user-" + (i % users);
          String key = "claim-" + i;
          ClaimResult r = engine.claim(new ClaimRequest(user, templateId, key));
          count(report, r);
          if (i % 10 == 0 && r.outcome().hasCoupon()) {
            count(report, engine.claim(new ClaimRequest(user, templateId, key))); // a client retry
          }
        }
        return null;
      }));
    }
    long t0 = System.nanoTime();
    start.countDown();
    for (Future<?> f : futures) {
      f.get();
    }
    report.seconds = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    return report;
  }

  private static void count(Report report, ClaimResult r) {
    switch (r.outcome()) {
      case CLAIMED -> report.claimed.increment();
      case DUPLICATE -> report.duplicates.increment();
      case SOLD_OUT -> report.soldOut.increment();
      case LIMIT_REACHED -> report.limitReached.increment();
      default -> report.other.increment();
    }
  }

  /**
   * Recounts the invariants from the store's data only: coupons per user, distinct codes, issued versus codes.
   *
   * @param store the store
   * @param templateId the template
   * @param codes how many codes the template has
   * @param users how many users took part
   * @param limit the per-user limit
   * @param report filled with the store-side counters
   */
  public static void verify(CouponStore store, String templateId, long codes, int users, int limit,
      Report report) {
    Set<String> seen = new HashSet<>();
    long issued = 0;
    long dupes = 0;
    long over = 0;
    for (int u = 0; u < users; u++) {
      int held = 0;
      for (Coupon c : store.findCouponsByUser("user-" + u)) {
        if (!c.templateId().equals(templateId)) {
          continue;
        }
        held++;
        issued++;
        if (!seen.add(c.code())) {
          dupes++;
        }
      }
      if (held > limit) {
        over++;
      }
    }
    report.issuedInStore = issued;
    report.duplicateCodes = dupes;
    report.usersOverLimit = over;
    // more coupons than codes, or coupons plus the pool holding more than were generated
    report.overIssued = Math.max(Math.max(0, issued - codes), issued + store.remainingCodes(templateId) - codes);
  }

  /**
   * The one-line JSON summary.
   *
   * @param fields name → value, in order
   * @return JSON text
   * @throws Exception never in practice
   */
  public static String json(Map<String, Object> fields) throws Exception {
    return new ObjectMapper().writeValueAsString(new LinkedHashMap<>(fields));
  }
}
