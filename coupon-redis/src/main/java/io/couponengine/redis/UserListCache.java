package io.couponengine.redis;

import io.couponengine.coupon.Coupon;
import io.couponengine.internal.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * A user's coupon list for {@link RedisCouponStore#findCouponsByUser}: the user's immutable claim records cached in
 * the user's slot as {@code <generation>|<JSON array>} (an empty array is the sentinel of a user without coupons),
 * valid while the generation counter beside it is unchanged. A claim invalidates by bumping the generation; the
 * claim script does it itself on a standalone Redis ({@link #generationKey}), the store calls
 * {@link #invalidate} after the script on a cluster. Raw Jedis exceptions pass through; the store translates them.
 */
final class UserListCache {
  static final LuaScript CACHE = LuaScript.load("cache");
  private static final Comparator<Coupon> CLAIM_ORDER = Comparator.comparing(Coupon::claimedAt);

  private final UnifiedJedis jedis;
  private final Keys keys;
  private final Duration listTtl;

  private final Shards shards;

  UserListCache(UnifiedJedis jedis, Keys keys, Duration listTtl, Shards shards) {
    this.shards = shards;
    this.jedis = jedis;
    this.keys = keys;
    this.listTtl = listTtl;
  }

  /**
   * The generation counter a claim bumps.
   *
   * @param userId the user
   * @return the key, in the user's slot
   */
  String generationKey(String userId) {
    return keys.generation(userId);
  }

  /**
   * Makes the user's cached list stale (one INCR); the next read rebuilds it.
   *
   * @param userId the user
   */
  void invalidate(String userId) {
    jedis.incr(keys.generation(userId));
  }

  /**
   * The user's coupons with their current statuses (see {@link RedisCouponStore#findCouponsByUser}).
   *
   * @param userId the user
   * @return the coupons in claim order
   */
  List<Coupon> find(String userId) {
    String genKey = keys.generation(userId);
    String listKey = keys.list(userId);
    Response<List<String>> cached;
    Response<Map<String, String>> states;
    try (AbstractPipeline p = jedis.pipelined()) {
      cached = p.mget(genKey, listKey);
      states = p.hgetAll(keys.states(userId));
      p.sync();
    }
    String gen = cached.get().get(0) == null ? "" : cached.get().get(0);
    String value = cached.get().get(1);
    List<Coupon> records;
    if (value != null && value.startsWith(gen + "|")) {
      records = List.of(Json.read(value.substring(gen.length() + 1), Coupon[].class));
    } else {
      records = rebuild(userId, gen);
    }
    Map<String, String> changed = states.get();
    List<Coupon> out = new ArrayList<>(records.size());
    for (Coupon r : records) {
      String now = changed.get(r.code());
      Coupon c = now == null ? r : Coupon.fromJson(now);
      out.add(c);
    }
    return out;
  }

  private List<Coupon> rebuild(String userId, String gen) {
    List<String> templates = new ArrayList<>(jedis.smembers(keys.registry()));
    Map<String, Response<String>> codesByTemplate = new LinkedHashMap<>();
    // a sharded template keeps the user's claims in the user's sub-pool: its tag id instead of the template id
    Map<String, String[]> sub = shards.tags(templates);
    try (AbstractPipeline p = jedis.pipelined()) {
      for (String t : templates) {
        String[] tags = sub.get(t);
        String tag = tags[Shards.shardOf(userId, tags.length)];
        codesByTemplate.put(tag, p.hget(keys.userClaims(tag), "c:" + userId));
      }
      p.sync();
    }
    List<Response<List<String>>> recordReplies = new ArrayList<>();
    try (AbstractPipeline p = jedis.pipelined()) {
      for (Map.Entry<String, Response<String>> e : codesByTemplate.entrySet()) {
        String codes = e.getValue().get();
        if (codes != null) {
          recordReplies.add(p.hmget(keys.claims(e.getKey()), codes.split(" ")));
        }
      }
      p.sync();
    }
    List<Coupon> records = new ArrayList<>();
    StringBuilder json = new StringBuilder("[");
    for (Response<List<String>> r : recordReplies) {
      for (String rec : r.get()) {
        if (rec != null) {
          records.add(Coupon.fromJson(rec));
        }
      }
    }
    records.sort(CLAIM_ORDER); // stable: codes of one template stay in claim order
    for (int i = 0; i < records.size(); i++) {
      json.append(i == 0 ? "" : ",").append(records.get(i).toJson());
    }
    json.append(']');
    CACHE.run(jedis, List.of(keys.generation(userId), keys.list(userId)),
        List.of(gen, gen + "|" + json, Long.toString(ttlSeconds())));
    return records;
  }

  /** The base TTL plus up to 20% random jitter, so lists cached together do not expire together. */
  private long ttlSeconds() {
    long ttl = listTtl.toSeconds();
    ttl += ThreadLocalRandom.current().nextLong(Math.max(1, ttl / 5) + 1); // jitter against avalanches
    return ttl;
  }
}
