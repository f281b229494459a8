package io.couponengine.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.coupon.Coupon;
import io.couponengine.jdbc.JdbcCouponStore;
import io.couponengine.jdbc.JdbcEventApplier;
import io.couponengine.redis.RedisCouponStore;
import io.couponengine.redis.RedisEventConsumer;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Redis as the hot path, a database as the system of record, composed from the outside: the engine claims and
 * redeems on a {@link RedisCouponStore}; a {@link RedisEventConsumer} reads the stores' event streams and hands
 * every event to a {@link JdbcEventApplier}, which applies each event id exactly once. Neither adapter imports the
 * other. At the end every user's coupons in the database are compared with Redis's.
 *
 * <pre>
 * java -cp coupon-examples/target/coupon-examples.jar io.couponengine.examples.RedisToDatabase \
 *      --redis redis://127.0.0.1:6379 [--jdbc 'jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres'] \
 *      [--claims 2000] [--users 500]
 * </pre>
 * Without {@code --jdbc} the system of record is an in-process H2 database.
 */
public final class RedisToDatabase {
  private RedisToDatabase() {}

  /**
   * Runs the example.
   *
   * @param argv {@code --redis url} and optional {@code --jdbc url --claims n --users n}
   * @throws Exception when something fails
   */
  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    URI redisUri = URI.create(args.string("redis", "redis://127.0.0.1:6379"));
    String jdbcUrl = args.string("jdbc", "jdbc:h2:mem:record;DB_CLOSE_DELAY=-1");
    int claims = args.intValue("claims", 2_000);
    int users = args.intValue("users", 500);
    String run = UUID.randomUUID().toString().substring(0, 8);
    String prefix = "r2db-" + run;

    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(jdbcUrl);
    hc.setMaximumPoolSize(4);
    try (RedisClient redis = RedisClient.create(redisUri.getHost(), redisUri.getPort() < 0 ? 6379 : redisUri.getPort());
         HikariDataSource ds = new HikariDataSource(hc)) {
      RedisCouponStore hot = new RedisCouponStore(redis, prefix);
      JdbcCouponStore record = JdbcCouponStore.builder(ds).tablePrefix("r2db_" + run.replace('-', '_') + "_").build();
      record.createSchema();
      JdbcEventApplier applier = new JdbcEventApplier(record);
      RedisEventConsumer consumer = RedisEventConsumer.builder(redis, prefix, "record", "record-1", applier).build();
      try (CouponEngine engine = CouponEngine.builder().store(hot).build()) {
        Template t = engine.generation(engine.createTemplate(TemplateSpec.builder().name("synced")
            .category(CouponCategory.DIRECT).productLine("mall").totalCount(claims).perUserLimit(5)
            .validity(Validity.rolling(Duration.ofDays(7))).discount(Discount.amountOff(new BigDecimal("5.00")))
            .build()).id()).join();

        // hot path: claims, one order committed, one released
        List<Coupon> issued = new ArrayList<>();
        for (int i = 0; i < claims; i++) {
          engine.claim(new ClaimRequest("user-" + (i % users), t.id(), "k-" + i)).coupon().ifPresent(issued::add);
        }
        Coupon a = issued.get(0);
        Coupon b = issued.get(1);
        engine.reserve(a.userId(), "order-paid", List.of(a.code()));
        engine.commit("order-paid");
        engine.reserve(b.userId(), "order-cancelled", List.of(b.code()));
        engine.release("order-cancelled");

        // the system of record catches up; a second pass redelivers nothing new and applies nothing twice
        int delivered = 0;
        for (int n; (n = consumer.pollOnce()) > 0; ) {
          delivered += n;
        }
        int again = consumer.pollOnce();

        int mismatches = 0;
        int inDatabase = 0;
        for (int u = 0; u < users; u++) {
          String user = "user-" + u;
          List<Coupon> inRedis = hot.findCouponsByUser(user);
          List<Coupon> inDb = record.findCouponsByUser(user);
          inDatabase += inDb.size();
          Map<String, Coupon> byId = new LinkedHashMap<>();
          inDb.forEach(c -> byId.put(c.id(), c));
          for (Coupon c : inRedis) {
            Coupon d = byId.get(c.id());
            if (d == null || d.status() != c.status() || !d.code().equals(c.code())) {
              mismatches++;
            }
          }
          mismatches += Math.max(0, inDb.size() - inRedis.size());
        }
        System.out.printf("Redis: %,d coupons issued; events delivered to the database: %,d (then %d on a second "
            + "pass)%n", issued.size(), delivered, again);
        System.out.printf("Database (%s): %,d coupons; %s is %s there, %s is %s; mismatches with Redis: %d%n",
            record.dialect(), inDatabase, a.code(), record.findCouponByCode(a.code()).orElseThrow().status(),
            b.code(), record.findCouponByCode(b.code()).orElseThrow().status(), mismatches);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("coupons_in_redis", issued.size());
        json.put("coupons_in_db", inDatabase);
        json.put("events_delivered", delivered);
        json.put("redelivered_on_second_pass", again);
        json.put("mismatches", mismatches);
        System.out.println(ClaimLoad.json(json));
        if (mismatches != 0 || inDatabase != issued.size()) {
          System.exit(1);
        }
      } finally {
        consumer.close();
        record.dropSchema();
        deleteKeys(redis, prefix);
      }
    }
  }

  private static void deleteKeys(RedisClient redis, String prefix) {
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = redis.scan(cursor, new ScanParams().match(prefix + ":*").count(1_000));
      if (!page.getResult().isEmpty()) {
        redis.unlink(page.getResult().toArray(new String[0]));
      }
      cursor = page.getCursor();
    } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
  }
}
