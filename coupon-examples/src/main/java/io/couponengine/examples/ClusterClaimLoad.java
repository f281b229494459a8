package io.couponengine.examples;

import io.couponengine.CouponEngine;
import io.couponengine.redis.RedisCouponStore;
import io.couponengine.template.Template;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Claims per second of one hot template on a 3-master Redis Cluster, unsharded ({@code shards(1)}: one slot, one
 * master) against sharded ({@code shards(3)}: three sub-pools, one per master), through {@link CouponEngine} and
 * {@link RedisCouponStore}, on the all-success path (every claim a new user with a code left).
 *
 * <pre>
 * java -cp coupon-examples/target/coupon-examples.jar io.couponengine.examples.ClusterClaimLoad \
 *     --threads 50 --claims 300000 --shards 1,3 [--warmup 20000] [--cluster 127.0.0.1:7000,127.0.0.1:7001,...] \
 *     [--redis-server redis-server]
 * </pre>
 *
 * Without {@code --cluster} it starts three cluster-enabled {@code redis-server}s (from the PATH, or
 * {@code --redis-server}) on free loopback ports, splits the 16,384 slots evenly (0-5460, 5461-10922, 10923-16383),
 * and stops them at the end. For each shard count: a warm-up template with that count takes {@code --warmup}
 * claims, then a template of exactly {@code --claims} codes takes {@code --claims} claims of distinct users from
 * {@code --threads} threads; the per-master EVALSHA calls and Redis's µs per call come from {@code INFO
 * commandstats} (before and after). Then the invariants are recounted from the cluster's data: every shard's
 * per-user codes and claim records (found by SCAN on each master), and the store's remaining codes. The last line
 * is one JSON object. Uses a unique key prefix and deletes its keys at the end; never flushes anything.
 */
