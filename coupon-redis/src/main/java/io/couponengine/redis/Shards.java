package io.couponengine.redis;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The sub-pools of a sharded template ({@code TemplateSpec.shards(k)}, k &gt; 1): one template's pool split into k
 * pools in k hash slots, so a hot template is served by several masters of a cluster.
 *
 * <p><b>Layout.</b> Shard {@code s} has a <i>tag id</i>; its keys are the template-slot keys of {@link Keys} built
 * from the tag id instead of the template id, so every template script ({@code claim.lua}, {@code grant.lua},
 * {@code append.lua}) runs unchanged on a shard. Shard 0's tag id is the template id itself (k = 1 is exactly the
 * unsharded layout); shard {@code s > 0}'s is {@code <templateId><U+001F>s<s>.<salt>}: U+001F is a control character,
 * which no id may hold ({@code Preconditions.requireId}), so no template's tag can ever equal a shard's. The salt is
 * the smallest that puts the shard's slot in the s-th k-th of the 16,384 slots (away from its edges), shard 0 taking
 * whichever k-th its own slot falls in: on an evenly split cluster of k masters each shard has its own master.
 *
 * <p><b>Claims.</b> A user is always served by the shard {@code crc32(userId) mod k}: their count, codes and
 * idempotency keys live in that slot, so the per-user limit and idempotency stay one atomic {@code claim.lua}. A
 * claim answered SOLD_OUT by its shard {@link #refill refills} it from the fullest other shard and claims again;
 * SOLD_OUT is answered only when no shard and no move holds a code.
 *
 * <p><b>Moves</b> ({@code move.lua}): take (donor's slot: half the donor's pool, 100 to 10,000 codes, popped into a
 * move record), apply (receiver's slot: the codes appended unless the move id was applied already), done (donor's
 * slot: the record deleted). A process dying between the steps leaves a record that the next refill (any engine)
 * finishes first; a late apply is a no-op. Codes in a record not applied yet count as remaining.
 *
 * <p><b>Status.</b> Each shard's meta holds the status that {@code claim.lua} reads, with a version: a change is a
 * compare-and-set on shard 0 that bumps the version ({@code shardmeta.lua cas}), then set on every other shard
 * (newer versions only) before {@link #updateStatus} returns, so once a pause returned every claim answers
 * TEMPLATE_PAUSED, and two changes propagated at once end in the later one.
 *
 * <p><b>Loading.</b> Code serial {@code i} goes to shard {@code i mod k}; each shard keeps its own loaded count, so
 * {@code append.lua} is idempotent by offset per shard, and shard 0's meta keeps the template's {@code loaded}
 * (raised after every shard took its part).
 *
 * <p>Thread-safe. Raw Jedis exceptions pass through; the store translates them.
 */
final class Shards {
  static final LuaScript META = LuaScript.load("shardmeta");
  static final LuaScript MOVE = LuaScript.load("move");
  /** Fewest codes a move takes (unless the donor has fewer): a refill should serve many claims. */
  static final int MIN_MOVE = 100;
  /** Most codes a move takes: a script blocks its server while it runs. */
  static final int MAX_MOVE = 10_000;
  /** Slots kept clear at each edge of a shard's k-th: a cluster split by hand may put a boundary one slot off. */
  private static final int EDGE = 16;
  private static final int SLOTS = 16384;
  private static final char SEPARATOR = '\u001F';

  private final UnifiedJedis jedis;
  private final Keys keys;
  /** Template id → its shards' tag ids (one entry for an unsharded template). Specs never change. */
  private final ConcurrentHashMap<String, String[]> tags = new ConcurrentHashMap<>();

  Shards(UnifiedJedis jedis, Keys keys) {
    this.jedis = jedis;
    this.keys = keys;
  }

  // ---- layout ---------------------------------------------------------------------------------------------------

  /**
   * The tag ids of a template's shards, in shard order ({@code {templateId}} when it is not sharded or unknown).
   *
   * @param templateId the template
   * @return the tag ids (do not modify)
   */
  String[] tags(String templateId) {
    String[] t = tags.get(templateId);
    if (t != null) {
      return t;
    }
    return remember(templateId, jedis.hget(keys.meta(templateId), "json"));
  }

  /**
   * The tag ids of many templates' shards, one pipelined round trip for the templates not seen yet.
   *
   * @param templateIds the templates
   * @return template id → tag ids, in the order given
   */
  Map<String, String[]> tags(Collection<String> templateIds) {
    Map<String, String[]> out = new LinkedHashMap<>();
    Map<String, Response<String>> missing = new LinkedHashMap<>();
    for (String t : templateIds) {
      out.put(t, tags.get(t));
    }
    if (out.containsValue(null)) {
      try (AbstractPipeline p = jedis.pipelined()) {
        out.forEach((t, v) -> {
          if (v == null) {
            missing.put(t, p.hget(keys.meta(t), "json"));
          }
        });
        p.sync();
      }
      missing.forEach((t, json) -> out.put(t, remember(t, json.get())));
    }
    return out;
  }

  /** Every tag id of the templates: their shards' slots, each once. */
  List<String> allTags(Collection<String> templateIds) {
    List<String> out = new ArrayList<>();
    for (String[] t : tags(templateIds).values()) {
      out.addAll(Arrays.asList(t));
    }
    return out;
  }

  private String[] remember(String templateId, String json) {
    if (json == null) {
      return new String[] {templateId}; // unknown (yet): not remembered, the next call looks again
    }
    int k = Template.fromJson(json).spec().shards();
    return tags.computeIfAbsent(templateId, id -> layout(keys, id, k));
  }

  /**
   * The tag ids of k shards of a template (deterministic: every engine computes the same).
   *
   * @param keys the key layout (the slot is that of the shard's meta key)
   * @param templateId the template
   * @param k the shard count
   * @return k tag ids, shard 0's the template id
   */
  static String[] layout(Keys keys, String templateId, int k) {
    String[] out = new String[k];
    out[0] = templateId;
    if (k == 1) {
      return out;
    }
    int first = JedisClusterCRC16.getSlot(keys.meta(templateId)) * k / SLOTS;
    int next = 0;
    for (int s = 1; s < k; s++) {
      if (next == first) {
        next++;
      }
      int range = next++;
      int lo = (int) ((long) range * SLOTS / k) + EDGE;
      int hi = (int) ((long) (range + 1) * SLOTS / k) - EDGE;
      for (int salt = 0; ; salt++) {
        String tag = templateId + SEPARATOR + "s" + s + "." + salt;
        int slot = JedisClusterCRC16.getSlot(keys.meta(tag));
        if (slot >= lo && slot < hi) {
          out[s] = tag;
          break;
        }
      }
    }
    return out;
  }

  /**
   * The shard that serves a user: stable for the user and the shard count.
   *
   * @param userId the user
   * @param k the shard count
   * @return 0 to k - 1
   */
  static int shardOf(String userId, int k) {
    if (k == 1) {
      return 0;
    }
    CRC32 crc = new CRC32();
    crc.update(userId.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % k);
  }

  /**
   * The tag id of the shard holding a user's claims of a template.
   *
   * @param templateId the template
   * @param userId the user
   * @return the tag id (the template id when it is not sharded)
   */
  String tagOf(String templateId, String userId) {
    String[] t = tags(templateId);
    return t[shardOf(userId, t.length)];
  }

  // ---- template --------------------------------------------------------------------------------------------------

  /**
   * Creates what every shard needs if absent (its state hash; for shards 1..k-1 a meta with the status): run after
   * the template's insert, and again on an insert's retry.
   *
   * @param template the template just inserted (or found inserted)
   */
  void init(Template template) {
    String[] t = layout(keys, template.id(), template.spec().shards());
    List<List<String>> k = new ArrayList<>();
    List<List<String>> a = new ArrayList<>();
    for (int s = 0; s < t.length; s++) {
      k.add(s == 0 ? List.of(keys.shardState(t[s])) : List.of(keys.shardState(t[s]), keys.meta(t[s])));
      a.add(List.of("init", template.status().name()));
    }
    META.runAll(jedis, k, a);
  }

  /**
   * A status compare-and-set of a sharded template, propagated to every shard before it returns (a refused one
   * propagates the current status, repairing shards left behind by a caller that died after its compare-and-set).
   *
   * @param t the shards' tag ids
   * @param json the template's current JSON
   * @param expected the expected status
   * @param next the next status
   * @param reason the failure reason, for FAILED
   * @return whether the status was changed
   */
  boolean updateStatus(String[] t, String json, TemplateStatus expected, TemplateStatus next, String reason) {
    Template changed = Template.fromJson(json).withStatus(next, reason);
    List<?> r = (List<?>) META.run(jedis, List.of(keys.meta(t[0])),
        List.of("cas", expected.name(), next.name(), changed.toJson()));
    String status = (String) r.get(2);
    if (!status.isEmpty()) {
      String version = Long.toString((Long) r.get(1));
      List<List<String>> k = new ArrayList<>();
      List<List<String>> a = new ArrayList<>();
      for (int s = 1; s < t.length; s++) {
        k.add(List.of(keys.meta(t[s]), keys.shardState(t[s])));
        a.add(List.of("set", status, version));
      }
      META.runAll(jedis, k, a);
    }
    return (Long) r.get(0) == 1L;
  }

  /**
   * Appends codes to a sharded template (see {@link RedisCouponStore#appendCodes}): serial {@code offset + j} goes
   * to shard {@code (offset + j) mod k}, each shard's part by {@code append.lua} with the shard's own offset (the
   * count of its serials below {@code offset}), all in one pipeline; then the template's {@code loaded} is raised to
   * {@code offset + codes.size()}. Idempotent by offset like an unsharded append: a retry (or another engine with
   * the same serials) is skipped shard by shard, and {@code loaded} only moves once every shard has its part.
   *
   * @param t the shards' tag ids
   * @param templateId the template
   * @param offset the serial of the first code
   * @param codes the codes
   * @return the template's loaded count
   */
  long append(String[] t, String templateId, long offset, List<String> codes) {
    List<String> meta = jedis.hmget(keys.meta(templateId), "status", "loaded");
    if (meta.get(0) == null) {
      throw CouponException.of(ErrorCode.TEMPLATE_NOT_FOUND, "template '%s' does not exist", templateId);
    }
    long loaded = meta.get(1) == null ? 0 : Long.parseLong(meta.get(1));
    long n = codes.size();
    if (n == 0 || offset + n <= loaded) {
      return loaded;
    }
    if (offset != loaded) {
      throw CouponException.of(ErrorCode.CONFLICT, "template has %d codes loaded; a batch at offset %d does not fit",
          loaded, offset);
    }
    int k = t.length;
    List<List<String>> callKeys = new ArrayList<>();
    List<List<String>> callArgs = new ArrayList<>();
    for (int s = 0; s < k; s++) {
      // the first code of this shard in the batch, and the shard's count of its serials below offset
      int first = (int) Math.floorMod(s - offset, (long) k);
      long shardOffset = (offset + k - 1 - s) / k;
      List<String> part = new ArrayList<>();
      for (int j = first; j < n; j += k) {
        part.add(codes.get(j));
      }
      List<String> kk = List.of(keys.shardState(t[s]), keys.pool(t[s]), keys.entryPool(t[s]));
      for (int from = 0; from < part.size(); from += RedisCouponStore.APPEND_BATCH) {
        List<String> batch = part.subList(from, Math.min(part.size(), from + RedisCouponStore.APPEND_BATCH));
        List<String> a = new ArrayList<>(batch.size() + 1);
        a.add(Long.toString(shardOffset + from));
        a.addAll(batch);
        callKeys.add(kk);
        callArgs.add(a);
      }
    }
    RedisCouponStore.APPEND.runAll(jedis, callKeys, callArgs);
    return (Long) META.run(jedis, List.of(keys.meta(templateId)), List.of("raise", Long.toString(offset + n)));
  }

  // ---- claims ----------------------------------------------------------------------------------------------------

  /**
   * One claim of a sharded template: {@code claim.lua} in the user's shard; on SOLD_OUT the shard is refilled and
   * the claim runs again, until it gets a code or no code is left anywhere.
   *
   * @param claims the claim paths
   * @param t the shards' tag ids
   * @param c the claim
   * @return the outcome
   */
  ClaimResult claim(Claims claims, String[] t, ClaimCommand c) {
    int s = shardOf(c.userId(), t.length);
    ClaimResult r = claims.claim(c, t[s]);
    while (r.outcome() == ClaimOutcome.SOLD_OUT && refill(t, s)) {
      r = claims.claim(c, t[s]);
    }
    return r;
  }

  /**
   * Grants (see {@link RedisCouponStore#grant}) where some commands are of sharded templates: each command goes to
   * its user's shard (commands reordered so that each shard's run in one script, in their order), and the commands
   * a shard answered SOLD_OUT run again after a refill of that shard, until they get a code or no code is left.
   *
   * @param claims the claim paths
   * @param commands the claims
   * @return one result per command, in order
   */
  List<ClaimResult> grant(Claims claims, List<ClaimCommand> commands) {
    int n = commands.size();
    String[] tagOf = new String[n];
    Map<String, List<Integer>> byTag = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      ClaimCommand c = commands.get(i);
      tagOf[i] = tagOf(c.templateId(), c.userId());
      byTag.computeIfAbsent(tagOf[i], x -> new ArrayList<>()).add(i);
    }
    ClaimResult[] out = new ClaimResult[n];
    List<Integer> todo = new ArrayList<>();
    byTag.values().forEach(todo::addAll);
    while (!todo.isEmpty()) {
      List<ClaimCommand> batch = new ArrayList<>(todo.size());
      List<String> batchTags = new ArrayList<>(todo.size());
      for (int i : todo) {
        batch.add(commands.get(i));
        batchTags.add(tagOf[i]);
      }
      List<ClaimResult> r = claims.grant(batch, batchTags);
      Map<String, List<Integer>> soldOut = new LinkedHashMap<>();
      for (int j = 0; j < todo.size(); j++) {
        int i = todo.get(j);
        out[i] = r.get(j);
        if (out[i].outcome() == ClaimOutcome.SOLD_OUT && tags(commands.get(i).templateId()).length > 1) {
          soldOut.computeIfAbsent(tagOf[i], x -> new ArrayList<>()).add(i);
        }
      }
      todo = new ArrayList<>();
      for (Map.Entry<String, List<Integer>> e : soldOut.entrySet()) {
        ClaimCommand c = commands.get(e.getValue().get(0));
        String[] t = tags(c.templateId());
        if (refill(t, shardOf(c.userId(), t.length))) {
          todo.addAll(e.getValue());
        }
      }
    }
    return Arrays.asList(out);
  }

  // ---- moves -----------------------------------------------------------------------------------------------------

  /** One read of every shard: pool lengths, pending moves, and the move counters (taken from, applied to). */
  record Snapshot(long[] pool, List<Map<String, String>> moves, String[] taken, String[] applied) {
    boolean pending() {
      return moves.stream().anyMatch(m -> !m.isEmpty());
    }

    /** The same codes in the same places and no move taken or applied between the two reads. */
    boolean same(Snapshot o) {
      return Arrays.equals(pool, o.pool) && moves.equals(o.moves) && Arrays.equals(taken, o.taken)
          && Arrays.equals(applied, o.applied);
    }
  }

  Snapshot snapshot(String[] t) {
    int k = t.length;
    List<Response<Long>> len = new ArrayList<>(k);
    List<Response<Map<String, String>>> moves = new ArrayList<>(k);
    List<Response<List<String>>> counters = new ArrayList<>(k);
    try (AbstractPipeline p = jedis.pipelined()) {
      for (String tag : t) {
        len.add(p.llen(keys.pool(tag)));
        moves.add(p.hgetAll(keys.moves(tag)));
        counters.add(p.hmget(keys.shardState(tag), "mvseq", "mvin"));
      }
      p.sync();
    }
    long[] pool = new long[k];
    List<Map<String, String>> m = new ArrayList<>(k);
    String[] taken = new String[k];
    String[] applied = new String[k];
    for (int s = 0; s < k; s++) {
      pool[s] = len.get(s).get();
      m.add(moves.get(s).get());
      taken[s] = counters.get(s).get().get(0);
      applied[s] = counters.get(s).get().get(1);
    }
    return new Snapshot(pool, m, taken, applied);
  }

  /**
   * Gives shard {@code s} codes again, if any are left anywhere: first finishes every pending move (of any engine,
   * perhaps one that died), then moves a batch from the fullest other shard.
   *
   * <p>No code left is decided by two consecutive identical snapshots with every pool and move record empty: codes
   * only reach a pool through a move's apply (which bumps the receiver's {@code mvin}) and only leave one for a
   * record through a take (which bumps the donor's {@code mvseq}), so between the two reads there was a moment with
   * no code anywhere.
   *
   * @param t the shards' tag ids
   * @param s the shard that ran dry
   * @return true when shard {@code s} may have codes now (claim again), false when no code is left anywhere
   */
  boolean refill(String[] t, int s) {
    while (true) {
      Snapshot a = snapshot(t);
      if (a.pending()) {
        finishPending(t, a);
        continue;
      }
      if (a.pool[s] > 0) {
        return true;
      }
      int donor = -1;
      for (int i = 0; i < t.length; i++) {
        if (i != s && (donor < 0 || a.pool[i] > a.pool[donor])) {
          donor = i;
        }
      }
      if (a.pool[donor] == 0) {
        if (a.same(snapshot(t))) {
          return false;
        }
        continue;
      }
      Move m = take(t, donor, s);
      if (m != null) {
        apply(t, m);
        done(t, m);
        return true;
      }
    }
  }

  /** A move record: its id, donor, receiver and codes. */
  record Move(String id, int donor, int receiver, String codes) {
    int size() {
      return codes.isEmpty() ? 0 : codes.split(" ").length;
    }
  }

  /**
   * Step 1 of a move: pops a batch of the donor's pool into a move record in the donor's slot.
   *
   * @return the move, or null when the donor was empty
   */
  Move take(String[] t, int donor, int receiver) {
    List<?> r = (List<?>) MOVE.run(jedis, List.of(keys.pool(t[donor]), keys.moves(t[donor]),
        keys.shardState(t[donor])), List.of("take", Integer.toString(receiver), Integer.toString(donor),
        Integer.toString(MIN_MOVE), Integer.toString(MAX_MOVE)));
    if ((Long) r.get(0) == 0L) {
      return null;
    }
    return parse((String) r.get(1), donor, (String) r.get(2));
  }

  private static Move parse(String id, int donor, String record) {
    int bar = record.indexOf('|');
    return new Move(id, donor, Integer.parseInt(record.substring(0, bar)), record.substring(bar + 1));
  }

  /**
   * Step 2: appends the move's codes to the receiver's pool unless the move was applied already.
   *
   * @return how many codes were appended (0 when applied before)
   */
  long apply(String[] t, Move m) {
    return (Long) MOVE.run(jedis, List.of(keys.pool(t[m.receiver()]), keys.movesApplied(t[m.receiver()]),
        keys.shardState(t[m.receiver()])), List.of("apply", m.id(), m.codes()));
  }

  /** Step 3: deletes the move record (after its apply). */
  void done(String[] t, Move m) {
    MOVE.run(jedis, List.of(keys.moves(t[m.donor()])), List.of("done", m.id()));
  }

  private void finishPending(String[] t, Snapshot a) {
    for (int d = 0; d < t.length; d++) {
      for (Map.Entry<String, String> e : a.moves.get(d).entrySet()) {
        Move m = parse(e.getKey(), d, e.getValue());
        apply(t, m);
        done(t, m);
      }
    }
  }

  // ---- reads -----------------------------------------------------------------------------------------------------

  /**
   * Issued and remaining codes of a sharded template: claim records over every shard, and the pools plus the codes
   * of moves taken and not yet applied (a move applied but not yet deleted is counted in its receiver's pool only).
   *
   * @param t the shards' tag ids
   * @return {issued, remaining}
   */
  long[] issuedAndRemaining(String[] t) {
    int k = t.length;
    List<Response<Long>> issued = new ArrayList<>(k);
    List<Response<Long>> pools = new ArrayList<>(k);
    List<Response<Map<String, String>>> moves = new ArrayList<>(k);
    try (AbstractPipeline p = jedis.pipelined()) {
      for (String tag : t) {
        issued.add(p.hlen(keys.claims(tag)));
        pools.add(p.llen(keys.pool(tag)));
        moves.add(p.hgetAll(keys.moves(tag)));
      }
      p.sync();
    }
    long[] out = new long[2];
    for (int s = 0; s < k; s++) {
      out[0] += issued.get(s).get();
      out[1] += pools.get(s).get();
    }
    for (Move m : unapplied(t, moves)) {
      out[1] += m.size();
    }
    return out;
  }

  /** The pending moves whose codes are not in their receiver's pool yet (one more round trip, only when any). */
  private List<Move> unapplied(String[] t, List<Response<Map<String, String>>> moves) {
    List<Move> pending = new ArrayList<>();
    for (int d = 0; d < t.length; d++) {
      for (Map.Entry<String, String> e : moves.get(d).get().entrySet()) {
        pending.add(parse(e.getKey(), d, e.getValue()));
      }
    }
    if (pending.isEmpty()) {
      return pending;
    }
    List<Response<Boolean>> applied = new ArrayList<>(pending.size());
    try (AbstractPipeline p = jedis.pipelined()) {
      for (Move m : pending) {
        applied.add(p.sismember(keys.movesApplied(t[m.receiver()]), m.id()));
      }
      p.sync();
    }
    List<Move> out = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      if (!applied.get(i).get()) {
        out.add(pending.get(i));
      }
    }
    return out;
  }

  /**
   * Streams a sharded template's pool: each shard's pool as {@code CodePool.scan} reads one, then the codes of moves
   * not yet applied. A code moved between shards while the scan runs may be passed twice or not at all (see
   * docs/redis.md); without moves meanwhile, every code that stays is passed exactly once.
   */
  void scan(String[] t, CodePool pools, int batchSize, Consumer<List<String>> sink) {
    for (String tag : t) {
      pools.scan(tag, batchSize, sink);
    }
    List<Response<Map<String, String>>> moves = new ArrayList<>(t.length);
    try (AbstractPipeline p = jedis.pipelined()) {
      for (String tag : t) {
        moves.add(p.hgetAll(keys.moves(tag)));
      }
      p.sync();
    }
    for (Move m : unapplied(t, moves)) {
      List<String> codes = Arrays.asList(m.codes().split(" "));
      for (int from = 0; from < codes.size(); from += batchSize) {
        sink.accept(codes.subList(from, Math.min(codes.size(), from + batchSize)));
      }
    }
  }

  /**
   * A claim record by code of a template (sharded or not): one pipelined HGET per shard, since the claiming shard
   * is not in the code.
   *
   * @param templateId the template
   * @param code the code
   * @return the record, or null
   */
  String record(String templateId, String code) {
    String[] t = tags(templateId);
    if (t.length == 1) {
      return jedis.hget(keys.claims(templateId), code);
    }
    List<Response<String>> r = new ArrayList<>(t.length);
    try (AbstractPipeline p = jedis.pipelined()) {
      for (String tag : t) {
        r.add(p.hget(keys.claims(tag), code));
      }
      p.sync();
    }
    for (Response<String> x : r) {
      if (x.get() != null) {
        return x.get();
      }
    }
    return null;
  }
}
