package io.couponengine.redis;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * A template's pool beyond claims: imports of external codes, streaming the pool, counting it. A CLAIM template's
 * pool is the list {@code pool} (claims LPOP its head, loads RPUSH its tail); a CODE_ENTRY template's is the sorted
 * set {@code epool} by load serial (an entered code leaves it by ZREM). Raw Jedis exceptions pass through; the
 * store translates them.
 */
final class CodePool {
  static final LuaScript INDEX = LuaScript.load("index");
  static final LuaScript IMPORT = LuaScript.load("import");
  static final LuaScript IMPORT_ONE = LuaScript.load("importone");

  private final UnifiedJedis jedis;
  private final Keys keys;
  private final boolean cluster;

  CodePool(UnifiedJedis jedis, Keys keys, boolean cluster) {
    this.jedis = jedis;
    this.keys = keys;
    this.cluster = cluster;
  }

  /**
   * Imports codes (see {@link RedisCouponStore#importCodes}): on a standalone server one script per sub-batch of
   * {@value RedisCouponStore#APPEND_BATCH} indexes and pools atomically ({@code importone.lua}); on a cluster the
   * index and the template are in different slots, so two idempotent steps, each one pipeline.
   *
   * @param templateId the template
   * @param codes canonical, distinct codes
   * @return how many were added
   */
  long importCodes(String templateId, List<String> codes) {
    long most = room(templateId);
    if (codes.isEmpty()) {
      return 0;
    }
    return cluster ? importInTwoSteps(templateId, most, codes) : importInOne(templateId, most, codes);
  }

  private long importInOne(String templateId, long most, List<String> codes) {
    int calls = (codes.size() + RedisCouponStore.APPEND_BATCH - 1) / RedisCouponStore.APPEND_BATCH;
    List<Object> replies = IMPORT_ONE.runAll(jedis, calls, c -> {
      List<String> batch = codes.subList(c * RedisCouponStore.APPEND_BATCH,
          Math.min(codes.size(), (c + 1) * RedisCouponStore.APPEND_BATCH));
      List<String> k = new ArrayList<>(4 + Keys.CODE_BUCKETS);
      k.add(keys.meta(templateId));
      k.add(keys.pool(templateId));
      k.add(keys.entryPool(templateId));
      k.add(keys.imported(templateId));
      // grouped by bucket (each bucket's codes one HMGET straight from the arguments), with each code's position
      // in the order given, two bytes per code (ASCII, so one byte each on the wire): the script appends the new
      // codes in the order given, as the in-memory store does (positions below 128 * 128: a sub-batch is 10,000)
      List<List<Integer>> positions = new ArrayList<>(Keys.CODE_BUCKETS);
      for (int b = 0; b < Keys.CODE_BUCKETS; b++) {
        positions.add(new ArrayList<>());
      }
      for (int i = 0; i < batch.size(); i++) {
        positions.get(Keys.codeBucket(batch.get(i))).add(i);
      }
      StringBuilder order = new StringBuilder(batch.size() * 2);
      List<String> grouped = new ArrayList<>(batch.size() + Keys.CODE_BUCKETS);
      for (int b = 0; b < Keys.CODE_BUCKETS; b++) {
        List<Integer> in = positions.get(b);
        if (in.isEmpty()) {
          continue;
        }
        k.add(keys.codeIndex(b));
        grouped.add(Integer.toString(in.size()));
        for (int i : in) {
          order.append((char) (i >> 7)).append((char) (i & 127));
          grouped.add(batch.get(i));
        }
      }
      List<String> a = new ArrayList<>(3 + grouped.size());
      a.add(Long.toString(most));
      a.add(templateId);
      a.add(order.toString());
      a.addAll(grouped);
      return new LuaScript.Call(k, a);
    });
    long added = 0;
    for (Object reply : replies) {
      List<?> r = (List<?>) reply;
      if ((Long) r.get(0) == 0L) {
        // each sub-batch is all or none: the ones before this one are in, this one and the rest changed nothing
        throw pastTheMaximum(templateId, most, (Long) r.get(1));
      }
      added += (Long) r.get(1);
    }
    return added;
  }

  private static CouponException pastTheMaximum(String templateId, long most, long addedCount) {
    return CouponException.invalidField("codes", "would take template '%s' past %d codes (total %d)",
        templateId, TemplateSpec.MAX_TOTAL_COUNT, TemplateSpec.MAX_TOTAL_COUNT - most + addedCount);
  }

