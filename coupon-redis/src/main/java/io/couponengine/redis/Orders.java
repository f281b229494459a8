package io.couponengine.redis;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.OrderStatus;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.internal.Json;
import io.couponengine.spi.ReserveCommand;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * The redemption path of {@link RedisCouponStore}: reserve, commit, release, revert and the stale reservations. An
 * order lives in its user's bucket {@code {u:<bucket>}} beside the user's coupon states, so each of reserve, commit,
 * release and revert is decided by one script in one slot, all or none; the order id's owner pointer is its own
 * key. A priced reservation's savings are stored with the order (field {@code v}: code → plain decimal string) and
 * come back from every script that succeeds for it. Raw Jedis exceptions pass through; the store translates them.
 */
final class Orders {
  static final LuaScript RESERVE = LuaScript.load("reserve");
  static final LuaScript FINISH = LuaScript.load("finish");
  static final LuaScript DUE = LuaScript.load("due");
  /** The finish script's answer when it needs the coupons' window letters to decide. */
  private static final String TIMES = "TIMES";
  /**
   * Where the coupons' JSON start in a script's answer carrying them (a success or TIMES): after outcome, order
   * status, offending code, replayed and the order's savings.
   */
  private static final int FIRST_COUPON = 5;

  private final UnifiedJedis jedis;
  private final Keys keys;
  private final long streamMaxLen;
  private final CodeIndex codeIndex;
  private final Shards shards;

  Orders(UnifiedJedis jedis, Keys keys, long streamMaxLen, CodeIndex codeIndex, Shards shards) {
    this.shards = shards;
    this.jedis = jedis;
    this.keys = keys;
    this.streamMaxLen = streamMaxLen;
    this.codeIndex = codeIndex;
  }

  RedemptionResult reserve(ReserveCommand cmd) {
    String user = cmd.userId();
    String orderId = cmd.orderId();
    // 1. the order's owner pointer (order ids are global; the order itself lives in its user's bucket). The first
    // user to reserve an id owns it for good, even when that reserve is refused or still in flight: taking the
    // pointer over would let two users' reserves of one id both succeed in their own buckets.
    String ownerKey = keys.orderOwner(orderId);
    if (jedis.setnx(ownerKey, user) == 0) {
      String owner = jedis.get(ownerKey);
      if (owner != null && !owner.equals(user)) {
        String other = jedis.hget(keys.orders(Keys.bucket(owner)), orderId);
        OrderStatus status = other == null ? null
            : OrderStatus.valueOf((String) Json.read(other, Map.class).get("s"));
        return RedemptionResult.refused(RedemptionOutcome.ORDER_CONFLICT, orderId, status, null);
      }
    }
    // 2. the claim records (immutable) of every code, one pipelined round trip over the template slots (one more,
    // to the code index, only for imported codes: their template is not in the code)
    List<String> templates = codeIndex.templatesOf(cmd.codes());
    // a sharded template's record is in the claiming user's sub-pool: one HGET per sub-pool (a code of another
    // user must still be found, to be refused as that user's)
    Map<String, String[]> sub = shards.tags(templates.stream().filter(java.util.Objects::nonNull).distinct().toList());
    List<List<Response<String>>> recs = new ArrayList<>(cmd.codes().size());
    try (AbstractPipeline p = jedis.pipelined()) {
      for (int i = 0; i < cmd.codes().size(); i++) {
        String code = cmd.codes().get(i);
        String t = templates.get(i);
        List<Response<String>> in = new ArrayList<>(1);
        if (t != null) {
          for (String tag : sub.get(t)) {
            in.add(p.hget(keys.claims(tag), code));
          }
        }
        recs.add(in);
      }
      p.sync();
    }
    int bucket = Keys.bucket(user);
    Map<String, BigDecimal> savings = cmd.savings();
    List<String> args = new ArrayList<>(7 + cmd.codes().size() * (savings.isEmpty() ? 4 : 5));
    args.add(user);
    args.add(orderId);
    args.add(Long.toString(cmd.now().toEpochMilli()));
    args.add(Long.toString(cmd.reservedUntil().toEpochMilli()));
    args.add(cmd.now().toString());
    args.add(Long.toString(streamMaxLen));
    args.add(Integer.toString(cmd.codes().size()));
    for (int i = 0; i < cmd.codes().size(); i++) {
      String rec = null;
      for (Response<String> r : recs.get(i)) {
        rec = rec != null ? rec : r.get();
      }
      args.add(cmd.codes().get(i));
      if (rec == null) {
        args.add("");
        args.add("");
        args.add("0");
      } else {
        Coupon c = CouponRecord.read(rec, cmd.codes().get(i), templates.get(i));
        args.add(c.toJson()); // the scripts of the user's slot read a coupon's JSON
        args.add(c.userId());
        args.add(window(c, cmd.now()));
      }
    }
    // a priced reservation: what each code saves, in the codes' order, as a plain decimal string (exactly the codes:
    // ReserveCommand checks it); absent for an unpriced one, so its order is stored as before
    if (!savings.isEmpty()) {
      for (String code : cmd.codes()) {
        args.add(savings.get(code).toPlainString());
      }
    }
    // 3. one script in the user's slot decides, all or none
    List<?> r = (List<?>) RESERVE.run(jedis, List.of(keys.states(user), keys.orders(bucket),
        keys.reservations(bucket), keys.bucketEvents(bucket), keys.stats(bucket)), args);
    return redemption(orderId, r);
  }

  RedemptionResult commit(String orderId, Instant now) {
    return finish(orderId, now, OrderStatus.COMMITTED);
  }

