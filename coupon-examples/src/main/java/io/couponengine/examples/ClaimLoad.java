package io.couponengine.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.spi.CouponStore;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStats;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
    long heldByUsers;
    long remaining;
    long duplicateCodes;
    long usersOverLimit;
    long overIssued;
    /** The store's own figures ({@code stats}), printed beside the recount: they must be equal. */
    long statsIssued = -1;
    long statsRemaining = -1;

    /**
     * Claims per second over the storm.
     *
     * @return the rate
     */
    public long claimsPerSec() {
      return Math.round(claimsAttempted / seconds);
    }

    /**
     * The one-line JSON summary: the counters every program prints, then the program's own fields.
     *
     * @param codes how many codes the template has
     * @param extras the program's own fields as name, value, name, value, ..., appended in order
     * @return JSON text
     * @throws Exception never in practice
     */
    public String json(long codes, Object... extras) throws Exception {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("codes", codes);
      fields.put("claimed", claimed.sum());
      fields.put("sold_out", soldOut.sum());
      fields.put("limit_reached", limitReached.sum());
      fields.put("over_issued", overIssued);
      fields.put("duplicate_codes", duplicateCodes);
      fields.put("users_over_limit", usersOverLimit);
      fields.put("claims_per_sec", claimsPerSec());
      if (statsIssued >= 0) {
        fields.put("issued_recounted", issuedInStore);
        fields.put("issued_stats", statsIssued);
        fields.put("remaining_recounted", remaining);
        fields.put("remaining_stats", statsRemaining);
      }
      for (int i = 0; i < extras.length; i += 2) {
        fields.put((String) extras[i], extras[i + 1]);
      }
      return ClaimLoad.json(fields);
    }
  }

  private ClaimLoad() {}

  /**
   * The claim template of the demo and the database load: 20 off 100 in the mall, valid 7 days; the caller adds
   * the scope.
   *
   * @param name the template's name
   * @param codes how many codes
   * @param limit the per-user limit
   * @return the builder, to finish
   */
  public static TemplateSpec.Builder spec(String name, long codes, int limit) {
    return TemplateSpec.builder()
        .name(name)
        .category(CouponCategory.THRESHOLD)
        .productLine("mall")
        .totalCount(codes)
        .perUserLimit(limit)
        .validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")));
  }

  /**
   * Runs {@code claims} claims on {@code threads} threads, user {@code i % users}, with {@code retries} retrying
   * every tenth successful claim with the same idempotency key.
   *
   * @param engine the engine
   * @param templateId the template
   * @param claims how many claims
   * @param users how many distinct users
   * @param threads how many threads
   * @param retries whether to replay some claims as a client retry would (the load programs leave them out so that
   *     their work matches redis-benchmark's and pgbench's)
   * @return the report (thread-side counters)
   * @throws Exception if a worker fails
   */
  public static Report run(CouponEngine engine, String templateId, int claims, int users, int threads,
      boolean retries) throws Exception {
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
          if (retries && i % 10 == 0 && r.outcome().hasCoupon()) {
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
   * Recounts the invariants through the store's interface: each user's coupons of the template and the codes left.
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
    List<List<String>> held = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      List<String> mine = new ArrayList<>();
      for (Coupon c : store.findCouponsByUser("user-" + u)) {
        if (c.templateId().equals(templateId)) {
          mine.add(c.code());
        }
      }
      held.add(mine);
    }
    recount(held, 0, store.remainingCodes(templateId), codes, limit, report);
  }

  /**
   * Recounts the invariants from what a store holds, read by each program from the store's own data: coupons per
   * user, distinct codes, issued versus codes.
   *
   * @param codesByUser the codes each user holds from the template
   * @param records the store's own count of issued coupons where it keeps one apart from the users' codes, else 0
   * @param remaining codes left in the template's pool
   * @param codes how many codes the template has
   * @param limit the per-user limit
   * @param report filled with the store-side counters
   */
  public static void recount(Collection<? extends Collection<String>> codesByUser, long records, long remaining,
      long codes, int limit, Report report) {
    Set<String> seen = new HashSet<>();
    long held = 0;
    long dupes = 0;
    long over = 0;
    for (Collection<String> mine : codesByUser) {
      held += mine.size();
      if (mine.size() > limit) {
        over++;
      }
      for (String code : mine) {
        if (!seen.add(code)) {
          dupes++;
        }
      }
    }
    long issued = Math.max(records, held);
    report.issuedInStore = issued;
    report.heldByUsers = held;
    report.remaining = remaining;
    report.duplicateCodes = dupes;
    report.usersOverLimit = over;
    // more coupons than codes, or coupons plus the pool holding more than were generated
    report.overIssued = Math.max(Math.max(0, issued - codes), issued + remaining - codes);
  }

  /**
   * Puts the store's own figures beside the recount (they are kept with the writes; the recount reads the data).
   *
   * @param stats the template's figures from the store
   * @param report the report with its recount done
   */
  public static void stats(TemplateStats stats, Report report) {
    report.statsIssued = stats.issued();
    report.statsRemaining = stats.remaining();
    System.out.printf("  the store's figures: %,d issued, %,d remaining (recounted: %,d and %,d)%s%n",
        stats.issued(), stats.remaining(), report.issuedInStore, report.remaining,
        stats.issued() == report.issuedInStore && stats.remaining() == report.remaining ? "" : "  DO NOT MATCH");
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
