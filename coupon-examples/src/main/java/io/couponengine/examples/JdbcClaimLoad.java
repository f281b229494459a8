package io.couponengine.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.couponengine.CouponEngine;
import io.couponengine.jdbc.JdbcCouponStore;
import io.couponengine.template.Scope;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Claim load against a database through {@link JdbcCouponStore}: creates a template with a {@link CouponEngine},
 * loads its codes, runs claims from many threads, then checks the invariants from the database itself.
 *
 * <pre>{@code
 * java -cp coupon-examples/target/coupon-examples.jar io.couponengine.examples.JdbcClaimLoad \
 *     --jdbc 'jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres' \
 *     --threads 16 --claims 200000 --users 50000 --limit 2 [--codes 150000] [--warmup 20000]
 * }</pre>
 *
 * <p>Claim {@code i} is made by user {@code i % users} with a key of its own: with {@code --users} equal to
 * {@code --claims} and {@code --codes} at least as many, every claim is a fresh user's and succeeds (the
 * all-success path, what {@code pgbench/claim.sql} runs with {@code -D users=2000000000}); with fewer users each one
 * claims up to the limit and is then refused. Before the measured claims, {@code --warmup} claims (default 20,000;
 * 0 for none) on a template of their own, one per fresh user, warm up the JIT, the pool's connections and the
 * server's prepared statements.
 *
 * <p>Uses its own table prefix and drops its tables at the end. Prints a summary and, as its last line, one JSON
 * object: codes, claimed, sold_out, limit_reached, over_issued, duplicate_codes, users_over_limit, claims_per_sec,
 * code_load_per_sec, client_cpu_us_per_claim (this process's CPU over the measured claims, per claim).
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
    int warmup = Integer.parseInt(opt.getOrDefault("warmup", "20000"));
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
        run(engine, store, ds, url, threads, claims, users, limit, codes, warmup);
      } finally {
        store.dropSchema();
      }
    }
  }

  /** CPU time of this process (all threads), or 0 where the JVM does not tell. */
  private static long processCpuNanos() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
  }

  private static void run(CouponEngine engine, JdbcCouponStore store, HikariDataSource ds, String url,
      int threads, int claims, int users, int limit, long codes, int warmup) throws Exception {
    if (warmup > 0) {
      Template w = engine.generation(engine.createTemplate(ClaimLoad.spec("warm-up", warmup, 1)
          .scope(Scope.goodsTypes("digital")).build()).id()).join();
      ClaimLoad.run(engine, w.id(), warmup, warmup, threads, false);
    }
    TemplateSpec spec = ClaimLoad.spec("load test", codes, limit)
        .scope(Scope.goodsTypes("digital"))
        .build();
    long loadStart = System.nanoTime();
    Template t = engine.generation(engine.createTemplate(spec).id()).join();
    double loadSec = (System.nanoTime() - loadStart) / 1e9;
    double codeLoadPerSec = codes / loadSec;
    System.out.printf("%s (%s): template %s, %,d codes generated and loaded in %.2f s (%,.0f codes/s)%n",
        url.replaceAll("password=[^&]*", "password=***"), store.dialect(), t.id(), codes, loadSec, codeLoadPerSec);

    // no client retries: the same work as pgbench's run of the claim transaction
    long cpu0 = processCpuNanos();
    ClaimLoad.Report r = ClaimLoad.run(engine, t.id(), claims, users, threads, false);
    // this process's CPU over the claims (JIT and GC included): what the client costs beside the server, to set
    // against pgbench's own CPU per transaction (time -f %U+%S over its transactions)
    double clientCpuUs = (processCpuNanos() - cpu0) / 1e3 / claims;

    Map<String, List<String>> held = new HashMap<>();
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT user_id, code FROM " + store.tablePrefix() + "coupons WHERE template_id = ?")) {
      ps.setString(1, t.id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          held.computeIfAbsent(rs.getString(1), u -> new ArrayList<>()).add(rs.getString(2));
        }
      }
      c.rollback();
    }
    ClaimLoad.recount(held.values(), 0, store.remainingCodes(t.id()), codes, limit, r);
    ClaimLoad.stats(store.stats(t.id()).orElseThrow(), r);
    long stored = r.issuedInStore;
    System.out.printf("%,d claims from %d threads in %.2f s: %,d claims/s%n", claims, threads, r.seconds,
        r.claimsPerSec());
    System.out.printf("answers: claimed %,d, sold out %,d, limit reached %,d, other %,d%n", r.claimed.sum(),
        r.soldOut.sum(), r.limitReached.sum(), r.other.sum());
    System.out.printf("database: %,d coupons (%,d distinct codes), %,d codes left, %,d users over the limit; "
        + "claimed answers %s stored coupons%n", stored, stored - r.duplicateCodes, r.remaining, r.usersOverLimit,
        stored == r.claimed.sum() ? "match" : "DO NOT MATCH");
    System.out.printf("client CPU: %.1f µs per claim%n", clientCpuUs);
    System.out.println(r.json(codes, "code_load_per_sec", Math.round(codeLoadPerSec), "client_cpu_us_per_claim",
        Math.round(clientCpuUs * 10) / 10.0));
  }
}