  RedemptionResult release(String orderId, Instant now) {
    return finish(orderId, now, OrderStatus.RELEASED);
  }

  RedemptionResult revert(String orderId, Instant now) {
    RedemptionResult r = finish(orderId, now, OrderStatus.REVERTED);
    if (r.outcome().isSuccess()) {
      // USABLE again: back among its template's expiry candidates (another slot, so after the script; a retried
      // revert adds them again). A candidate that is no longer USABLE when the sweep reaches it is dropped there.
      List<Coupon> usable = r.coupons().stream().filter(c -> c.status() == CouponStatus.USABLE).toList();
      for (Coupon c : usable) {
        // the coupon's record is in the slot of the user's sub-pool (the template's own for an unsharded one)
        String tag = shards.tagOf(c.templateId(), c.userId());
        long bucket = Keys.dueBucket(c.expiresAt().toEpochMilli());
        DUE.run(jedis, List.of(keys.due(tag, bucket), keys.dueBuckets(tag)),
            List.of(Long.toString(bucket), c.code()));
      }
    }
    return r;
  }

  /**
   * Runs the finish script in the owner's slot. A late commit (of a RELEASED order) and a revert depend on where
   * {@code now} stands in each coupon's window: the script then answers TIMES with the coupons as they are, changing
   * nothing, and runs again with one window letter per coupon (immutable facts, computed here exactly), deciding
   * everything else on the state it finds then.
   */
  private RedemptionResult finish(String orderId, Instant now, OrderStatus target) {
    String user = jedis.get(keys.orderOwner(orderId));
    if (user == null) {
      return RedemptionResult.refused(RedemptionOutcome.ORDER_NOT_FOUND, orderId, null, null);
    }
    int bucket = Keys.bucket(user);
    List<String> k = List.of(keys.states(user), keys.orders(bucket), keys.reservations(bucket),
        keys.bucketEvents(bucket), keys.stats(bucket));
    List<String> args = new ArrayList<>(5);
    args.add(orderId);
    args.add(target.name());
    args.add(now.toString());
    args.add(Long.toString(streamMaxLen));
    List<?> r = (List<?>) FINISH.run(jedis, k, args);
    if (TIMES.equals(r.get(0))) {
      StringBuilder windows = new StringBuilder(r.size() - FIRST_COUPON);
      for (int i = FIRST_COUPON; i < r.size(); i++) {
        String json = (String) r.get(i);
        windows.append(json.isEmpty() ? "E" : window(Coupon.fromJson(json), now));
      }
      args.add(windows.toString());
      r = (List<?>) FINISH.run(jedis, k, args);
    }
    return redemption(orderId, r);
  }

  /**
   * Where {@code now} stands in a coupon's window, as the scripts read it: E at or past expiresAt, P before
   * validFrom, U inside.
   */
  static String window(Coupon c, Instant now) {
    if (!now.isBefore(c.expiresAt())) {
      return "E";
    }
    return c.validFrom() != null && now.isBefore(c.validFrom()) ? "P" : "U";
  }

  private static RedemptionResult redemption(String orderId, List<?> r) {
    RedemptionOutcome outcome = RedemptionOutcome.valueOf((String) r.get(0));
    String status = (String) r.get(1);
    OrderStatus orderStatus = status.isEmpty() ? null : OrderStatus.valueOf(status);
    String offending = ((String) r.get(2)).isEmpty() ? null : (String) r.get(2);
    if (!outcome.isSuccess()) {
      return RedemptionResult.refused(outcome, orderId, orderStatus, offending);
    }
    List<Coupon> coupons = new ArrayList<>(r.size() - FIRST_COUPON);
    for (int i = FIRST_COUPON; i < r.size(); i++) {
      coupons.add(Coupon.fromJson((String) r.get(i)));
    }
    return RedemptionResult.success(outcome, orderId, orderStatus, coupons, "1".equals(r.get(3)),
        savings((String) r.get(4), coupons));
  }

  /**
   * The savings a script returned: the stored order's {@code v} as JSON (code → plain decimal string), or empty for
   * an order without it (reserved unpriced, or stored before savings were kept). Read as BigDecimal from the
   * strings, never through a double; in the order of the order's coupons.
   */
  static Map<String, BigDecimal> savings(String json, List<Coupon> coupons) {
    if (json == null || json.isEmpty()) {
      return Map.of();
    }
    Map<?, ?> stored = Json.read(json, Map.class);
    if (stored.isEmpty()) {
      return Map.of();
    }
    Map<String, BigDecimal> out = new LinkedHashMap<>();
    for (Coupon c : coupons) {
      Object v = stored.get(c.code());
      if (v != null) {
        out.put(c.code(), new BigDecimal(v.toString()));
      }
    }
    for (Map.Entry<?, ?> e : stored.entrySet()) {
      if (e.getValue() != null) {
        out.putIfAbsent((String) e.getKey(), new BigDecimal(e.getValue().toString()));
      }
    }
    return out;
  }

  List<String> findStaleReservations(Instant now, int limit) {
    List<Response<List<String>>> replies = new ArrayList<>(Keys.USER_BUCKETS);
    try (AbstractPipeline p = jedis.pipelined()) {
      for (int b = 0; b < Keys.USER_BUCKETS; b++) {
        replies.add(p.zrangeByScore(keys.reservations(b), Double.NEGATIVE_INFINITY, now.toEpochMilli(), 0,
            limit));
      }
      p.sync();
    }
    List<String> out = new ArrayList<>();
    for (Response<List<String>> r : replies) {
      for (String id : r.get()) {
        if (out.size() < limit) {
          out.add(id);
        }
      }
    }
    return out;
  }
}
