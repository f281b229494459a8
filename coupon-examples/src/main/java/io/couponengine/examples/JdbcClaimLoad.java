package io.couponengine.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.jdbc.JdbcCouponStore;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Claim load against a database through {@link JdbcCouponStore}: creates a template with a {@link CouponEngine},
 * loads its codes, runs claims from many threads, then checks the invariants from the database itself.
 *
 * <pre>{@code
 * java -cp coupon-examples/target/coupon-examples.jar io.couponengine.examples.JdbcClaimLoad \
 *     --jdbc 'jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres' \
 *     --threads 16 --claims 200000 --users 50000 --limit 2 [--codes 150000]
 * }</pre>
 *
 * <p>Uses its own table prefix and drops its tables at the end. Prints a summary and, as its last line, one JSON
 * object: codes, claimed, sold_out, limit_reached, over_issued, duplicate_codes, users_over_limit, claims_per_sec,
 * code_load_per_sec.
 */
public final class JdbcClaimLoad {
  private JdbcClaimLoad() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    String url = opt.getOrDefault("jdbc", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    int threads = Integer.parseInt(opt.getOrDefault("threads", "16"));
    int claims = Integer.parseInt(opt.getOrDefault("claims", "200000"));
    int users = Integer.parseInt(opt.getOrDefault("users", "50000"));
    int limit = Integer.parseInt(opt.getOrDefault("limit", "2"));
    long codes = Long.parseLong(opt.getOrDefault("codes", String.valueOf(claims * 3L / 4)));
    String prefix = "load" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000)) + "_";

    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(url);
    cfg.setMaximumPoolSize(threads + 1);
    cfg.setAutoCommit(false);
    cfg.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    if (url.startsWith("jdbc:postgresql:")) {
      cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
    } else if (url.startsWith("jdbc:mysql:")) {
      cfg.addDataSourceProperty("rewriteBatchedStatements", "true");
    }
    try (HikariDataSource ds = new HikariDataSource(cfg)) {
      JdbcCouponStore store = JdbcCouponStore.builder(ds).tablePrefix(prefix).build();
      store.createSchema();
      try (CouponEngine engine = CouponEngine.builder().store(store).generationBatchSize(20_000).build()) {
        run(engine, store, ds, url, threads, claims, users, limit, codes);
      } finally {
        store.dropSchema();
      }
    }
  }

  private static void run(CouponEngine engine, JdbcCouponStore store, HikariDataSource ds, String url,
      int threads, int claims, int users, int limit, long codes) throws Exception {
    TemplateSpec spec = TemplateSpec.builder()
        .name("load test")
        .category(CouponCategory.THRESHOLD)
        .productLine("mall")
        .totalCount(codes)
        .perUserLimit(limit)
        .validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")))
        .scope(Scope.goodsTypes("digital"))
        .build();
    long loadStart = System.nanoTime();
    Template t = engine.generation(engine.createTemplate(spec).id()).join();
    double loadSec = (System.nanoTime() - loadStart) / 1e9;
    double codeLoadPerSec = codes / loadSec;
    System.out.printf("%s (%s): template %s, %,d codes generated and loaded in %.2f s (%,.0f codes/s)%n",
        url.replaceAll("password=[^&]*", "password=***"), store.dialect(), t.id(), codes, loadSec, codeLoadPerSec);

    AtomicInteger next = new AtomicInteger();
    LongAdder claimed = new LongAdder();
    LongAdder soldOut = new LongAdder();
    LongAdder limitReached = new LongAdder();
    LongAdder other = new LongAdder();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < threads; w++) {
      futures.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < claims) {
          ClaimResult r = engine.claim(new ClaimRequest("user-" + (i % users), t.id(), "k-" + i));
          switch (r.outcome()) {
            case CLAIMED -> claimed.increment();
            case SOLD_OUT -> soldOut.increment();
            case LIMIT_REACHED -> limitReached.increment();
            default -> other.increment();
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    double sec = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    double claimsPerSec = claims / sec;

    long stored;
    long distinctCodes;
    long usersOverLimit;
    String p = store.tablePrefix();
    try (Connection c = ds.getConnection()) {
      stored = scalar(c, "SELECT COUNT(*) FROM " + p + "coupons WHERE template_id = ?", t.id());
      distinctCodes = scalar(c, "SELECT COUNT(DISTINCT code) FROM " + p + "coupons WHERE template_id = ?", t.id());
      usersOverLimit = scalar(c, "SELECT COUNT(*) FROM (SELECT user_id FROM " + p + "coupons WHERE template_id = ?"
          + " GROUP BY user_id HAVING COUNT(*) > " + limit + ") x", t.id());
      c.rollback();
    }
    long remaining = store.remainingCodes(t.id());
    long overIssued = Math.max(0, stored - codes);
    System.out.printf("%,d claims from %d threads in %.2f s: %,.0f claims/s%n", claims, threads, sec, claimsPerSec);
    System.out.printf("answers: claimed %,d, sold out %,d, limit reached %,d, other %,d%n", claimed.sum(),
        soldOut.sum(), limitReached.sum(), other.sum());
    System.out.printf("database: %,d coupons (%,d distinct codes), %,d codes left, %,d users over the limit; "
        + "claimed answers %s stored coupons%n", stored, distinctCodes, remaining, usersOverLimit,
        stored == claimed.sum() ? "match" : "DO NOT MATCH");
    System.out.printf("{\"codes\":%d,\"claimed\":%d,\"sold_out\":%d,\"limit_reached\":%d,\"over_issued\":%d,"
            + "\"duplicate_codes\":%d,\"users_over_limit\":%d,\"claims_per_sec\":%.1f,\"code_load_per_sec\":%.1f}%n",
        codes, stored, soldOut.sum(), limitReached.sum(), overIssued, stored - distinctCodes, usersOverLimit,
        claimsPerSec, codeLoadPerSec);
  }

  private static long scalar(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
