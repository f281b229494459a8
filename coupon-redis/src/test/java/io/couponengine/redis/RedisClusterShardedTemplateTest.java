package io.couponengine.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.template.Template;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link RedisShardedTemplateTest} on the 3-master cluster of {@link RedisClusterContractTest} (every script in one
 * slot, CROSSSLOT otherwise), and what only a cluster shows: a template with 3 shards is served by all three
 * masters, each running a fair share of the claim scripts (per-master {@code INFO commandstats}), where one shard
 * puts every claim on one master.
 */
class RedisClusterShardedTemplateTest extends RedisShardedTemplateTest {
  @Override
  protected UnifiedJedis newClient() {
    return RedisClusterClient.create(RedisClusterContractTest.cluster());
  }

  @Override
  protected void deleteKeys(String prefix) {
    for (HostAndPort node : RedisClusterContractTest.cluster()) {
      TestRedis.deleteKeys(node, prefix);
    }
  }

  @AfterAll
  static void stopCluster() {
    RedisClusterContractTest.stopCluster();
  }

  /** Script calls (EVALSHA) per master since the last reset. */
  static Map<HostAndPort, Long> scriptCalls(Set<HostAndPort> masters) {
    Map<HostAndPort, Long> out = new TreeMap<>((a, b) -> Integer.compare(a.getPort(), b.getPort()));
    for (HostAndPort m : masters) {
      try (Jedis j = new Jedis(m)) {
        long calls = 0;
        for (String line : j.info("commandstats").split("\r?\n")) {
          if (line.startsWith("cmdstat_evalsha:")) {
            String v = line.substring(line.indexOf("calls=") + 6);
            calls = Long.parseLong(v.substring(0, v.indexOf(',')));
          }
        }
        out.put(m, calls);
      }
    }
    return out;
  }

  static void resetStats(Set<HostAndPort> masters) {
    for (HostAndPort m : masters) {
      try (Jedis j = new Jedis(m)) {
        j.configResetStat();
      }
    }
  }

  /**
   * 3,000 users claim 3,000 codes over three engines, 12 threads: with k = 3 each master runs at least a quarter of
   * the claim scripts (a fair share is a third: users spread by CRC32, and the last moves add a few); with k = 1
   * one master runs them all. Every code is issued once, nothing is left.
   */
  @Test
  void claims_spreadOverTheMasters_withThreeShards_andStayOnOneWithOne() throws Exception {
    Set<HostAndPort> masters = RedisClusterContractTest.cluster();
    assertThat(masters).hasSize(3);
    for (int k : new int[] {3, 1}) {
      Template t = created(3_000, 1, k);
      List<CouponEngine> es = List.of(engine, engine(store()), engine(store()));
      resetStats(masters);
      ConcurrentLinkedQueue<String> codes = new ConcurrentLinkedQueue<>();
      AtomicInteger next = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(12);
      List<Future<?>> fs = new ArrayList<>();
      for (int th = 0; th < 12; th++) {
        CouponEngine e = es.get(th % 3);
        fs.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < 3_000; i = next.getAndIncrement()) {
            ClaimResult r = claim(e, "spread-" + k + "-" + i, t.id());
            assertThat(r.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
            codes.add(r.coupon().orElseThrow().code());
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      Map<HostAndPort, Long> calls = scriptCalls(masters);
      long sum = calls.values().stream().mapToLong(Long::longValue).sum();
      System.out.printf("k=%d: EVALSHA calls per master %s (sum %d)%n", k, calls, sum);
      assertThat(sum).isGreaterThanOrEqualTo(3_000);
      if (k == 3) {
        assertThat(calls.values()).allMatch(c -> c >= sum / 4, "each master runs a fair share");
      } else {
        assertThat(calls.values().stream().mapToLong(Long::longValue).max().orElseThrow())
            .isGreaterThanOrEqualTo(3_000);
      }
      assertThat(new HashSet<>(codes)).hasSize(3_000);
      assertThat(store.remainingCodes(t.id())).isZero();
      assertThat(store.stats(t.id()).orElseThrow().issued()).isEqualTo(3_000);
    }
  }
}
