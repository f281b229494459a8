package io.couponengine.redis;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.internal.Preconditions;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CodeClaimCommand;
import io.couponengine.spi.CouponStore;
import io.couponengine.spi.ReserveCommand;
import io.couponengine.template.Distribution;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStats;
import io.couponengine.template.TemplateStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A {@link CouponStore} on Redis (standalone, Sentinel-managed or Cluster): one Lua script, one round trip, one hash
 * slot per claim.
 *
 * <pre>{@code
 * UnifiedJedis jedis = RedisClient.create("127.0.0.1", 6379);   // or JedisPooled, RedisClusterClient, JedisCluster
 * RedisCouponStore store = RedisCouponStore.builder(jedis, "coupons")
 *     .waitForReplicas(1, Duration.ofMillis(50))   // optional: WAIT after each claim
 *     .build();
 * CouponEngine engine = CouponEngine.builder().store(store).build();
 * ...
 * engine.close();
 * jedis.close();   // the application owns the client; store.close() never closes it
 * }</pre>
 *
 * <h2>Layout</h2>
 * Keys of a template share the hash tag {@code {t:<templateId>}}: meta (JSON, status, loaded and added counts,
 * code key, distribution), the code pool (a list; a sorted set by load serial for a CODE_ENTRY template, so an
 * entered code is removed in O(log n)), the codes ever imported, each user's codes (which are also the user's
 * count), compact claim records by code, the expiry candidates in time buckets, the idempotency keys and the
 * template's event stream. The claim
 * scripts touch only these, so they run unchanged on Redis Cluster. Keys of a user share {@code {u:<bucket>}} (64
 * buckets by CRC32 of the user id): the user's changed coupon states, the bucket's orders, reservations, event stream
 * and per-template figures ({@link #stats}), the user's list cache and failed code entries per window. Shared and
 * imported codes are indexed store-wide in 64 buckets {@code {c:<bucket>}} by CRC32 of the code. An order's coupons
 * all belong to its user, so reserve, commit, release and revert are each decided by one script in one slot, all or
 * none, even when the order names coupons of several templates: the claim records they check are immutable, read
 * first from the template slots and passed in. See {@code docs/redis.md}.
 *
 * <h2>Durability</h2>
 * A claim is acknowledged when the script has run on the master. What it survives is Redis's choice:
 * <ul>
 *   <li>no AOF (RDB snapshots only): lost on a crash or restart since the last snapshot (minutes);</li>
 *   <li>{@code appendfsync everysec}: survives a process crash (the page cache has it) but up to about one second
 *       of acknowledged claims is lost when the machine or VM dies;</li>
 *   <li>{@code appendfsync always}: fsync'ed before the reply; survives process and machine crashes;</li>
 *   <li>replication: asynchronous; a fail-over can lose acknowledged claims the replica had not received. With
 *       {@link Builder#waitForReplicas(int, Duration)} each claim waits for N replicas (WAIT); when fewer answer in
 *       time the claim throws STORE_UNAVAILABLE although it was applied on the master, and a retry with the same
 *       idempotency key answers DUPLICATE with the same coupon. WAIT narrows the window; it is not consensus.</li>
 * </ul>
 *
 * <h2>Defaults</h2>
 * Idempotency keys are kept 24 hours (a retry after that is a new claim), event streams are trimmed to about
 * 1,000,000 entries ({@code MAXLEN ~}), user list caches live 10 minutes with up to 20% random jitter, no WAIT.
 *
 * <p>Thread-safe; share one instance per client. Every method may throw {@link CouponException} with
 * STORE_UNAVAILABLE (translated in one place).
 */
public final class RedisCouponStore implements CouponStore {
  static final LuaScript APPEND = LuaScript.load("append");
  private static final LuaScript INSERT = LuaScript.load("insert");
  private static final LuaScript STATUS = LuaScript.load("status");
  private static final LuaScript EXPIRE = LuaScript.load("expire");
  private static final LuaScript DUE_TRIM = LuaScript.load("duetrim");
  /** Codes per page of an expiry bucket (a page's codes are one script's arguments: kept far below Lua's 8,000). */
  private static final int SWEEP_PAGE = 500;
  private static final LuaScript CODE_KEY = LuaScript.load("codekey");
  private static final LuaScript TOTAL = LuaScript.load("total");
  static final int APPEND_BATCH = 10_000;

  private final UnifiedJedis jedis;
  private final Keys keys;
  private final boolean cluster;
  private final int waitReplicas;
  private final Duration waitTimeout;
  private final long idempotencyTtlSeconds;
  private final long streamMaxLen;
  private final UserListCache lists;
  private final Orders orders;
  private final Claims claims;
  private final CodeIndex codeIndex;
  private final CodePool pools;
  private final FailedEntries failures;
  private final Shards shards;

  private RedisCouponStore(Builder b) {
    this.jedis = b.jedis;
    this.keys = new Keys(b.prefix);
    // both cluster clients of Jedis 7: the deprecated JedisCluster and its successor RedisClusterClient
    this.cluster = b.jedis instanceof JedisCluster || b.jedis instanceof RedisClusterClient;
    this.waitReplicas = b.waitReplicas;
    this.waitTimeout = b.waitTimeout;
    this.idempotencyTtlSeconds = b.idempotencyTtl.toSeconds();
    this.streamMaxLen = b.streamMaxLen;
    this.shards = new Shards(jedis, keys);
    this.lists = new UserListCache(jedis, keys, b.listTtl, shards);
    this.codeIndex = new CodeIndex(jedis, keys);
    this.orders = new Orders(jedis, keys, streamMaxLen, codeIndex, shards);
    this.claims = new Claims(jedis, keys, cluster, lists, waitReplicas, waitTimeout, idempotencyTtlSeconds,
        streamMaxLen);
    this.pools = new CodePool(jedis, keys, cluster);
    this.failures = new FailedEntries(jedis, keys);
  }

  /**
   * A store with default options.
   *
   * @param jedis the client (RedisClient, JedisPooled, RedisClusterClient, JedisCluster, ...); not closed by this store
   * @param keyPrefix the key prefix, for example {@code "coupons"}; keys are {@code <prefix>:{t:...}:...}
   * @throws CouponException INVALID_ARGUMENT naming {@code jedis} when null, or {@code keyPrefix} when null, blank,
   *     longer than 128 characters, or holding control characters or braces
   */
  public RedisCouponStore(UnifiedJedis jedis, String keyPrefix) {
    this(builder(jedis, keyPrefix).defaults());
  }

  /**
   * Starts a builder.
   *
   * @param jedis the client; not closed by the store
   * @param keyPrefix the key prefix
   * @return the builder
   * @throws CouponException INVALID_ARGUMENT naming {@code jedis} when null, or {@code keyPrefix} when null, blank,
   *     longer than 128 characters, or holding control characters or braces
   */
  public static Builder builder(UnifiedJedis jedis, String keyPrefix) {
    return new Builder(jedis, keyPrefix);
  }

  /**
   * The key prefix.
   *
   * @return the prefix
   */
  public String prefix() {
    return keys.prefix();
  }

  // ---- templates ---------------------------------------------------------------------------------------------

  /**
   * {@inheritDoc}
   *
   * <p>The id goes to the registry first (a crash before the template leaves an id without meta, which readers
   * skip), then one script writes the meta hash unless it exists. A shared code is taken in the code index
   * ({@code {c:<bucket>}}, another slot) before the template is written and confirmed after: see
   * {@code CodeIndex.insert} for why a crash between the steps never blocks the code for good.
   */
  @Override
  public boolean insertTemplate(Template template) {
    Preconditions.requireArg(template, "template");
    return call("insert template", () -> {
      String shared = template.spec().sharedCode();
      if (shared == null) {
        boolean inserted = insertMeta(template);
        if (template.spec().shards() > 1) {
          shards.init(template); // sharded: every sub-pool's meta (again on a retried insert; creates only what is absent)
        }
        return inserted;
      }
      // the registry entry comes after the code is taken: a template refused for its code leaves nothing behind
      return codeIndex.insert(template.id(), shared, () -> insertMeta(template), () -> {
        jedis.del(keys.meta(template.id()));
        jedis.srem(keys.registry(), template.id());
      }, () -> {
        String json = jedis.hget(keys.meta(template.id()), "json");
        return json == null ? null : Template.fromJson(json).spec().sharedCode();
      });
    });
  }

  /** Registry first (a crash before the template leaves an id without meta, which readers skip), then the meta. */
  private boolean insertMeta(Template template) {
    jedis.sadd(keys.registry(), template.id());
    List<String> a = template.spec().distribution() == Distribution.CODE_ENTRY
        ? List.of(template.toJson(), template.status().name(), Long.toString(template.addedCount()),
            Distribution.CODE_ENTRY.name())
        : List.of(template.toJson(), template.status().name(), Long.toString(template.addedCount()));
    return ((Long) INSERT.run(jedis, List.of(keys.meta(template.id())), a)) == 1L;
  }

  /**
   * {@inheritDoc}
   *
   * <p>One HGET in the code's bucket of the index; a shared code whose insert has not confirmed it yet counts only
   * when its template exists (one EXISTS more).
   */
  @Override
  public Optional<String> findTemplateIdByCode(String code) {
    Preconditions.requireId(code, "code");
    return call("find template by code", () -> Optional.ofNullable(codeIndex.find(code)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The template's {@code addedCount} is the meta field {@code added} (written by {@link #addToTotal}), not the
   * one in its JSON; a template stored before that field existed reads as 0. The code key (field {@code key}) is
   * never read here.
   */
  /** Sends {@code PING}. */
  @Override
  public void ping() {
    call("ping", jedis::ping);
  }

  @Override
  public Optional<Template> findTemplate(String templateId) {
    return call("find template", () -> {
      List<String> v = jedis.hmget(keys.meta(templateId), "json", "added");
      return Optional.ofNullable(template(v.get(0), v.get(1)));
    });
  }

  /** A template from its meta fields {@code json} and {@code added}; null when there is no JSON. */
  private static Template template(String json, String added) {
    if (json == null) {
      return null;
    }
    Template t = Template.fromJson(json);
    long n = added == null ? 0 : Long.parseLong(added);
    return n == t.addedCount() ? t
        : new Template(t.id(), t.spec(), t.status(), t.createdAt(), t.failureReason(), n);
  }

  @Override
  public List<Template> findTemplates(TemplateStatus status) {
    return call("find templates", () -> {
      List<String> ids = new ArrayList<>(jedis.smembers(keys.registry()));
      List<Response<List<String>>> metas = new ArrayList<>(ids.size());
      try (AbstractPipeline p = jedis.pipelined()) {
        for (String id : ids) {
          metas.add(p.hmget(keys.meta(id), "status", "json", "added"));
        }
        p.sync();
      }
      List<Template> out = new ArrayList<>();
      for (Response<List<String>> r : metas) {
        List<String> v = r.get();
        if (status.name().equals(v.get(0)) && v.get(1) != null) {
          out.add(template(v.get(1), v.get(2)));
        }
      }
      return out;
    });
  }

  @Override
  public boolean updateTemplateStatus(String templateId, TemplateStatus expected, TemplateStatus next,
      String reason) {
    return call("update template status", () -> {
      String json = jedis.hget(keys.meta(templateId), "json");
      if (json == null) {
        return false;
      }
      if (Template.fromJson(json).spec().shards() > 1) { // sharded: to every sub-pool before returning
        return shards.updateStatus(shards.tags(templateId), json, expected, next, reason);
      }
      Template changed = Template.fromJson(json).withStatus(next, reason);
      Object r = STATUS.run(jedis, List.of(keys.meta(templateId)),
          List.of(expected.name(), next.name(), changed.toJson()));
      return ((Long) r) == 1L;
    });
  }

  // ---- code pool ---------------------------------------------------------------------------------------------

  /**
   * {@inheritDoc}
   *
   * <p>Works on a template in any status: the first generation (CREATING) and added stock (AVAILABLE, PAUSED)
   * while claims pop the pool's head; the codes go to the pool's tail and the loaded count is the meta field
   * {@code loaded}, never the pool's length.
   *
   * <p>The codes are sent in sub-batches of 10,000 (one script each: an offset check and RPUSH of up to 5,000
   * values per command), all sub-batches of the call in one pipeline. Each sub-batch is idempotent by its own
   * offset, so a call that failed half-way can be retried as a whole.
   */
  @Override
  public long appendCodes(String templateId, long offset, List<String> codes) {
    return call("append codes", () -> {
      String[] sub = shards.tags(templateId);
      if (sub.length > 1) { // sharded: serial i to sub-pool i mod k, idempotent by offset in each
        return shards.append(sub, templateId, offset, codes);
      }
      List<String> k = List.of(keys.meta(templateId), keys.pool(templateId), keys.entryPool(templateId));
      if (codes.isEmpty()) {
        return (Long) APPEND.run(jedis, k, List.of(Long.toString(offset)));
      }
      for (int attempt = 0; ; attempt++) {
        List<Response<Object>> replies = new ArrayList<>();
        try (AbstractPipeline p = jedis.pipelined()) {
          for (int from = 0; from < codes.size(); from += APPEND_BATCH) {
            List<String> batch = codes.subList(from, Math.min(codes.size(), from + APPEND_BATCH));
            List<String> args = new ArrayList<>(batch.size() + 1);
            args.add(Long.toString(offset + from));
            args.addAll(batch);
            replies.add(APPEND.queue(p, k, args));
          }
          p.sync();
        }
        try {
          long loaded = 0;
          for (Response<Object> r : replies) {
            loaded = (Long) r.get();
          }
          return loaded;
        } catch (JedisNoScriptException e) {
          if (attempt > 0) {
            throw e;
          }
          APPEND.reload(jedis, k.get(0)); // the sub-batches that ran are skipped by their offsets
        }
      }
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>The key is the template's meta field {@code key}, set by HSETNX in one script (which also refuses an unknown
   * template without creating its meta hash).
   */
  @Override
  public String codeKey(String templateId, String proposedKey) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireId(proposedKey, "proposedKey");
    return call("code key", () ->
        (String) CODE_KEY.run(jedis, List.of(keys.meta(templateId)), List.of(proposedKey)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>One script in the template's slot checks the new total and HINCRBYs the meta field {@code added}, then
   * answers the field {@code loaded} (what {@link #appendCodes} counts). The spec's total, which bounds the added
   * count, never changes, so it is read before the script; {@code count == 0} is the script alone.
   */
  @Override
  public long addToTotal(String templateId, long count) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireRange(count, 0, TemplateSpec.MAX_TOTAL_COUNT, "count");
    return call("add to total", () -> {
      long most = 0;
      long specTotal = 0;
      if (count > 0) {
        String json = jedis.hget(keys.meta(templateId), "json");
        if (json == null) {
          throw CouponException.of(ErrorCode.TEMPLATE_NOT_FOUND, "template '%s' does not exist", templateId);
        }
        specTotal = Template.fromJson(json).spec().totalCount();
        most = TemplateSpec.MAX_TOTAL_COUNT - specTotal;
      }
      List<?> r = (List<?>) TOTAL.run(jedis, List.of(keys.meta(templateId)),
          List.of(Long.toString(count), Long.toString(most)));
      long value = (Long) r.get(1);
      if ((Long) r.get(0) == 0L) {
        long total = specTotal + value;
        throw CouponException.invalidField("count", "must be at most %d for template '%s' (total %d) but was %d",
            TemplateSpec.MAX_TOTAL_COUNT - total, templateId, total, count);
      }
      return value;
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>One pipelined round trip: in the template's slot, {@code issued} is the number of claim records
   * ({@code HLEN cp}; a claim writes one, nothing removes one) and {@code remaining} the pool's length (the list,
   * plus the sorted set of a CODE_ENTRY template); the other
   * figures are the sums of the 64 user buckets' {@code stats} hashes ({@code HMGET} of the template's fields),
   * which the reserve, finish and expire scripts move atomically with the coupons' statuses in the users' slots.
   * Coupons that changed before these counters existed are not in them (a count that would go below zero reads 0).
   */
  @Override
  public Optional<TemplateStats> stats(String templateId) {
    Preconditions.requireId(templateId, "templateId");
    return call("stats", () -> {
      String[] fields = {templateId + ":r", templateId + ":u", templateId + ":e", templateId + ":d",
          templateId + ":f"};
      Response<Boolean> exists;
      Response<Long> issued;
      Response<Long> remaining;
      Response<Long> entryRemaining;
      List<Response<List<String>>> buckets = new ArrayList<>(Keys.USER_BUCKETS);
      try (AbstractPipeline p = jedis.pipelined()) {
        exists = p.exists(keys.meta(templateId));
        issued = p.hlen(keys.claims(templateId));
        remaining = p.llen(keys.pool(templateId));
        entryRemaining = p.zcard(keys.entryPool(templateId)); // a CODE_ENTRY template's pool (the other is empty)
        for (int b = 0; b < Keys.USER_BUCKETS; b++) {
          buckets.add(p.hmget(keys.stats(b), fields));
        }
        p.sync();
      }
      if (!exists.get()) {
        return Optional.empty();
      }
      long issuedCount = issued.get();
      long remainingCount = remaining.get() + entryRemaining.get();
      String[] sub = shards.tags(templateId);
      if (sub.length > 1) { // sharded: summed over the sub-pools, plus codes in moves not applied yet
        long[] ir = shards.issuedAndRemaining(sub);
        issuedCount = ir[0];
        remainingCount = ir[1];
      }
      long[] sum = new long[fields.length];
      for (Response<List<String>> r : buckets) {
        List<String> v = r.get();
        for (int i = 0; i < fields.length; i++) {
          if (v.get(i) != null) {
            sum[i] = Math.addExact(sum[i], Long.parseLong(v.get(i)));
          }
        }
      }
      BigDecimal discount = BigDecimal.valueOf(sum[3], 2);
      if (sum[4] != 0) {
        discount = discount.add(BigDecimal.valueOf(sum[4], 8)).stripTrailingZeros();
        discount = discount.setScale(Math.max(2, discount.scale()));
      }
      return Optional.of(new TemplateStats(templateId, issuedCount, Math.max(0, sum[0]), Math.max(0, sum[1]),
          Math.max(0, sum[2]), remainingCount, discount.signum() < 0 ? BigDecimal.ZERO.setScale(2) : discount));
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>The list's length plus the sorted set's (a CODE_ENTRY template's pool), one pipelined round trip.
   */
  @Override
  public long remainingCodes(String templateId) {
    return call("remaining codes", () -> {
      String[] sub = shards.tags(templateId);
      return sub.length > 1 ? shards.issuedAndRemaining(sub)[1] : pools.remaining(templateId);
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Two steps, each idempotent and one pipeline: the codes are indexed in their buckets of the code index
   * ({@code {c:<bucket>}}, one script per bucket: a code another template has is dropped, one already indexed to
   * this template stays), then pooled in the template's slot by a script that skips every code already in the
   * template's set of imported codes ({@code imp}) and adds the others to the pool, {@code loaded} and
   * {@code added}. A crash between the steps leaves codes indexed to the template and not pooled: a re-run pools
   * them; a code pooled once is never pooled again, even after it was issued. An import that would pass the
   * maximum total takes back the index entries it made for codes it did not pool.
   */
  @Override
  public long importCodes(String templateId, List<String> codes) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireElements(codes, "codes");
    return call("import codes", () -> {
      if (shards.tags(templateId).length > 1) { // the spec refuses external codes with shards; this guards the SPI
        throw CouponException.invalidField("templateId", "template '%s' is sharded; only a template with one pool "
            + "imports codes", templateId);
      }
      return pools.importCodes(templateId, codes);
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>A CLAIM template's list is read from the tail by negative index (claims pop the head, so what is left to
   * read never shifts); a CODE_ENTRY template's sorted set is paged by load serial. One round trip per batch.
   */
  @Override
  public void scanPool(String templateId, int batchSize, Consumer<List<String>> sink) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireRange(batchSize, 1, Integer.MAX_VALUE, "batchSize");
    Preconditions.requireArg(sink, "sink");
    call("scan pool", () -> {
      String[] sub = shards.tags(templateId);
      if (sub.length > 1) {
        shards.scan(sub, pools, batchSize, sink);
      } else {
        pools.scan(templateId, batchSize, sink);
      }
      return null;
    });
  }

  // ---- claims ------------------------------------------------------------------------------------------------

  @Override
  public ClaimResult claim(ClaimCommand c) {
    return call("claim", () -> {
      String[] sub = shards.tags(c.templateId());
      return sub.length == 1 ? claims.claim(c) : shards.claim(claims, sub, c); // sharded: the user's sub-pool
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>The failed-entry count is a counter per user and window in the user's slot, the claim a script in the
   * template's slot (another slot on a cluster), so an entry with a code is three steps: reserve a failure (refused
   * at the limit: then only a known idempotency key answers, DUPLICATE), run {@code bind.lua}, give the failure back
   * unless the outcome was CODE_NOT_FOUND or CODE_TAKEN. A shared code (no code to bind) cannot fail: it only
   * checks the count, then claims exactly as {@link #claim}. A client that dies between the reserve and the give
   * back leaves one failure counted that was not answered (on the safe side of the limit) until the window ends.
   */
  @Override
  public ClaimResult claimCode(CodeClaimCommand entry) {
    Preconditions.requireArg(entry, "command");
    return call("claim code", () -> {
      ClaimCommand c = entry.claim();
      if (c == null) {
        return ClaimResult.refused(failures.take(entry) ? ClaimOutcome.CODE_NOT_FOUND
            : ClaimOutcome.TOO_MANY_ATTEMPTS);
      }
      boolean allowed = entry.code() == null ? failures.allowed(entry) : failures.take(entry);
      if (!allowed) {
        ClaimResult earlier = claims.earlier(c);
        return earlier != null ? earlier : ClaimResult.refused(ClaimOutcome.TOO_MANY_ATTEMPTS);
      }
      if (entry.code() == null) {
        return claims.claim(c);
      }
      ClaimResult r = null;
      try {
        r = claims.bind(c, entry.code());
        return r;
      } finally {
        if (r == null || (r.outcome() != ClaimOutcome.CODE_NOT_FOUND && r.outcome() != ClaimOutcome.CODE_TAKEN)) {
          giveBack(entry, r == null);
        }
      }
    });
  }

  /** Gives a reserved failure back; after a failed bind, best effort (the bind's own error is what the caller sees). */
  private void giveBack(CodeClaimCommand entry, boolean afterError) {
    try {
      failures.giveBack(entry);
    } catch (RuntimeException e) {
      if (!afterError) {
        throw e;
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Consecutive commands of one template are decided by {@code grant.lua} in the template's slot, 500 per script
   * (each exactly as {@code claim.lua}, in order, the idempotency key SET without expiry), all scripts of the call
   * in one pipeline. On a standalone server the script deletes each served user's list cache; on a cluster the
   * deletes follow in one pipeline (the users' slots), as after a claim.
   */
  @Override
  public List<ClaimResult> grant(List<ClaimCommand> commands) {
    Preconditions.requireElements(commands, "commands");
    Preconditions.requireRange(commands.size(), 0, 10_000, "commands.size");
    if (commands.isEmpty()) {
      return List.of();
    }
    return call("grant", () -> {
      java.util.Set<String> templates = new java.util.HashSet<>();
      commands.forEach(c -> templates.add(c.templateId()));
      boolean sharded = shards.tags(templates).values().stream().anyMatch(t -> t.length > 1);
      return sharded ? shards.grant(claims, commands) : claims.grant(commands);
    });
  }

  // ---- coupons -----------------------------------------------------------------------------------------------

  /**
   * {@inheritDoc}
   *
   * <p>A cache hit costs one round trip (the user's cached list and changed states are in one slot). The cached
   * list holds the user's coupons as issued (immutable); statuses are always read live. A miss marks the cache key,
   * rebuilds the list from the template slots (the source of truth) and stores it only if no claim deleted the
   * mark meanwhile; a user without coupons is cached as an explicit empty list.
   */
  @Override
  public List<Coupon> findCouponsByUser(String userId) {
    return call("find coupons", () -> lists.find(userId));
  }

  @Override
  public Optional<Coupon> findCouponByCode(String code) {
    return call("find coupon", () -> {
      String t = codeIndex.templatesOf(List.of(code)).get(0); // an imported code's template is in the index
      if (t == null) {
        return Optional.empty();
      }
      String rec = shards.record(t, code); // a sharded template's claiming sub-pool is not in the code
      if (rec == null) {
        return Optional.empty();
      }
      Coupon c = CouponRecord.read(rec, code, t);
      String now = jedis.hget(keys.states(c.userId()), code);
      Coupon current = now == null ? c : Coupon.fromJson(now);
      return Optional.of(current);
    });
  }

  @Override
  public Optional<Coupon> expireCoupon(Coupon coupon, Instant now) {
    return call("expire coupon", () -> {
      // the claim record (template slot) is the issued coupon, found by its code; the decision is the expire
      // script's, on the current state in the owner's slot
      String rec = jedis.hget(keys.claims(shards.tagOf(coupon.templateId(), coupon.userId())), coupon.code());
      if (rec == null) {
        return Optional.empty();
      }
      List<?> r = runExpire(CouponRecord.read(rec, coupon.code(), coupon.templateId()), now);
      return "EXPIRED".equals(r.get(0)) ? Optional.of(Coupon.fromJson((String) r.get(1))) : Optional.empty();
    });
  }

  private List<?> runExpire(Coupon record, Instant now) {
    int bucket = Keys.bucket(record.userId());
    return (List<?>) EXPIRE.run(jedis, List.of(keys.states(record.userId()), keys.bucketEvents(bucket),
        keys.stats(bucket)),
        List.of(record.code(), record.toJson(), Long.toString(record.expiresAt().toEpochMilli()),
            Long.toString(now.toEpochMilli()), now.toString(), Long.toString(streamMaxLen)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Walks each template's expiry buckets that started at or before {@code now} (lists of codes appended by the
   * claim script, found through the template's bucket index), page by page, checking each code's own expiry; the
   * decision is the expire script's, in the owner's slot, so two sweepers never expire one coupon twice. Codes that
   * became final (USED, EXPIRED) leave the bucket by a compare-and-set of the page ({@code duetrim.lua}); RESERVED
   * ones and those not due yet stay, since a release makes a reserved coupon USABLE again.
   */
  @Override
  public List<Coupon> expireDueCoupons(Instant now, int limit) {
    return call("expire coupons", () -> {
      List<Coupon> out = new ArrayList<>();
      long nowMillis = now.toEpochMilli();
      // every template's slot, and every sub-pool's of a sharded one (each has its own claim records and candidates)
      Map<String, String[]> byTemplate = shards.tags(jedis.smembers(keys.registry()));
      for (Map.Entry<String, String[]> e : byTemplate.entrySet()) {
        for (String t : e.getValue()) {
          for (String start : jedis.zrangeByScore(keys.dueBuckets(t), Double.NEGATIVE_INFINITY, nowMillis)) {
            sweepBucket(e.getKey(), t, start, now, limit, out);
            if (out.size() >= limit) {
              return out;
            }
          }
        }
      }
      return out;
    });
  }

  /** Sweeps one expiry bucket of the slot of tag id {@code t} (a sub-pool's of a sharded template {@code templateId}). */
  private void sweepBucket(String templateId, String t, String start, Instant now, int limit, List<Coupon> out) {
    String key = keys.due(t, Long.parseLong(start));
    String index = keys.dueBuckets(t);
    int offset = 0;
    while (true) {
      List<String> codes = jedis.lrange(key, offset, offset + SWEEP_PAGE - 1);
      if (codes.isEmpty()) {
        if (offset == 0) {
          DUE_TRIM.run(jedis, List.of(key, index), List.of(start, "0", "0")); // an empty bucket leaves the index
        }
        return;
      }
      List<String> recs = jedis.hmget(keys.claims(t), codes.toArray(new String[0]));
      List<String> args = new ArrayList<>(3 + 2 * codes.size());
      args.add(start);
      args.add(Integer.toString(offset));
      args.add(Integer.toString(codes.size()));
      args.addAll(codes);
      int kept = 0;
      boolean full = false;
      for (int i = 0; i < codes.size(); i++) {
        boolean keep = true;
        String rec = recs.get(i);
        if (rec == null) {
          keep = false; // no such coupon (a code written by hand): nothing to expire
        } else if (out.size() >= limit) {
          full = true; // the rest waits for the next sweep
        } else {
          Coupon c = CouponRecord.read(rec, codes.get(i), templateId);
          if (!now.isBefore(c.expiresAt())) {
            List<?> r = runExpire(c, now);
            switch ((String) r.get(0)) {
              case "EXPIRED" -> {
                out.add(Coupon.fromJson((String) r.get(1)));
                keep = false;
              }
              case "GONE" -> keep = false;
              default -> { } // HELD (reserved): stays a candidate
            }
          }
        }
        kept += keep ? 1 : 0;
        args.add(keep ? "1" : "0");
      }
      boolean trimmed = kept < codes.size()
          && ((Long) DUE_TRIM.run(jedis, List.of(key, index), args)) == 1L;
      if (full || (kept == codes.size() && codes.size() < SWEEP_PAGE)) {
        return;
      }
      // trimmed: the kept ones stay before the next page; unchanged: skip the page; raced: read it again
      offset += trimmed || kept == codes.size() ? kept : 0;
    }
  }

  // ---- redemption --------------------------------------------------------------------------------------------

  @Override
  public RedemptionResult reserve(ReserveCommand cmd) {
    return call("reserve", () -> orders.reserve(cmd));
  }

  @Override
  public RedemptionResult commit(String orderId, Instant now) {
    return call("commit", () -> orders.commit(orderId, now));
  }

  @Override
  public RedemptionResult release(String orderId, Instant now) {
    return call("release", () -> orders.release(orderId, now));
  }

  /**
   * {@inheritDoc}
   *
   * <p>One script in the owner's slot decides and moves everything (order, coupons, event); the coupons made USABLE
   * again are then added back to their templates' expiry candidates (another slot, so a second command; a retried
   * revert adds them again).
   */
  @Override
  public RedemptionResult revert(String orderId, Instant now) {
    return call("revert", () -> orders.revert(orderId, now));
  }

  @Override
  public List<String> findStaleReservations(Instant now, int limit) {
    return call("find stale reservations", () -> orders.findStaleReservations(now, limit));
  }

  /** Nothing to release: the store opened no connection of its own; the client belongs to the caller. */
  @Override
  public void close() {}

  private static <T> T call(String operation, Supplier<T> body) {
    try {
      return body.get();
    } catch (RuntimeException e) {
      throw RedisErrors.translate(operation, e);
    }
  }

  // ---- builder -------------------------------------------------------------------------------------------------

  /**
   * Options of a {@link RedisCouponStore}. Each option may be set once. Not thread-safe; {@link #build()} copies
   * the options, so reusing the builder never changes a built store.
   */
  public static final class Builder {
    /** Longest accepted duration option: keeps {@code toMillis()} and Redis's expiry arithmetic far from overflow. */
    static final Duration MAX_DURATION = Duration.ofDays(365);

    private final UnifiedJedis jedis;
    private final String prefix;
    private int waitReplicas = -1;
    private Duration waitTimeout;
    private Duration idempotencyTtl;
    private long streamMaxLen = -1;
    private Duration listTtl;

    private Builder(UnifiedJedis jedis, String keyPrefix) {
      this.jedis = Preconditions.requireArg(jedis, "jedis");
      this.prefix = Keys.requirePrefix(keyPrefix, "keyPrefix");
    }

    /**
     * After each successful claim, WAIT until {@code replicas} replicas acknowledged it. Default: no WAIT.
     *
     * @param replicas at least 1
     * @param timeout how long to wait, from one millisecond to 365 days (WAIT counts milliseconds; 0 would block)
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT naming {@code replicas} when below 1, {@code timeout} when null or
     *     out of range, or {@code waitForReplicas} when already set
     */
    public Builder waitForReplicas(int replicas, Duration timeout) {
      Preconditions.requireUnset(waitReplicas < 0, "waitForReplicas", waitReplicas);
      Preconditions.requireRange(replicas, 1, Integer.MAX_VALUE, "replicas");
      Preconditions.requireRange(timeout, Duration.ofMillis(1), MAX_DURATION, "timeout");
      this.waitReplicas = replicas;
      this.waitTimeout = timeout;
      return this;
    }

    /**
     * How long an idempotency key is remembered. Default 24 hours.
     *
     * @param ttl from one second to 365 days
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT naming {@code idempotencyTtl} when null, out of range or already set
     */
    public Builder idempotencyTtl(Duration ttl) {
      Preconditions.requireUnset(idempotencyTtl == null, "idempotencyTtl", idempotencyTtl);
      this.idempotencyTtl = Preconditions.requireRange(ttl, Duration.ofSeconds(1), MAX_DURATION, "idempotencyTtl");
      return this;
    }

    /**
     * Approximate maximum length of each event stream ({@code XADD MAXLEN ~}). Default 1,000,000.
     *
     * @param maxLen at least 1,000
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT naming {@code streamMaxLength} when below 1,000 or already set
     */
    public Builder streamMaxLen(long maxLen) {
      Preconditions.requireUnset(streamMaxLen < 0, "streamMaxLen", streamMaxLen);
      this.streamMaxLen = Preconditions.requireRange(maxLen, 1_000, Long.MAX_VALUE, "streamMaxLen");
      return this;
    }

    /**
     * Base TTL of a cached user coupon list; each write adds up to 20% random jitter. Default 10 minutes.
     *
     * @param ttl from one second to 365 days
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT naming {@code listCacheTtl} when null, out of range or already set
     */
    public Builder listCacheTtl(Duration ttl) {
      Preconditions.requireUnset(listTtl == null, "listCacheTtl", listTtl);
      this.listTtl = Preconditions.requireRange(ttl, Duration.ofSeconds(1), MAX_DURATION, "listCacheTtl");
      return this;
    }

    /**
     * Builds the store.
     *
     * @return the store
     */
    public RedisCouponStore build() {
      return new RedisCouponStore(defaults());
    }

    private Builder defaults() {
      Builder copy = new Builder(jedis, prefix);
      copy.waitReplicas = Math.max(0, waitReplicas);
      copy.waitTimeout = waitTimeout == null ? Duration.ZERO : waitTimeout;
      copy.idempotencyTtl = idempotencyTtl == null ? Duration.ofHours(24) : idempotencyTtl;
      copy.streamMaxLen = streamMaxLen < 0 ? 1_000_000 : streamMaxLen;
      copy.listTtl = listTtl == null ? Duration.ofMinutes(10) : listTtl;
      return copy;
    }

  }

  // for tests and tools in this package
  Keys keys() {
    return keys;
  }

  CodePool pools() {
    return pools;
  }

  Shards shards() {
    return shards;
  }

  Claims claims() {
    return claims;
  }

  static List<LuaScript> scripts() {
    return Collections.unmodifiableList(List.of(Claims.CLAIM, APPEND, INSERT, STATUS, Orders.RESERVE, Orders.FINISH,
        EXPIRE, UserListCache.CACHE, CODE_KEY, TOTAL, Claims.BIND, Claims.GRANT, CodeIndex.CAS, CodePool.INDEX,
        CodePool.IMPORT, CodePool.IMPORT_ONE, FailedEntries.ATTEMPT, Shards.META, Shards.MOVE));
  }

  static Map<String, String> describe() {
    Map<String, String> m = new HashMap<>();
    for (LuaScript s : scripts()) {
      m.put(s.name(), s.sha());
    }
    return m;
  }
}
