package io.couponengine.redis;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.spi.ClaimCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * The claim paths of {@link RedisCouponStore}, each decided by one script in the template's slot: a claim from the
 * pool ({@code claim.lua}), the binding of an entered code of a CODE_ENTRY template ({@code bind.lua}) and an
 * operator's grant, many claims per script ({@code grant.lua}). Each writes the same things: the claim record
 * ({@link CouponRecord}), the user's codes (which are also the user's count), the code in its expiry bucket, the
 * idempotency key, the CLAIMED event (the code: the consumer reads the record) and, on a standalone server, deletes
 * the user's list cache (on a cluster that key is in another slot, so it is deleted after the script). Raw Jedis exceptions pass through; the store translates them.
 */
final class Claims {
  static final LuaScript CLAIM = LuaScript.load("claim");
  static final LuaScript BIND = LuaScript.load("bind");
  static final LuaScript GRANT = LuaScript.load("grant");
  /**
   * Commands per grant script: a script blocks the server while it runs, so a 10,000-user grant is 20 scripts of
   * about 10 ms each, sent in one pipeline, rather than one of 200 ms.
   */
  static final int GRANT_CHUNK = 500;
  /**
   * Whether concurrent claims share pipelines ({@link ScriptBatcher}) on a standalone server. On by default;
   * {@code -Dio.couponengine.redis.batchClaims=false} sends each claim on its own (for comparing the two).
   */
  static final boolean BATCH_CLAIMS =
      !"false".equalsIgnoreCase(System.getProperty("io.couponengine.redis.batchClaims"));

  private final UnifiedJedis jedis;
  private final Keys keys;
  private final boolean cluster;
  private final UserListCache lists;
  private final int waitReplicas;
  private final Duration waitTimeout;
  private final String idempotencyTtlSeconds;
  private final String streamMaxLen;
  /** Standalone only (a batch's calls may be in any slot); null on a cluster or when switched off. */
  private final ScriptBatcher claimBatcher;

  Claims(UnifiedJedis jedis, Keys keys, boolean cluster, UserListCache lists, int waitReplicas,
      Duration waitTimeout, long idempotencyTtlSeconds, long streamMaxLen) {
    this.jedis = jedis;
    this.keys = keys;
    this.cluster = cluster;
    this.lists = lists;
    this.waitReplicas = waitReplicas;
    this.waitTimeout = waitTimeout;
    this.idempotencyTtlSeconds = Long.toString(idempotencyTtlSeconds);
    this.streamMaxLen = Long.toString(streamMaxLen);
    this.claimBatcher = cluster || !BATCH_CLAIMS ? null : new ScriptBatcher(jedis, CLAIM);
  }

  /**
   * One claim from the pool (see {@link RedisCouponStore#claim}).
   *
   * @param c the claim
   * @return the outcome
   */
  ClaimResult claim(ClaimCommand c) {
    return single(CLAIM, c, null, c.templateId());
  }

  /**
   * One claim from one sub-pool of a sharded template ({@link Shards}): {@code claim.lua} unchanged, on the keys
   * built from the shard's tag id (the template id for shard 0).
   *
   * @param c the claim
   * @param tagId the shard's tag id
   * @return the outcome
   */
  ClaimResult claim(ClaimCommand c, String tagId) {
    return single(CLAIM, c, null, tagId);
  }

  /**
   * Binds {@code code} of a CODE_ENTRY template to the command's user, in the order of
   * {@link io.couponengine.spi.CouponStore#claimCode} (the failed-entry count is the caller's).
   *
   * @param c the claim
   * @param code the entered code, canonical
   * @return the outcome: CODE_TAKEN and CODE_NOT_FOUND are failed entries
   */
  ClaimResult bind(ClaimCommand c, String code) {
    return single(BIND, c, code, c.templateId());
  }

