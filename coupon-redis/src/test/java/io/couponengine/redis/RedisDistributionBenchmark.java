package io.couponengine.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.template.CodeRules;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * Throughput of the store's bulk paths, not part of the build (surefire runs {@code *Test} classes only): imports
 * (1,000,000 codes in calls of 100,000) and grants (1,000,000 users in calls of 10,000), one thread, against
 * {@code COUPON_REDIS_URL} or a test-started server. Run:
 * <pre>{@code
 * COUPON_REDIS_URL=redis://127.0.0.1:6379 mvn -B -o -q -pl coupon-redis -am test \
 *     -Dtest=RedisDistributionBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * }</pre>
 * Smaller runs: {@code -DargLine="-Dbench.codes=100000 -Dbench.users=300000"} (multiples of 100,000 and of
 * {@code bench.grantBatch}, default 10,000). Prints one JSON line: wall-clock rates, and rates per second of the
 * server's main-thread CPU (steadier on a shared machine); keys are deleted afterwards.
 */
class RedisDistributionBenchmark {
  static final int CODES = Integer.getInteger("bench.codes", 1_000_000);
  static final int IMPORT_BATCH = 100_000;
  static final int USERS = Integer.getInteger("bench.users", 1_000_000);
  static final int GRANT_BATCH = Integer.getInteger("bench.grantBatch", 10_000);

  @Test
  void importAndGrant() {
    String prefix = TestRedis.uniquePrefix();
    assertThat(CODES % IMPORT_BATCH).isZero();
    assertThat(USERS % GRANT_BATCH).isZero();
    try (JedisPooled jedis = TestRedis.newClient()) {
      RedisCouponStore store = new RedisCouponStore(jedis, prefix);
      try {
        Template ext = new Template("BENCHI", RedisDistributionTest.spec(0, 1)
            .externalCodes(CodeRules.ALPHANUMERIC).build(), TemplateStatus.AVAILABLE, RedisDistributionTest.T0,
            null);
        store.insertTemplate(ext);
        List<List<String>> batches = new ArrayList<>();
        for (int from = 0; from < CODES; from += IMPORT_BATCH) {
          batches.add(codes("IMP", from, IMPORT_BATCH));
        }
        double cpu0 = redisCpu(jedis);
        long t0 = System.nanoTime();
        long added = 0;
        for (List<String> batch : batches) {
          added += store.importCodes(ext.id(), batch);
        }
        long importNanos = System.nanoTime() - t0;
        double importCpu = redisCpu(jedis) - cpu0;
        assertThat(added).isEqualTo(CODES);
        long t1 = System.nanoTime();
        long again = store.importCodes(ext.id(), batches.get(0));
        long rerunNanos = System.nanoTime() - t1;
        assertThat(again).isZero();

        Template g = new Template("BENCHG", RedisDistributionTest.spec(USERS, 1).build(),
            TemplateStatus.AVAILABLE, RedisDistributionTest.T0, null);
        store.insertTemplate(g);
        for (int from = 0; from < USERS; from += IMPORT_BATCH) {
          store.appendCodes(g.id(), from, codes("GRT", from, Math.min(IMPORT_BATCH, USERS - from)));
        }
        batches = null;
        // the commands are the engine's work (built and validated there): made before the clock starts
        List<List<ClaimCommand>> grants = new ArrayList<>();
        for (int from = 0; from < USERS; from += GRANT_BATCH) {
          List<ClaimCommand> cmds = new ArrayList<>(GRANT_BATCH);
          for (int i = from; i < from + GRANT_BATCH; i++) {
            cmds.add(new ClaimCommand(g.id(), "user-" + i, "grant-1", "cpn-" + i, 1, RedisDistributionTest.T0,
                RedisDistributionTest.T0.plus(Duration.ofDays(7))));
          }
          grants.add(cmds);
        }
        double cpu2 = redisCpu(jedis);
        long jvm2 = jvmCpuNanos();
        long t2 = System.nanoTime();
        long granted = 0;
        for (List<ClaimCommand> cmds : grants) {
          for (ClaimResult r : store.grant(cmds)) {
            granted += r.outcome() == ClaimOutcome.CLAIMED ? 1 : 0;
          }
        }
        long grantNanos = System.nanoTime() - t2;
        double grantCpu = redisCpu(jedis) - cpu2;
        long grantJvm = jvmCpuNanos() - jvm2;
        assertThat(granted).isEqualTo(USERS);
        // the server's own CPU time (INFO cpu, main thread) tells what one busy Redis core would do, apart from
        // what else this machine runs
        System.out.printf("{\"target\":\"%s\",\"import_codes_per_sec\":%d,\"import_rerun_codes_per_sec\":%d,"
                + "\"import_codes_per_redis_cpu_sec\":%d,\"grant_users_per_sec\":%d,"
                + "\"grant_users_per_redis_cpu_sec\":%d,\"grant_jvm_cpu_sec\":%.1f,\"grant_redis_cpu_sec\":%.1f,"
                + "\"grant_wall_sec\":%.1f}%n", TestRedis.describe(),
            CODES * 1_000_000_000L / importNanos, IMPORT_BATCH * 1_000_000_000L / rerunNanos,
            (long) (CODES / importCpu), USERS * 1_000_000_000L / Math.max(1, grantNanos),
            (long) (USERS / Math.max(1e-9, grantCpu)), grantJvm / 1e9, grantCpu, grantNanos / 1e9);
      } finally {
        TestRedis.deleteKeys(TestRedis.target(), prefix);
      }
    }
  }

  private static long jvmCpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  /** Seconds of CPU the server's main thread used so far. */
  private static double redisCpu(JedisPooled jedis) {
    double sum = 0;
    for (String line : jedis.info("cpu").split("\r?\n")) {
      if (line.startsWith("used_cpu_sys_main_thread:") || line.startsWith("used_cpu_user_main_thread:")) {
        sum += Double.parseDouble(line.substring(line.indexOf(':') + 1));
      }
    }
    return sum;
  }

  private static List<String> codes(String stem, int from, int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = from; i < from + n; i++) {
      out.add(stem + String.format("%08d", i));
    }
    return out;
  }
}
