package io.couponengine.redis;

import io.couponengine.spi.CouponStore;
import io.couponengine.testing.CouponStoreContractTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.UnifiedJedis;

/**
 * The whole storage contract through a {@link JedisCluster} on a 3-master Redis Cluster this test forms on loopback
 * (cluster-enabled servers from the embedded-redis binaries, CLUSTER ADDSLOTS + MEET). A script touching two slots
 * would fail with CROSSSLOT; the invariants are checked from the cluster's data. Skipped, with the reason, when the
 * servers cannot be started here. The claim load is 20,000 claims (not 100,000) to keep the build lean: the
 * 100,000-claim run is {@link RedisCouponStoreTest}.
 */
class RedisClusterContractTest extends CouponStoreContractTest {
  private static List<RedisServer> masters;
  private static String failure;
  private final List<UnifiedJedis> clients = new ArrayList<>();
  private String prefix;

  static synchronized Set<HostAndPort> cluster() {
    if (masters == null && failure == null) {
      List<RedisServer> started = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          started.add(RedisServer.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
              "--cluster-node-timeout", "5000"));
        }
        int per = 16384 / 3 + 1;
        for (int i = 0; i < 3; i++) {
          try (Jedis j = new Jedis(started.get(i).hostAndPort())) {
            int from = i * per;
            int to = Math.min(16383, (i + 1) * per - 1);
            int[] slots = new int[to - from + 1];
            for (int s = 0; s < slots.length; s++) {
              slots[s] = from + s;
            }
            j.clusterAddSlots(slots);
            if (i > 0) {
              j.clusterMeet("127.0.0.1", started.get(0).port());
            }
          }
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        boolean ok = false;
        while (!ok && System.nanoTime() < deadline) {
          ok = true;
          for (RedisServer s : started) {
            try (Jedis j = new Jedis(s.hostAndPort())) {
              String info = j.clusterInfo();
              ok &= info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3");
            }
          }
          if (!ok) {
            RedisServer.sleep(100);
          }
        }
        if (!ok) {
          throw new IllegalStateException("cluster did not reach cluster_state:ok in 30 s");
        }
        masters = started;
      } catch (RuntimeException e) {
        started.forEach(RedisServer::close);
        failure = e.getMessage();
      }
    }
    Assumptions.assumeTrue(failure == null, () -> "no Redis Cluster could be formed on this machine: " + failure);
    Set<HostAndPort> nodes = new HashSet<>();
    masters.forEach(m -> nodes.add(m.hostAndPort()));
    return nodes;
  }

  @AfterAll
  static synchronized void stopCluster() {
    if (masters != null) {
      masters.forEach(RedisServer::close);
      masters = null;
    }
  }

  /** A new cluster client of the kind under test (this class: the deprecated JedisCluster). */
  @SuppressWarnings("deprecation")
  protected UnifiedJedis newClusterClient() {
    return new JedisCluster(cluster());
  }

  private UnifiedJedis newClient() {
    UnifiedJedis c = newClusterClient();
    clients.add(c);
    return c;
  }

  @Override
  protected CouponStore newStore() {
    prefix = TestRedis.uniquePrefix();
    return new RedisCouponStore(newClient(), prefix);
  }

  @Override
  protected CouponStore newStoreSharingWith(CouponStore store) {
    return new RedisCouponStore(newClient(), ((RedisCouponStore) store).prefix());
  }

  @Override
  protected void cleanUp(CouponStore store) {
    try {
      for (RedisServer m : masters) {
        TestRedis.deleteKeys(m.hostAndPort(), prefix);
      }
    } finally {
      clients.forEach(UnifiedJedis::close);
      clients.clear();
    }
  }

  @Override
  protected int concurrentClaims() {
    return 20_000;
  }
}