  private ClaimResult single(LuaScript script, ClaimCommand c, String code, String tagId) {
    String t = c.templateId();
    // keys by the slot's tag id: the template id, or a sub-pool's of a sharded template (Shards)
    String[] tk = keys.templateKeys(tagId);
    String idem = keys.idempotency(tagId, c.userId(), c.idempotencyKey());
    long bucket = Keys.dueBucket(c.expiresAt().toEpochMilli());
    String due = keys.due(tagId, bucket);
    // the claim pops the list 'pool', a bind removes its code from the sorted set 'epool'
    String pool = code == null ? tk[1] : tk[6];
    // standalone: the script also deletes the user's list cache (another slot, fine without a cluster)
    List<String> k = cluster ? List.of(tk[0], pool, tk[2], tk[3], due, tk[4], idem, tk[5])
        : List.of(tk[0], pool, tk[2], tk[3], due, tk[4], idem, tk[5], lists.key(c.userId()));
    // the claim window is a pure function of the command: decided here (exact to the nanosecond), applied by
    // the script after the idempotency key and the status (a retried key answers DUPLICATE whatever the time)
    ClaimOutcome window = c.windowRefusal();
    String record = CouponRecord.of(c);
    List<String> a = new ArrayList<>(8);
    a.add(c.userId());
    a.add(Integer.toString(c.perUserLimit()));
    a.add(record);
    a.add(idempotencyTtlSeconds);
    a.add(streamMaxLen);
    a.add(Long.toString(bucket));
    if (code != null) {
      a.add(code);
    }
    if (window != null) {
      a.add(window.name());
    }
    List<?> reply = (List<?>) (script == CLAIM && claimBatcher != null ? claimBatcher.run(k, a)
        : script.run(jedis, k, a));
    ClaimOutcome outcome = ClaimOutcome.valueOf((String) reply.get(0));
    if (cluster && outcome.hasCoupon()) {
      // a DUPLICATE invalidates too: a retry then repairs a cache left stale by a client that died before it
      lists.invalidate(c.userId());
    }
    if (!outcome.hasCoupon()) {
      return ClaimResult.refused(outcome);
    }
    String issued = (String) reply.get(1);
    if (outcome == ClaimOutcome.CLAIMED) {
      awaitReplicas(k.get(0), "coupon '" + c.couponId() + "'");
      return ClaimResult.claimed(coupon(c, issued));
    }
    Coupon earlier = ownRecord(c, record, issued, (String) reply.get(2));
    String current = jedis.hget(keys.states(c.userId()), earlier.code());
    return ClaimResult.duplicate(current == null ? earlier : Coupon.fromJson(current));
  }

  /**
   * The coupon of a claim record a script answered with its code: built from the command when it is the record
   * this command would write (no need to parse it), else parsed.
   */
  private static Coupon ownRecord(ClaimCommand c, String own, String code, String record) {
    if (record.isEmpty()) {
      throw CouponException.of(ErrorCode.STORE_UNAVAILABLE,
          "idempotency key of user '%s' on template '%s' points to a missing coupon", c.userId(), c.templateId());
    }
    return record.equals(own) ? coupon(c, code) : CouponRecord.read(record, code, c.templateId());
  }

  private static Coupon coupon(ClaimCommand c, String code) {
    return new Coupon(c.couponId(), code, c.templateId(), c.userId(), c.claimedAt(), c.expiresAt(),
        CouponStatus.USABLE, null, c.validFrom());
  }

  /**
   * What a retried idempotency key answers without running a claim: DUPLICATE with the coupon it names (current
   * status), or null when the key is unknown. Used when the failed-entry limit would refuse an entry: a retry of
   * an entry that succeeded still answers DUPLICATE.
   *
   * @param c the claim
   * @return the duplicate, or null
   */
  ClaimResult earlier(ClaimCommand c) {
    String code = jedis.get(keys.idempotency(c.templateId(), c.userId(), c.idempotencyKey()));
    if (code == null) {
      return null;
    }
    String record = jedis.hget(keys.claims(c.templateId()), code);
    if (record == null) {
      return null;
    }
    String current = jedis.hget(keys.states(c.userId()), code);
    return ClaimResult.duplicate(current == null ? CouponRecord.read(record, code, c.templateId())
        : Coupon.fromJson(current));
  }

  /**
   * Claims for many users (see {@link RedisCouponStore#grant}): consecutive commands of one template go to one
   * script in chunks of {@value #GRANT_CHUNK}, every chunk of the call in one pipeline; then, on a cluster, one
   * pipeline deleting the list caches of the users who got a coupon, and one pipeline reading the current
   * status of every DUPLICATE's coupon.
   *
   * @param commands the claims
   * @return one result per command, in order
   */
  List<ClaimResult> grant(List<ClaimCommand> commands) {
    return grant(commands, null);
  }

