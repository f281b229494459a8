package io.couponengine.examples;

import io.couponengine.CouponEngine;
import io.couponengine.code.CodeGenerator;
import io.couponengine.redis.RedisCouponStore;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStatus;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.JedisPooled;

/**
 * Claim load against a real Redis through {@link CouponEngine} and {@link RedisCouponStore}.
 *
 * <pre>
 * java -cp coupon-examples/target/coupon-examples.jar io.couponengine.examples.RedisClaimLoad \
 *     --redis redis://127.0.0.1:6379 --threads 50 --claims 200000 --users 50000 --limit 2 [--codes 100000] \
 *     [--load-codes 1000000] [--warmup 20000]
 * </pre>
 *
 * The all-success mode of issue #13 (every claim a new user with a code left):
 * {@code --claims 600000 --users 600000 --codes 600000 --load-codes 0}. Before the measured claims, {@code --warmup}
 * claims on a template of their own warm up the JIT, the connections and the scripts; Redis's own time per claim is
 * read from {@code INFO commandstats} (EVALSHA calls and microseconds, before and after the measured claims).
 *
 * Creates a template (its codes generated and loaded by the engine), measures a store-only load of
 * {@code --load-codes} codes into a second template, runs the claims from {@code --threads} threads, then checks
 * the invariants from Redis's data (not from the counters). Prints a summary and, as its last line, one JSON object.
 * Uses a unique key prefix and deletes its keys at the end (SCAN + UNLINK); never flushes anything.
 */