public final class ClusterClaimLoad {
  private ClusterClaimLoad() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new java.util.HashMap<>(Map.of("--threads", "50", "--claims", "300000",
        "--shards", "1,3", "--warmup", "20000", "--redis-server", "redis-server"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i], args[i + 1]);
    }
    int threads = Integer.parseInt(o.get("--threads"));
    int claims = Integer.parseInt(o.get("--claims"));
    int warmup = Integer.parseInt(o.get("--warmup"));
    List<Integer> shardCounts = new ArrayList<>();
    for (String k : o.get("--shards").split(",")) {
      shardCounts.add(Integer.parseInt(k.trim()));
    }
    List<Process> started = new ArrayList<>();
    List<Path> dirs = new ArrayList<>();
    try {
      Set<HostAndPort> nodes = new LinkedHashSet<>();
      if (o.containsKey("--cluster")) {
        for (String hp : o.get("--cluster").split(",")) {
          nodes.add(HostAndPort.from(hp.trim()));
        }
      } else {
        nodes.addAll(startCluster(o.get("--redis-server"), started, dirs));
      }
      List<HostAndPort> masters = masters(nodes);
      System.out.printf("cluster: %d masters %s%n", masters.size(), masters);
      GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
      pool.setMaxTotal(threads + 4);
      pool.setMaxIdle(threads + 4);
      pool.setJmxEnabled(false);
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("threads", threads);
      summary.put("claims", claims);
      try (RedisClusterClient jedis = RedisClusterClient.builder().nodes(nodes).poolConfig(pool)
          .clientConfig(DefaultJedisClientConfig.builder().timeoutMillis(10_000).build()).build()) {
        for (int k : shardCounts) {
          String prefix = "clusterload-" + UUID.randomUUID().toString().substring(0, 8);
          RedisCouponStore store = new RedisCouponStore(jedis, prefix);
          try (CouponEngine engine = CouponEngine.builder().store(store).executor(Runnable::run)
              .generationBatchSize(100_000).build()) {
            if (warmup > 0) {
              Template w = engine.generation(engine.createTemplate(
                  ClaimLoad.spec("warm-up", warmup, 1).shards(k).build()).id()).join();
              ClaimLoad.run(engine, w.id(), warmup, warmup, threads, false);
            }
            Template t = engine.generation(engine.createTemplate(
                ClaimLoad.spec("flash sale", claims, 1).shards(k).build()).id()).join();
            Map<HostAndPort, long[]> before = evalsha(masters);
            ClaimLoad.Report r = ClaimLoad.run(engine, t.id(), claims, claims, threads, false);
            Map<HostAndPort, long[]> after = evalsha(masters);

            // invariants from the cluster's data: every slot of the template (shards: the same hash tag start)
            List<List<String>> held = new ArrayList<>();
            long records = 0;
            for (HostAndPort m : masters) {
              try (Jedis j = new Jedis(m)) {
                for (String key : scan(j, prefix + ":{t:" + t.id() + "*}:uc")) {
                  for (String userCodes : j.hvals(key)) { // user -> the user's codes, space separated
                    held.add(List.of(userCodes.split(" ")));
                  }
                }
                for (String key : scan(j, prefix + ":{t:" + t.id() + "*}:cp")) {
                  records += j.hlen(key);
                }
              }
            }
            ClaimLoad.recount(held, records, store.remainingCodes(t.id()), claims, 1, r);
            ClaimLoad.stats(store.stats(t.id()).orElseThrow(), r);

            System.out.printf("shards %d: %,d claims from %d threads in %.2f s = %,d claims/s%n", k, claims,
                threads, r.seconds, r.claimsPerSec());
            long calls = 0;
            for (HostAndPort m : masters) {
              long c = after.get(m)[0] - before.get(m)[0];
              long us = after.get(m)[1] - before.get(m)[1];
              calls += c;
              System.out.printf("  master %s: %,d EVALSHA calls, %.2f µs per call%n", m, c,
                  c == 0 ? 0.0 : us / (double) c);
              summary.put("k" + k + "_evalsha_" + m.getPort(), c);
            }
            System.out.printf("  outcomes: claimed %,d, sold out %,d, limit reached %,d, other %,d%n",
                r.claimed.sum(), r.soldOut.sum(), r.limitReached.sum(), r.other.sum());
            System.out.printf("  from Redis: %,d claim records, %,d codes held by users, %,d left; over-issued %d, "
                + "duplicate codes %d, users over limit %d%s%n", records, r.heldByUsers, r.remaining,
                r.overIssued, r.duplicateCodes, r.usersOverLimit,
                records + r.remaining == claims && r.overIssued == 0 && r.duplicateCodes == 0
                    && r.usersOverLimit == 0 ? "  (all invariants hold)" : "  INVARIANT BROKEN");
            summary.put("k" + k + "_claims_per_sec", r.claimsPerSec());
            summary.put("k" + k + "_evalsha_calls", calls);
            summary.put("k" + k + "_claimed", r.claimed.sum());
            summary.put("k" + k + "_records", records);
            summary.put("k" + k + "_remaining", r.remaining);
            summary.put("k" + k + "_over_issued", r.overIssued);
            summary.put("k" + k + "_duplicate_codes", r.duplicateCodes);
            summary.put("k" + k + "_users_over_limit", r.usersOverLimit);
          }
          long deleted = 0;
          for (HostAndPort m : masters) {
            try (Jedis j = new Jedis(m)) {
              for (String key : scan(j, prefix + ":*")) {
                deleted += j.unlink(key);
              }
            }
          }
          System.out.printf("  deleted %,d keys under %s%n", deleted, prefix);
        }
      }
      System.out.println(ClaimLoad.json(summary));
    } finally {
      for (Process p : started) {
        p.destroy();
      }
      for (Process p : started) {
        p.waitFor();
      }
      for (Path d : dirs) {
        deleteTree(d.toFile());
      }
    }
  }

  /** The masters among the nodes (CLUSTER NODES of the first), by port. */
  private static List<HostAndPort> masters(Set<HostAndPort> nodes) {
    List<HostAndPort> out = new ArrayList<>();
    try (Jedis j = new Jedis(nodes.iterator().next())) {
      for (String line : j.clusterNodes().split("\n")) {
        String[] f = line.split(" ");
        if (f.length > 2 && f[2].contains("master") && !f[2].contains("fail")) {
          String addr = f[1].substring(0, f[1].indexOf('@') < 0 ? f[1].length() : f[1].indexOf('@'));
          out.add(HostAndPort.from(addr));
        }
      }
    }
    out.sort((a, b) -> Integer.compare(a.getPort(), b.getPort()));
    return out;
  }

  private static List<String> scan(Jedis j, String match) {
    List<String> out = new ArrayList<>();
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = j.scan(cursor, new ScanParams().match(match).count(1000));
      out.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return out;
  }

  /** EVALSHA calls and microseconds so far per master, from {@code INFO commandstats}. */
  private static Map<HostAndPort, long[]> evalsha(List<HostAndPort> masters) {
    Map<HostAndPort, long[]> out = new LinkedHashMap<>();
    for (HostAndPort m : masters) {
      long calls = 0;
      long usec = 0;
      try (Jedis j = new Jedis(m)) {
        for (String line : j.info("commandstats").split("\r?\n")) {
          if (line.startsWith("cmdstat_evalsha:")) {
            for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
              String[] p = kv.split("=");
              if (p[0].equals("calls")) {
                calls = Long.parseLong(p[1]);
              } else if (p[0].equals("usec")) {
                usec = Long.parseLong(p[1]);
              }
            }
          }
        }
      }
      out.put(m, new long[] {calls, usec});
    }
    return out;
  }

  /** Starts three cluster-enabled servers, splits the slots evenly, waits for {@code cluster_state:ok}. */
  private static Set<HostAndPort> startCluster(String binary, List<Process> started, List<Path> dirs)
      throws Exception {
    List<HostAndPort> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int port = freePort();
      Path dir = Files.createTempDirectory("clusterload");
      dirs.add(dir);
      Process p = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
          "--save", "", "--appendonly", "no", "--dir", dir.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
      started.add(p);
      HostAndPort hp = new HostAndPort("127.0.0.1", port);
      awaitPing(hp);
      nodes.add(hp);
    }
    int[][] ranges = {{0, 5460}, {5461, 10922}, {10923, 16383}};
    for (int i = 0; i < 3; i++) {
      try (Jedis j = new Jedis(nodes.get(i))) {
        int[] slots = new int[ranges[i][1] - ranges[i][0] + 1];
        for (int s = 0; s < slots.length; s++) {
          slots[s] = ranges[i][0] + s;
        }
        j.clusterAddSlots(slots);
        if (i > 0) {
          j.clusterMeet("127.0.0.1", nodes.get(0).getPort());
        }
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      boolean ok = true;
      for (HostAndPort n : nodes) {
        try (Jedis j = new Jedis(n)) {
          String info = j.clusterInfo();
          ok &= info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3");
        }
      }
      if (ok) {
        return new LinkedHashSet<>(nodes);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the cluster did not reach cluster_state:ok in 30 s");
      }
      Thread.sleep(100);
    }
  }

  private static void awaitPing(HostAndPort hp) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      try (Jedis j = new Jedis(hp)) {
        j.ping();
        return;
      } catch (RuntimeException e) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("redis-server on " + hp + " did not answer");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(File f) {
    File[] children = f.listFiles();
    if (children != null) {
      for (File c : children) {
        deleteTree(c);
      }
    }
    f.delete();
  }
}