  private static List<List<String>> byBucket(List<String> codes) {
    List<List<String>> byBucket = new ArrayList<>(Keys.CODE_BUCKETS);
    for (int b = 0; b < Keys.CODE_BUCKETS; b++) {
      byBucket.add(new ArrayList<>());
    }
    for (String code : codes) {
      byBucket.get(Keys.codeBucket(code)).add(code);
    }
    return byBucket;
  }

  private long importInTwoSteps(String templateId, long most, List<String> codes) {
    Indexed step1 = index(templateId, codes);
    long[] r = pool(templateId, most, step1.candidates);
    if (r[0] == 0L) {
      unindex(templateId, step1.fresh);
      throw pastTheMaximum(templateId, most, r[1]);
    }
    return r[1];
  }

  /**
   * The most the template's added count may reach: the spec's total never changes, so it is read first (which
   * also refuses an unknown template before any code is indexed).
   */
  long room(String templateId) {
    String json = jedis.hget(keys.meta(templateId), "json");
    if (json == null) {
      throw CouponException.of(ErrorCode.TEMPLATE_NOT_FOUND, "template '%s' does not exist", templateId);
    }
    return TemplateSpec.MAX_TOTAL_COUNT - Template.fromJson(json).spec().totalCount();
  }

  /** What step 1 left: the codes indexed to the template (to pool), and those this call indexed itself. */
  record Indexed(List<String> candidates, List<String> fresh) {}

  /**
   * Step 1 of a two-step import (a cluster; tests on a standalone server too): indexes the codes to the template as
   * {@code n|T}, one script per code bucket, all in one pipeline. A code another
   * template (or a shared code) has is dropped; one already indexed to this template stays a candidate, so a
   * re-run after a crash between the steps pools it.
   *
   * @param templateId the template
   * @param codes the codes
   * @return the candidates and the codes this call indexed
   */
  Indexed index(String templateId, List<String> codes) {
    List<List<String>> byBucket = byBucket(codes);
    String value = CodeIndex.indexedBy(templateId);
    List<List<String>> callKeys = new ArrayList<>();
    List<List<String>> callArgs = new ArrayList<>();
    List<List<String>> sent = new ArrayList<>();
    for (int b = 0; b < Keys.CODE_BUCKETS; b++) {
      List<String> bucket = byBucket.get(b);
      if (bucket.isEmpty()) {
        continue;
      }
      List<String> a = new ArrayList<>(bucket.size() + 2);
      a.add("+");
      a.add(value);
      a.addAll(bucket);
      callKeys.add(List.of(keys.codeIndex(b)));
      callArgs.add(a);
      sent.add(bucket);
    }
    List<Object> replies = INDEX.runAll(jedis, callKeys, callArgs);
    // each code's flag, back in the order given, so the pool keeps it
    java.util.Map<String, Character> flags = new java.util.HashMap<>(codes.size() * 2);
    for (int c = 0; c < sent.size(); c++) {
      String f = (String) replies.get(c);
      List<String> bucket = sent.get(c);
      for (int i = 0; i < bucket.size(); i++) {
        flags.put(bucket.get(i), f.charAt(i));
      }
    }
    List<String> candidates = new ArrayList<>(codes.size());
    List<String> fresh = new ArrayList<>(codes.size());
    for (String code : codes) {
      char f = flags.get(code);
      if (f != '0') {
        candidates.add(code);
      }
      if (f == '2') {
        fresh.add(code);
      }
    }
    return new Indexed(candidates, fresh);
  }

  /**
   * Step 2: pools the candidates not yet imported into the template (one script in its slot; sub-batches of
   * {@value RedisCouponStore#APPEND_BATCH} in one pipeline, each deciding on its own codes).
   *
   * @param templateId the template
   * @param most the most the added count may reach
   * @param candidates codes indexed to the template
   * @return {1, codes added}, or {0, the added count} when the total would pass the maximum
   */
  long[] pool(String templateId, long most, List<String> candidates) {
    List<String> k = List.of(keys.meta(templateId), keys.pool(templateId), keys.entryPool(templateId),
        keys.imported(templateId));
    List<List<String>> callKeys = new ArrayList<>();
    List<List<String>> callArgs = new ArrayList<>();
    for (int from = 0; from < candidates.size() || from == 0; from += RedisCouponStore.APPEND_BATCH) {
      List<String> batch = candidates.subList(from, Math.min(candidates.size(), from + RedisCouponStore.APPEND_BATCH));
      List<String> a = new ArrayList<>(batch.size() + 1);
      a.add(Long.toString(most));
      a.addAll(batch);
      callKeys.add(k);
      callArgs.add(a);
    }
    long added = 0;
    for (Object reply : IMPORT.runAll(jedis, callKeys, callArgs)) {
      List<?> r = (List<?>) reply;
      if ((Long) r.get(0) == 0L) {
        // the sub-batches before this one are in (each is all or nothing): the refusal takes back only the
        // codes this call indexed and did not pool; see docs/redis.md
        return new long[] {0, (Long) r.get(1)};
      }
      added += (Long) r.get(1);
    }
    return new long[] {1, added};
  }