public final class RedisClaimLoad {
  private RedisClaimLoad() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new java.util.HashMap<>(Map.of("--redis", "redis://127.0.0.1:6379", "--threads", "50",
        "--claims", "200000", "--users", "50000", "--limit", "2"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i], args[i + 1]);
    }
    int threads = Integer.parseInt(o.get("--threads"));
    int claims = Integer.parseInt(o.get("--claims"));
    int users = Integer.parseInt(o.get("--users"));
    int limit = Integer.parseInt(o.get("--limit"));
    long codes = Long.parseLong(o.getOrDefault("--codes", Integer.toString(claims / 2)));
    long loadCodes = Long.parseLong(o.getOrDefault("--load-codes", "1000000"));
    URI uri = URI.create(o.get("--redis"));
    String prefix = "claimload-" + UUID.randomUUID().toString().substring(0, 8);

    GenericObjectPoolConfig<redis.clients.jedis.Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(threads + 4);
    pool.setMaxIdle(threads + 4);
    pool.setJmxEnabled(false);
    try (JedisPooled jedis = new JedisPooled(pool, uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), 10_000)) {
      RedisCouponStore store = new RedisCouponStore(jedis, prefix);
      try (CouponEngine engine = CouponEngine.builder().store(store).executor(Runnable::run)
          .generationBatchSize(100_000).build()) {
        // 1. store-only code load (what appendCodes costs), then the claim template through the engine
        double loadPerSec = 0;
        if (loadCodes > 0) {
          String id = "QZQZQZ";
          TemplateSpec ls = spec(loadCodes, 1);
          store.insertTemplate(new Template(id, ls, TemplateStatus.CREATING, Instant.now(), null));
          CodeGenerator gen = new CodeGenerator(ls.effectiveCodePrefix(), id, 7, 11);
          List<String> all = new ArrayList<>((int) loadCodes);
          for (long s = 0; s < loadCodes; s++) {
            all.add(gen.code(s));
          }
          long t0 = System.nanoTime();
          for (int from = 0; from < all.size(); from += 100_000) {
            store.appendCodes(id, from, all.subList(from, Math.min(all.size(), from + 100_000)));
          }
          loadPerSec = loadCodes / ((System.nanoTime() - t0) / 1e9);
        }
        int warmup = Integer.parseInt(o.getOrDefault("--warmup", "20000"));
        if (warmup > 0) {
          Template w = engine.generation(engine.createTemplate(spec(warmup, 1)).id()).join();
          ClaimLoad.run(engine, w.id(), warmup, warmup, threads, false);
        }
        long g0 = System.nanoTime();
        Template t = engine.generation(engine.createTemplate(spec(codes, limit)).id()).join();
        double generatePerSec = codes / ((System.nanoTime() - g0) / 1e9);

        // 2. the claims, without client retries: the same work as claim-bench.sh's redis-benchmark run
        long[] before = evalsha(jedis);
        ClaimLoad.Report r = ClaimLoad.run(engine, t.id(), claims, users, threads, false);
        long[] after = evalsha(jedis);
        long scriptCalls = after[0] - before[0];
        double usPerScript = scriptCalls == 0 ? 0 : (after[1] - before[1]) / (double) scriptCalls;

        // 3. invariants from Redis's data: the template's per-user codes, claim records and pool
        String tag = prefix + ":{t:" + t.id() + "}:";
        List<List<String>> held = new ArrayList<>();
        for (String userCodes : jedis.hvals(tag + "uc")) { // user -> the user's codes, space separated
          held.add(List.of(userCodes.split(" ")));
        }
        long records = jedis.hlen(tag + "cp");
        ClaimLoad.recount(held, records, jedis.llen(tag + "pool"), codes, limit, r);
        ClaimLoad.stats(store.stats(t.id()).orElseThrow(), r);

        System.out.printf("Redis claim load on %s (prefix %s)%n", uri, prefix);
        System.out.printf("  store-only code load: %,d codes at %,.0f codes/s%n", loadCodes, loadPerSec);
        System.out.printf("  engine generate+load: %,d codes at %,.0f codes/s%n", codes, generatePerSec);
        System.out.printf("  claims: %,d from %d threads, %,d users, limit %d in %.2f s = %,d claims/s%n",
            claims, threads, users, limit, r.seconds, r.claimsPerSec());
        System.out.printf("  Redis time per script call during the claims: %.2f µs over %,d EVALSHA calls%n",
            usPerScript, scriptCalls);
        System.out.printf("  outcomes: claimed %,d, sold out %,d, limit reached %,d, other %,d%n",
            r.claimed.sum(), r.soldOut.sum(), r.limitReached.sum(), r.other.sum());
        System.out.printf("  from Redis: %,d claim records, %,d codes held by users, %,d left in the pool; "
            + "over-issued %d, duplicate codes %d, users over limit %d%n",
            records, r.heldByUsers, r.remaining, r.overIssued, r.duplicateCodes, r.usersOverLimit);
        long deleted = StoreOption.deleteKeys(jedis, prefix);
        System.out.printf("  deleted %,d keys under %s%n", deleted, prefix);
        System.out.println(r.json(codes, "code_load_per_sec", Math.round(loadPerSec), "generate_and_load_per_sec",
            Math.round(generatePerSec), "stored_claims", records, "threads", threads, "claims", claims,
            "redis_us_per_script", Math.round(usPerScript * 100) / 100.0, "script_calls", scriptCalls));
      }
    }
  }

  private static TemplateSpec spec(long total, int perUser) {
    return TemplateSpec.builder().name("load").category(CouponCategory.DIRECT).productLine("load")
        .totalCount(total).perUserLimit(perUser).validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.amountOff(new BigDecimal("5.00"))).build();
  }

  /** EVALSHA calls and microseconds so far, from {@code INFO commandstats} (zeros when not listed). */
  private static long[] evalsha(JedisPooled jedis) {
    for (String line : jedis.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_evalsha:")) {
        long calls = 0;
        long usec = 0;
        for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
          String[] p = kv.split("=");
          if (p[0].equals("calls")) {
            calls = Long.parseLong(p[1]);
          } else if (p[0].equals("usec")) {
            usec = Long.parseLong(p[1]);
          }
        }
        return new long[] {calls, usec};
      }
    }
    return new long[] {0, 0};
  }
}