  /**
   * Claims for many users, each in the slot of its tag id (the template id, or the user's sub-pool of a sharded
   * template: {@link Shards}); consecutive commands with one tag id share a script.
   *
   * @param commands the claims
   * @param tags each command's slot tag id, in order; null for every command's template id
   * @return one result per command, in order
   */
  List<ClaimResult> grant(List<ClaimCommand> commands, List<String> tags) {
    int n = commands.size();
    java.util.function.IntFunction<String> tagOf = tags == null ? i -> commands.get(i).templateId() : tags::get;
    List<int[]> ranges = new ArrayList<>();
    for (int from = 0; from < n; ) {
      String t = tagOf.apply(from);
      int to = from + 1;
      while (to < n && to - from < GRANT_CHUNK && tagOf.apply(to).equals(t)) {
        to++;
      }
      ranges.add(new int[] {from, to});
      from = to;
    }
    String[] records = new String[n];
    // each chunk's arguments are built as the pipeline takes it: the server runs the first chunks meanwhile
    List<Object> replies = GRANT.runAll(jedis, ranges.size(), r -> {
      int from = ranges.get(r)[0];
      int to = ranges.get(r)[1];
      String t = commands.get(from).templateId();
      String tag = tagOf.apply(from);
      String[] tk = keys.templateKeys(tag);
      int size = to - from;
      List<String> k = new ArrayList<>(6 + size * (cluster ? 2 : 3));
      k.add(tk[0]);
      k.add(tk[1]);
      k.add(tk[2]);
      k.add(tk[3]);
      k.add(tk[4]);
      k.add(tk[5]);
      List<String> a = new ArrayList<>(2 + size * 5);
      a.add(Integer.toString(size));
      a.add(streamMaxLen);
      for (int i = from; i < to; i++) {
        ClaimCommand c = commands.get(i);
        k.add(keys.idempotency(tag, c.userId(), c.idempotencyKey()));
      }
      for (int i = from; i < to; i++) {
        ClaimCommand c = commands.get(i);
        long bucket = Keys.dueBucket(c.expiresAt().toEpochMilli());
        k.add(keys.due(tag, bucket));
        records[i] = CouponRecord.of(c);
        ClaimOutcome window = c.windowRefusal();
        a.add(c.userId());
        a.add(Integer.toString(c.perUserLimit()));
        a.add(records[i]);
        a.add(Long.toString(bucket));
        a.add(window == null ? "" : window.name());
      }
      if (!cluster) {
        for (int i = from; i < to; i++) {
          k.add(lists.key(commands.get(i).userId())); // standalone: deleted by the script itself
        }
      }
      return new LuaScript.Call(k, a);
    });

    ClaimOutcome[] outcomes = new ClaimOutcome[n];
    String[] values = new String[n];
    String[] earlierRecords = new String[n];
    for (int r = 0; r < ranges.size(); r++) {
      List<?> reply = (List<?>) replies.get(r);
      int from = ranges.get(r)[0];
      for (int i = from; i < ranges.get(r)[1]; i++) {
        outcomes[i] = ClaimOutcome.valueOf((String) reply.get(3 * (i - from)));
        values[i] = (String) reply.get(3 * (i - from) + 1);
        earlierRecords[i] = (String) reply.get(3 * (i - from) + 2);
      }
    }
    List<ClaimResult> out = new ArrayList<>(n);
    List<Response<String>> states = new ArrayList<>(n);
    String lastSlotKey = null;
    int claimed = 0;
    try (AbstractPipeline p = jedis.pipelined()) {
      for (int i = 0; i < n; i++) {
        ClaimCommand c = commands.get(i);
        switch (outcomes[i]) {
          case CLAIMED -> {
            if (cluster) {
              p.del(lists.key(c.userId())); // in the user's slot: after the script, as after a claim
            }
            lastSlotKey = keys.meta(c.templateId());
            claimed++;
            out.add(ClaimResult.claimed(coupon(c, values[i])));
            states.add(null);
          }
          case DUPLICATE -> {
            if (cluster) {
              p.del(lists.key(c.userId())); // as a claim's DUPLICATE: a re-run repairs a missed invalidation
            }
            Coupon earlier = ownRecord(c, records[i], values[i], earlierRecords[i]);
            out.add(ClaimResult.duplicate(earlier));
            states.add(p.hget(keys.states(c.userId()), earlier.code()));
          }
          default -> {
            out.add(ClaimResult.refused(outcomes[i]));
            states.add(null);
          }
        }
      }
      p.sync();
    }
    for (int i = 0; i < n; i++) {
      Response<String> current = states.get(i);
      if (current != null && current.get() != null) {
        out.set(i, ClaimResult.duplicate(Coupon.fromJson(current.get())));
      }
    }
    if (lastSlotKey != null) {
      // one WAIT for the whole grant (the replication stream is ordered, so it covers every template's scripts
      // on that master); on a cluster each master would need its own WAIT: see docs/redis.md
      awaitReplicas(lastSlotKey, claimed + " coupons of a grant");
    }
    return out;
  }

  private void awaitReplicas(String slotKey, String what) {
    if (waitReplicas > 0) {
      long acked = jedis.waitReplicas(slotKey, waitReplicas, waitTimeout.toMillis());
      if (acked < waitReplicas) {
        throw CouponException.of(ErrorCode.STORE_UNAVAILABLE, "claim of %s was applied on the master "
            + "but acknowledged by %d of %d replicas; retry with the same idempotency key", what, acked,
            waitReplicas);
      }
    }
  }
}