  /** Takes back index entries this call made, when its import was refused (only those still naming the template). */
  private void unindex(String templateId, List<String> fresh) {
    // codes a refused import already pooled in earlier sub-batches stay indexed: an entry is removed only when the
    // template never got the code (not in imp)
    List<Boolean> pooled = new ArrayList<>(fresh.size());
    List<Response<Boolean>> seen = new ArrayList<>(fresh.size());
    try (AbstractPipeline p = jedis.pipelined()) {
      for (String code : fresh) {
        seen.add(p.sismember(keys.imported(templateId), code));
      }
      p.sync();
    }
    List<List<String>> byBucket = new ArrayList<>(Keys.CODE_BUCKETS);
    for (int b = 0; b < Keys.CODE_BUCKETS; b++) {
      byBucket.add(new ArrayList<>());
    }
    for (int i = 0; i < fresh.size(); i++) {
      if (!seen.get(i).get()) {
        byBucket.get(Keys.codeBucket(fresh.get(i))).add(fresh.get(i));
      }
    }
    List<List<String>> callKeys = new ArrayList<>();
    List<List<String>> callArgs = new ArrayList<>();
    for (int b = 0; b < Keys.CODE_BUCKETS; b++) {
      if (!byBucket.get(b).isEmpty()) {
        List<String> a = new ArrayList<>(byBucket.get(b).size() + 2);
        a.add("-");
        a.add(CodeIndex.indexedBy(templateId));
        a.addAll(byBucket.get(b));
        callKeys.add(List.of(keys.codeIndex(b)));
        callArgs.add(a);
      }
    }
    if (!callKeys.isEmpty()) {
      INDEX.runAll(jedis, callKeys, callArgs);
    }
  }

  /**
   * Streams the pool (see {@link RedisCouponStore#scanPool}).
   *
   * @param templateId the template
   * @param batchSize codes per batch
   * @param sink receives each batch
   */
  void scan(String templateId, int batchSize, Consumer<List<String>> sink) {
    if ("CODE_ENTRY".equals(jedis.hget(keys.meta(templateId), "dist"))) {
      // by load serial: every score is unique and never changes, so paging after the last score read passes each
      // code that stays exactly once, whatever is bound meanwhile
      String after = "-inf";
      while (true) {
        List<Tuple> page = jedis.zrangeByScoreWithScores(keys.entryPool(templateId), after, "+inf", 0, batchSize);
        if (page.isEmpty()) {
          return;
        }
        List<String> codes = new ArrayList<>(page.size());
        for (Tuple t : page) {
          codes.add(t.getElement());
        }
        sink.accept(codes);
        if (page.size() < batchSize) {
          return;
        }
        after = "(" + (long) page.get(page.size() - 1).getScore();
      }
    }
    // from the tail, by negative index: claims LPOP the head, so a code's distance from the tail never changes
    // while no code is appended, and each code that stays is read exactly once
    String pool = keys.pool(templateId);
    for (long read = 0; ; read += batchSize) {
      List<String> page = jedis.lrange(pool, -(read + batchSize), -(read + 1));
      if (page.isEmpty()) {
        return;
      }
      sink.accept(page);
      if (page.size() < batchSize) {
        return;
      }
    }
  }

  /**
   * Codes in the pool: the list's length plus the sorted set's (one of the two is always empty).
   *
   * @param templateId the template
   * @return the count
   */
  long remaining(String templateId) {
    Response<Long> list;
    Response<Long> entry;
    try (AbstractPipeline p = jedis.pipelined()) {
      list = p.llen(keys.pool(templateId));
      entry = p.zcard(keys.entryPool(templateId));
      p.sync();
    }
    return list.get() + entry.get();
  }
}
