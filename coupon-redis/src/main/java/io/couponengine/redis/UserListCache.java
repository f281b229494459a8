package io.couponengine.redis;

import io.couponengine.coupon.Coupon;
import io.couponengine.internal.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * A user's coupon list for {@link RedisCouponStore#findCouponsByUser}: the user's coupons as issued (immutable)
 * cached in the user's slot as a JSON array (an empty array is the sentinel of a user without coupons). A claim
 * invalidates by deleting the key: the claim script does it itself on a standalone Redis ({@link #key}), the store
 * calls {@link #invalidate} after the script on a cluster. Deleting a missing key costs the claim a lookup, where
 * bumping a per-user counter created a key per user.
 *
 * <p>A rebuild first sets the key to a marker of its own ({@code ?<random>}), then reads the template slots, then
 * stores the list only if its marker is still there ({@code cache.lua}): a claim in between deleted the marker, so a
 * list read before that claim is never stored. Raw Jedis exceptions pass through; the store translates them.
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
   * The list-cache key a claim deletes.
   *
   * @param userId the user
   * @return the key, in the user's slot
   */
  String key(String userId) {
    return keys.list(userId);
  }

  /**
   * Drops the user's cached list (one DEL); the next read rebuilds it.
   *
   * @param userId the user
   */
  void invalidate(String userId) {
    jedis.del(keys.list(userId));
  }

  /**
   * The user's coupons with their current statuses (see {@link RedisCouponStore#findCouponsByUser}).
   *
   * @param userId the user
   * @return the coupons in claim order
   */
  List<Coupon> find(String userId) {
    String listKey = keys.list(userId);
    Response<String> cached;
    Response<Map<String, String>> states;
    try (AbstractPipeline p = jedis.pipelined()) {
      cached = p.get(listKey);
      states = p.hgetAll(keys.states(userId));
      p.sync();
    }
    String value = cached.get();
    // a list is a JSON array; a marker ('?') or a value of 0.1 ('<generation>|[...]') is a miss
    List<Coupon> records = value != null && value.startsWith("[")
        ? List.of(Json.read(value, Coupon[].class)) : rebuild(userId);
    Map<String, String> changed = states.get();
    List<Coupon> out = new ArrayList<>(records.size());
    for (Coupon r : records) {
      String now = changed.get(r.code());
      Coupon c = now == null ? r : Coupon.fromJson(now);
      out.add(c);
    }
    return out;
  }

  private List<Coupon> rebuild(String userId) {
    String listKey = keys.list(userId);
    String marker = "?" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    jedis.setex(listKey, ttlSeconds(), marker);
    List<String> templates = new ArrayList<>(jedis.smembers(keys.registry()));
    Map<String, Response<String>> codesByTemplate = new LinkedHashMap<>();
    // a sharded template keeps the user's claims in the user's sub-pool: its tag id instead of the template id
    Map<String, String[]> sub = shards.tags(templates);
    Map<String, String> tagOf = new HashMap<>();
    try (AbstractPipeline p = jedis.pipelined()) {
      for (String t : templates) {
        String[] tags = sub.get(t);
        String tag = tags[Shards.shardOf(userId, tags.length)];
        tagOf.put(t, tag);
        codesByTemplate.put(t, p.hget(keys.userClaims(tag), userId));
      }
      p.sync();
    }
    List<String> recordTemplates = new ArrayList<>();
    List<String[]> recordCodes = new ArrayList<>();
    List<Response<List<String>>> recordReplies = new ArrayList<>();
    try (AbstractPipeline p = jedis.pipelined()) {
      for (Map.Entry<String, Response<String>> e : codesByTemplate.entrySet()) {
        String codes = e.getValue().get();
        if (codes != null) {
          String[] split = codes.split(" ");
          recordTemplates.add(e.getKey());
          recordCodes.add(split);
          recordReplies.add(p.hmget(keys.claims(tagOf.get(e.getKey())), split));
        }
      }
      p.sync();
    }
    List<Coupon> records = new ArrayList<>();
    for (int t = 0; t < recordReplies.size(); t++) {
      List<String> recs = recordReplies.get(t).get();
      for (int i = 0; i < recs.size(); i++) {
        if (recs.get(i) != null) {
          records.add(CouponRecord.read(recs.get(i), recordCodes.get(t)[i], recordTemplates.get(t)));
        }
      }
    }
    records.sort(CLAIM_ORDER); // stable: codes of one template stay in claim order
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < records.size(); i++) {
      json.append(i == 0 ? "" : ",").append(records.get(i).toJson());
    }
    json.append(']');
    CACHE.run(jedis, List.of(listKey), List.of(marker, json.toString(), Long.toString(ttlSeconds())));
    return records;
  }

  /** The base TTL plus up to 20% random jitter, so lists cached together do not expire together. */
  private long ttlSeconds() {
    long ttl = listTtl.toSeconds();
    ttl += ThreadLocalRandom.current().nextLong(Math.max(1, ttl / 5) + 1); // jitter against avalanches
    return ttl;
  }
}
