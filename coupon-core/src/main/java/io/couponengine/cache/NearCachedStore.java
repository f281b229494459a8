package io.couponengine.cache;

import static io.couponengine.internal.Preconditions.requireArg;
import static io.couponengine.internal.Preconditions.requireUnset;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.error.CouponException;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CouponStore;
import io.couponengine.spi.ReserveCommand;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A near-cache in front of any {@link CouponStore}: templates and users' coupon lists are read from this JVM's heap
 * (Caffeine), every write goes to the delegate.
 *
 * <pre>{@code
 * CouponStore store = NearCachedStore.builder(redisStore)
 *     .maximumSize(50_000)
 *     .ttl(Duration.ofSeconds(5))
 *     .jitterPercent(20)
 *     .build();
 * CouponEngine engine = CouponEngine.builder().store(store).build();
 * }</pre>
 *
 * <h2>What is cached</h2>
 * <ul>
 *   <li>{@link #findTemplate}, including the answer "no such template" (a negative entry, so a flood of reads of
 *       unknown ids reaches the delegate once per id and TTL: cache penetration). A template in status CREATING is
 *       returned but not kept: its status changes within seconds and {@code CouponEngine.generation} polls it.</li>
 *   <li>{@link #findCouponsByUser}, including the empty list of a user with no coupons.</li>
 *   <li>{@link #findTemplates} and {@link #remainingCodes} only when {@link Builder#catalogTtl(Duration)} is set
 *       (default: passed through). Both change with every claim and status change on any instance and feed only
 *       displays ({@code claimableTemplates}) and the sweep, which re-checks each template with a compare-and-set;
 *       caching them is safe for correctness but makes a sold-out template look claimable for up to that TTL, so it
 *       is opt-in and meant to be short (about a second).</li>
 * </ul>
 * Everything else ({@code findCouponByCode}, {@code findStaleReservations}) and every write ({@code insertTemplate},
 * {@code updateTemplateStatus}, {@code appendCodes}, {@code claim}, {@code reserve}, {@code commit},
 * {@code release}, {@code expireCoupon}, {@code expireDueCoupons}) always goes to the delegate. A claim is decided
 * by the delegate alone, in one call, so the cache can never make a claim wrong: it can only show a list that is
 * older than the store.
 *
 * <h2>Loading</h2>
 * Loads are single-flight: however many threads miss the same key at once, the delegate is asked once and the
 * others wait for that answer (Caffeine's {@code Cache.get(key, mappingFunction)}). A load that throws is not
 * cached: the exception reaches the caller (and the callers waiting for the same load) and the next call asks the
 * delegate again. Lists are copied to immutable lists once, when loaded. An invalidation that races a load of the
 * same key waits for it and then removes its result (Caffeine runs both as {@code ConcurrentHashMap} computations
 * on the key's bin: {@code BoundedLocalCache.remove} is a {@code computeIfPresent}), so a value read before a write
 * is never kept after that write's invalidation. The price: a load holds its map bin while it runs, so another
 * key's write to the same bin waits for it, as with any Caffeine {@code get(key, mappingFunction)}.
 *
 * <h2>Invalidation and staleness</h2>
 * After a write through <em>this</em> instance, the entries it may have changed are invalidated, so a caller sees
 * its own writes at once:
 * <ul>
 *   <li>the user's list after {@code claim} (CLAIMED or DUPLICATE), {@code reserve}, and after {@code commit},
 *       {@code release}, {@code expireCoupon} and {@code expireDueCoupons} for the users of the coupons they return;
 *   </li>
 *   <li>the template after {@code insertTemplate}, {@code updateTemplateStatus}, {@code appendCodes}, and after a
 *       claim the store refused as TEMPLATE_NOT_FOUND, TEMPLATE_NOT_READY or TEMPLATE_EXPIRED.</li>
 * </ul>
 * A write that throws is treated as possibly applied and invalidates the same entries, except where only its
 * result names the user ({@code commit}, {@code release}, {@code expire*}); the idempotent retry the engine's
 * caller makes then invalidates them. A claim that throws invalidates its user but not its template (a claim never
 * changes a template, and an invalidation waits for a load of the same key in flight, which hangs while the store
 * does). Writes made through <em>other</em> instances (other processes, or another
 * {@code NearCachedStore} over the same store) are not seen until the entry expires: a read is at most
 * {@link Builder#ttl(Duration) ttl} old. If a deployment has a cross-instance channel (for example Redis pub/sub),
 * it can call {@link #invalidateUser(String)} and {@link #invalidateTemplate(String)} from it.
 *
 * <p>The engine's passive expiry still applies on top of cached coupons and templates: {@code CouponEngine} checks
 * each coupon's and template's validity against its clock on every read, so a cached USABLE coupon past its expiry
 * is shown as EXPIRED (and the change written through this store, which then invalidates the user). When another
 * instance expired it first, that write returns empty and names no user, so the entry keeps the old status until its
 * TTL; the engine still shows the coupon as EXPIRED meanwhile.
 *
 * <h2>Stale-if-error</h2>
 * When the delegate fails a template read or a user's coupon-list read with {@code STORE_UNAVAILABLE} (a client
 * timeout, a refused call of a circuit breaker in front of it), the last value this store read for that key is
 * returned instead, if it is at most {@link Builder#staleIfError(Duration) maxStaleness} old (default 5 minutes),
 * counted in {@link #staleReads()} and reported to the {@link Builder#staleReadListener listener}. Users keep seeing
 * their coupons while the store is down; nothing is decided on such a value: claims, reservations and every write
 * go to the delegate and fail. A key never read before, or read longer ago, still fails.
 *
 * <h2>Expiry and size</h2>
 * Each entry lives a random time in {@code [ttl × (1 − jitterPercent / 100), ttl]} (Caffeine {@link Expiry}), so entries loaded
 * together do not expire together (cache avalanche) and no entry outlives {@code ttl}. The template cache and the
 * user cache each hold at most {@link Builder#maximumSize(long) maximumSize} entries (Caffeine's size-based
 * eviction, which keeps the frequently used ones).
 *
 * <p>This class is thread-safe; share one instance per process and delegate. {@link #close()} does not close the
 * delegate unless {@link Builder#closeDelegate()} was set.
 */
public final class NearCachedStore implements CouponStore {

  private final CouponStore delegate;
  private final boolean closeDelegate;
  private final long maximumSize;
  private final Duration ttl;
  private final int jitterPercent;
  private final Duration catalogTtl;
  private final Cache<String, Optional<Template>> templates;
  private final Cache<String, List<Coupon>> users;
  /** Null unless {@link Builder#catalogTtl(Duration)} was set. */
  private final Cache<TemplateStatus, List<Template>> templatesByStatus;
  /** Null unless {@link Builder#catalogTtl(Duration)} was set. */
  private final Cache<String, Long> remaining;
  // loaders held in fields: a hit allocates no lambda
  private final Function<String, Optional<Template>> templateLoader;
  private final Function<String, List<Coupon>> userLoader;
  private final Function<TemplateStatus, List<Template>> statusLoader;
  private final Function<String, Long> remainingLoader;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Stale-if-error: the last value read from the delegate per key, kept up to {@code maxStaleness}; null when off. */
  private final Cache<String, Stamped<Optional<Template>>> lastTemplates;
  private final Cache<String, Stamped<List<Coupon>>> lastUsers;
  private final Duration maxStaleness;
  private final StaleReadListener staleListener;
  private final Ticker ticker;
  private final java.util.concurrent.atomic.LongAdder staleReads = new java.util.concurrent.atomic.LongAdder();

  /** A value and the ticker reading when it came from the delegate. */
  private record Stamped<V>(V value, long readAtNanos) {}

  private NearCachedStore(Builder b) {
    this.delegate = b.delegate;
    this.closeDelegate = b.closeDelegate;
    this.maximumSize = b.maximumSize != UNSET ? b.maximumSize : DEFAULT_MAXIMUM_SIZE;
    this.ttl = b.ttl != null ? b.ttl : DEFAULT_TTL;
    this.jitterPercent = b.jitterPercent >= 0 ? b.jitterPercent : DEFAULT_JITTER_PERCENT;
    this.catalogTtl = b.catalogTtl;
    Ticker ticker = b.ticker != null ? b.ticker : Ticker.systemTicker();
    this.ticker = ticker;
    this.maxStaleness = b.maxStaleness != null ? b.maxStaleness : DEFAULT_MAX_STALENESS;
    this.staleListener = b.staleListener;
    if (maxStaleness.isZero()) {
      this.lastTemplates = null;
      this.lastUsers = null;
    } else {
      this.lastTemplates = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(maxStaleness)
          .ticker(ticker).build();
      this.lastUsers = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(maxStaleness)
          .ticker(ticker).build();
    }

    this.templates = newCache(ticker, maximumSize, new JitteredExpiry<>(ttl, jitterPercent,
        t -> t.isEmpty() || t.get().status() != TemplateStatus.CREATING));
    this.users = newCache(ticker, maximumSize, new JitteredExpiry<>(ttl, jitterPercent, l -> true));
    if (catalogTtl != null) {
      this.templatesByStatus = newCache(ticker, TemplateStatus.values().length,
          new JitteredExpiry<>(catalogTtl, jitterPercent, l -> true));
      this.remaining = newCache(ticker, maximumSize, new JitteredExpiry<>(catalogTtl, jitterPercent, n -> true));
    } else {
      this.templatesByStatus = null;
      this.remaining = null;
    }
    this.templateLoader = id -> remember(lastTemplates, id, delegate.findTemplate(id));
    this.userLoader = userId -> remember(lastUsers, userId, List.copyOf(delegate.findCouponsByUser(userId)));
    this.statusLoader = status -> List.copyOf(delegate.findTemplates(status));
    this.remainingLoader = delegate::remainingCodes;
  }

  private static <K, V> Cache<K, V> newCache(Ticker ticker, long maximumSize, Expiry<K, V> expiry) {
    return Caffeine.newBuilder().maximumSize(maximumSize).expireAfter(expiry).ticker(ticker).recordStats().build();
  }

  /**
   * Starts a builder for a near-cache in front of {@code delegate}. With nothing else set: at most
   * {@value #DEFAULT_MAXIMUM_SIZE} templates and as many users, a TTL of 10 seconds, a jitter of 10%, no caching
   * of {@code findTemplates}/{@code remainingCodes}, and {@link #close()} leaves the delegate open.
   *
   * @param delegate the store every write and every miss goes to
   * @return a new builder
   * @throws CouponException INVALID_ARGUMENT when {@code delegate} is null
   */
  public static Builder builder(CouponStore delegate) {
    return new Builder(requireArg(delegate, "delegate"));
  }

  // ---- cached reads --------------------------------------------------------------------------------------------

  @Override
  public Optional<Template> findTemplate(String templateId) {
    try {
      return templates.get(templateId, templateLoader);
    } catch (CouponException e) {
      return staleOrThrow(lastTemplates, "template", templateId, e);
    }
  }

  @Override
  public List<Coupon> findCouponsByUser(String userId) {
    try {
      return users.get(userId, userLoader);
    } catch (CouponException e) {
      return staleOrThrow(lastUsers, "user", userId, e);
    }
  }

  /** Keeps what the delegate just answered as the value to fall back on (when stale-if-error is on). */
  private <V> V remember(Cache<String, Stamped<V>> last, String key, V value) {
    if (last != null) {
      last.put(key, new Stamped<>(value, ticker.read()));
    }
    return value;
  }

  /**
   * The last value read for {@code key} when the delegate failed as unavailable and that value is at most
   * {@code maxStaleness} old; otherwise the failure. Any other error (a bad argument) is never hidden.
   */
  private <V> V staleOrThrow(Cache<String, Stamped<V>> last, String kind, String key, CouponException e) {
    if (last == null || e.code() != io.couponengine.error.ErrorCode.STORE_UNAVAILABLE) {
      throw e;
    }
    Stamped<V> s = last.getIfPresent(key);
    long age = s == null ? Long.MAX_VALUE : ticker.read() - s.readAtNanos();
    if (s == null || age > maxStaleness.toNanos()) {
      throw e; // a miss with the store down still fails: there is nothing true enough to show
    }
    staleReads.increment();
    if (staleListener != null) {
      try {
        staleListener.onStaleRead(kind, key, Duration.ofNanos(age));
      } catch (RuntimeException listenerFailure) {
        org.slf4j.LoggerFactory.getLogger(NearCachedStore.class)
            .warn("stale read listener failed for {} {}", kind, key, listenerFailure);
      }
    }
    return s.value();
  }

  /**
   * How many reads were answered with a stale value because the store failed (stale-if-error), since this store
   * was built.
   *
   * @return the count
   */
  public long staleReads() {
    return staleReads.sum();
  }

  /**
   * The Caffeine caches this store reads through, by name, for monitoring (their statistics are recorded:
   * {@code cache.stats()}). {@code "templates"} ({@link #findTemplate}) and {@code "users"}
   * ({@link #findCouponsByUser}) are always there; {@code "catalog"} ({@link #findTemplates}) and
   * {@code "remaining"} ({@link #remainingCodes}) only when {@link Builder#catalogTtl(Duration)} was set.
   * {@code coupon-micrometer} binds them with Micrometer's {@code CaffeineCacheMetrics}. Read them, do not write
   * them: an entry put or replaced from outside would be served as the store's answer (invalidating is harmless).
   *
   * <pre>{@code
   * store.caches().forEach((name, cache) -> log.info("{}: {}", name, cache.stats()));
   * }</pre>
   *
   * @return the caches by name, in a fixed order (templates, users, then catalog and remaining); unmodifiable
   */
  public Map<String, Cache<?, ?>> caches() {
    Map<String, Cache<?, ?>> caches = new LinkedHashMap<>();
    caches.put("templates", templates);
    caches.put("users", users);
    if (templatesByStatus != null) {
      caches.put("catalog", templatesByStatus);
      caches.put("remaining", remaining);
    }
    return Collections.unmodifiableMap(caches);
  }

  @Override
  public List<Template> findTemplates(TemplateStatus status) {
    return templatesByStatus == null ? delegate.findTemplates(status) : templatesByStatus.get(status, statusLoader);
  }

  @Override
  public long remainingCodes(String templateId) {
    return remaining == null ? delegate.remainingCodes(templateId) : remaining.get(templateId, remainingLoader);
  }

  // ---- reads passed through ------------------------------------------------------------------------------------

  @Override
  public Optional<Coupon> findCouponByCode(String code) {
    return delegate.findCouponByCode(code);
  }

  @Override
  public List<String> findStaleReservations(Instant now, int limit) {
    return delegate.findStaleReservations(now, limit);
  }

  // ---- writes: always the delegate, then invalidate --------------------------------------------------------------

  @Override
  public boolean insertTemplate(Template template) {
    try {
      return delegate.insertTemplate(template);
    } finally {
      templateChanged(template.id()); // drops a negative entry for this id
    }
  }

  @Override
  public boolean updateTemplateStatus(String templateId, TemplateStatus expected, TemplateStatus next,
      String reason) {
    try {
      return delegate.updateTemplateStatus(templateId, expected, next, reason);
    } finally {
      templateChanged(templateId); // also when the compare-and-set failed: our view was then out of date
    }
  }

  @Override
  public long appendCodes(String templateId, long offset, List<String> codes) {
    try {
      return delegate.appendCodes(templateId, offset, codes);
    } finally {
      templateChanged(templateId);
      if (remaining != null) {
        remaining.invalidate(templateId);
      }
    }
  }

  @Override
  public ClaimResult claim(ClaimCommand command) {
    ClaimResult result = null;
    try {
      result = delegate.claim(command);
      return result;
    } finally {
      ClaimOutcome outcome = result == null ? null : result.outcome();
      if (outcome == null || outcome == ClaimOutcome.CLAIMED || outcome == ClaimOutcome.DUPLICATE) {
        users.invalidate(command.userId()); // DUPLICATE: the first claim may have run on another instance
      }
      // not after a claim that threw: a claim never changes its template, and invalidating would wait for any
      // load of that template in flight, which is exactly what hangs while the store is down
      if (templateRefusal(outcome)) {
        templateChanged(command.templateId());
      }
      if (remaining != null && (outcome == ClaimOutcome.CLAIMED || outcome == ClaimOutcome.SOLD_OUT)) {
        remaining.invalidate(command.templateId());
      }
    }
  }

  @Override
  public ClaimResult claimCode(io.couponengine.spi.CodeClaimCommand command) {
    ClaimResult result = null;
    try {
      result = delegate.claimCode(command);
      return result;
    } finally {
      ClaimOutcome outcome = result == null ? null : result.outcome();
      if (outcome == null || outcome.hasCoupon()) {
        users.invalidate(command.userId());
      }
      if (command.claim() != null) {
        if (templateRefusal(outcome)) {
          templateChanged(command.claim().templateId());
        }
        if (remaining != null && outcome != null) {
          remaining.invalidate(command.claim().templateId());
        }
      }
    }
  }

  /** A claim's answer that says this cache's view of the template is wrong (gone, not ready, expired). */
  private static boolean templateRefusal(ClaimOutcome outcome) {
    return outcome == ClaimOutcome.TEMPLATE_NOT_FOUND || outcome == ClaimOutcome.TEMPLATE_NOT_READY
        || outcome == ClaimOutcome.TEMPLATE_EXPIRED;
  }

  @Override
  public List<ClaimResult> grant(List<ClaimCommand> commands) {
    try {
      return delegate.grant(commands);
    } finally {
      for (ClaimCommand c : commands) {
        users.invalidate(c.userId());
      }
      if (!commands.isEmpty()) {
        templateChanged(commands.get(0).templateId());
        if (remaining != null) {
          commands.forEach(c -> remaining.invalidate(c.templateId()));
        }
      }
    }
  }

  /** Pings the delegate: a health check is never answered from the cache. */
  @Override
  public void ping() {
    delegate.ping();
  }

  @Override
  public Optional<String> findTemplateIdByCode(String code) {
    return delegate.findTemplateIdByCode(code); // a code's template never changes, but a miss can become a hit
  }

  @Override
  public long importCodes(String templateId, List<String> codes) {
    try {
      return delegate.importCodes(templateId, codes);
    } finally {
      invalidateTemplate(templateId);
    }
  }

  @Override
  public void scanPool(String templateId, int batchSize, java.util.function.Consumer<List<String>> sink) {
    delegate.scanPool(templateId, batchSize, sink);
  }

  @Override
  public RedemptionResult reserve(ReserveCommand command) {
    try {
      return delegate.reserve(command);
    } finally {
      users.invalidate(command.userId());
    }
  }

  @Override
  public RedemptionResult commit(String orderId, Instant now) {
    RedemptionResult result = delegate.commit(orderId, now);
    invalidateOwners(result.coupons());
    return result;
  }

  @Override
  public RedemptionResult release(String orderId, Instant now) {
    RedemptionResult result = delegate.release(orderId, now);
    invalidateOwners(result.coupons());
    return result;
  }

  @Override
  public Optional<io.couponengine.template.TemplateStats> stats(String templateId) {
    return delegate.stats(templateId); // figures move with every write: never cached
  }

  @Override
  public String codeKey(String templateId, String proposedKey) {
    return delegate.codeKey(templateId, proposedKey);
  }

  @Override
  public long addToTotal(String templateId, long count) {
    long loaded = delegate.addToTotal(templateId, count);
    invalidateTemplate(templateId);
    return loaded;
  }

  @Override
  public RedemptionResult revert(String orderId, Instant now) {
    RedemptionResult result = delegate.revert(orderId, now);
    invalidateOwners(result.coupons());
    return result;
  }

  @Override
  public Optional<Coupon> expireCoupon(Coupon coupon, Instant now) {
    Optional<Coupon> expired = delegate.expireCoupon(coupon, now);
    expired.ifPresent(c -> users.invalidate(c.userId()));
    return expired;
  }

  @Override
  public List<Coupon> expireDueCoupons(Instant now, int limit) {
    List<Coupon> expired = delegate.expireDueCoupons(now, limit);
    invalidateOwners(expired);
    return expired;
  }

  private void invalidateOwners(List<Coupon> coupons) {
    String last = null;
    for (Coupon c : coupons) {
      if (!c.userId().equals(last)) { // coupons of one order (and often of one sweep batch) share a user
        users.invalidate(c.userId());
        last = c.userId();
      }
    }
  }

  private void templateChanged(String templateId) {
    templates.invalidate(templateId);
    if (templatesByStatus != null) {
      templatesByStatus.invalidateAll();
    }
  }

  // ---- manual invalidation and lifecycle ---------------------------------------------------------------------

  /**
   * Drops the cached coupon list of a user, for example on a message from another instance that wrote for them.
   *
   * @param userId the user
   * @throws NullPointerException when {@code userId} is null
   */
  public void invalidateUser(String userId) {
    users.invalidate(userId);
  }

  /**
   * Drops the cached template (and its remaining count, when cached), for example on a message from another
   * instance that changed it.
   *
   * @param templateId the template
   * @throws NullPointerException when {@code templateId} is null
   */
  public void invalidateTemplate(String templateId) {
    templateChanged(templateId);
    if (remaining != null) {
      remaining.invalidate(templateId);
    }
  }

  /** Drops every cached entry; the next read of each key asks the delegate. */
  public void invalidateAll() {
    templates.invalidateAll();
    users.invalidateAll();
    if (templatesByStatus != null) {
      templatesByStatus.invalidateAll();
      remaining.invalidateAll();
    }
  }

  /**
   * Drops every cached entry and, only if {@link Builder#closeDelegate()} was set, closes the delegate. The engine
   * never calls this: the application owns its store. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      invalidateAll();
      if (closeDelegate) {
        delegate.close();
      }
    }
  }

  @Override
  public String toString() {
    return "NearCachedStore[delegate=" + delegate + ", maximumSize=" + maximumSize + ", ttl=" + ttl
        + ", jitterPercent=" + jitterPercent + (catalogTtl != null ? ", catalogTtl=" + catalogTtl : "") + "]";
  }

  // ---- for tests in this package -------------------------------------------------------------------------------

  Cache<String, Optional<Template>> templateCache() {
    return templates;
  }

  Cache<String, List<Coupon>> userCache() {
    return users;
  }

  // ---- expiry --------------------------------------------------------------------------------------------------

  /**
   * Gives each new or reloaded entry a lifetime drawn uniformly from {@code [ttl − ttl × jitterPercent / 100, ttl]}; reads do
   * not extend it. An entry the predicate rejects gets a lifetime of zero: returned to its loaders, then gone.
   */
  static final class JitteredExpiry<K, V> implements Expiry<K, V> {
    private final long ttlNanos;
    private final long jitterNanos;
    private final Predicate<V> keep;

    JitteredExpiry(Duration ttl, int jitterPercent, Predicate<V> keep) {
      this.ttlNanos = ttl.toNanos();
      this.jitterNanos = ttlNanos / 100 * jitterPercent; // integer math: no floating point in core
      this.keep = keep;
    }

    long lifetimeNanos() {
      return jitterNanos == 0 ? ttlNanos : ttlNanos - ThreadLocalRandom.current().nextLong(jitterNanos + 1);
    }

    @Override
    public long expireAfterCreate(K key, V value, long currentTime) {
      return keep.test(value) ? lifetimeNanos() : 0L;
    }

    @Override
    public long expireAfterUpdate(K key, V value, long currentTime, long currentDuration) {
      return expireAfterCreate(key, value, currentTime);
    }

    @Override
    public long expireAfterRead(K key, V value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }

  // ---- builder -------------------------------------------------------------------------------------------------

  /** Default {@link Builder#maximumSize(long)}: entries per cache (templates, users). */
  public static final long DEFAULT_MAXIMUM_SIZE = 10_000;
  /** Default {@link Builder#ttl(Duration)}. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
  /** Default {@link Builder#jitterPercent(int)}. */
  public static final int DEFAULT_JITTER_PERCENT = 10;
  /** Default longest age of a value served when the store fails (stale-if-error). */
  public static final Duration DEFAULT_MAX_STALENESS = Duration.ofMinutes(5);
  private static final long UNSET = -1;

  /**
   * Builds a {@link NearCachedStore}. Each setter may be called once. Not thread-safe; {@link #build()} may be
   * called several times, each time making an independent cache over the same delegate.
   *
   * <pre>{@code
   * NearCachedStore store = NearCachedStore.builder(jdbcStore)
   *     .maximumSize(100_000)                  // per cache; default 10,000
   *     .ttl(Duration.ofSeconds(30))           // default 10s: the staleness bound across instances
   *     .jitterPercent(20)                     // default 10: entries live 24s to 30s
   *     .catalogTtl(Duration.ofSeconds(1))     // default: findTemplates/remainingCodes not cached
   *     .closeDelegate()                       // default: close() leaves the delegate open
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private final CouponStore delegate;
    private long maximumSize = UNSET;
    private Duration ttl;
    private int jitterPercent = -1;
    private Duration catalogTtl;
    private boolean closeDelegate;
    private Ticker ticker;
    private Duration maxStaleness;
    private StaleReadListener staleListener;

    private Builder(CouponStore delegate) {
      this.delegate = delegate;
    }

    /**
     * Sets how many entries each cache (templates; users' coupon lists; remaining counts when cached) holds at
     * most (default {@value NearCachedStore#DEFAULT_MAXIMUM_SIZE}). Past it, Caffeine evicts the entries least
     * likely to be used again.
     *
     * @param maximumSize at least 1
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when less than 1 or already set
     */
    public Builder maximumSize(long maximumSize) {
      requireUnset(this.maximumSize == UNSET, "maximumSize", this.maximumSize);
      if (maximumSize < 1) {
        throw CouponException.invalidField("maximumSize", "must be at least 1 but was %d", maximumSize);
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * Sets the longest time an entry is kept (default 10 seconds). This is the staleness bound for writes made
     * through other instances; writes through this instance invalidate at once.
     *
     * @param ttl from one millisecond to 365 days
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when null, out of range, or already set
     */
    public Builder ttl(Duration ttl) {
      requireUnset(this.ttl == null, "ttl", this.ttl);
      this.ttl = requirePositive(ttl, "ttl");
      return this;
    }

    /**
     * Sets the jitter: the percentage of {@code ttl} by which an entry's lifetime is randomly shortened (default
     * {@value NearCachedStore#DEFAULT_JITTER_PERCENT}). Each entry lives a random time in
     * {@code [ttl × (1 − jitterPercent / 100), ttl]}, so entries loaded together expire apart. 0 disables it.
     *
     * @param jitterPercent from 0 to 99
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when out of range or already set
     */
    public Builder jitterPercent(int jitterPercent) {
      requireUnset(this.jitterPercent < 0, "jitterPercent", this.jitterPercent);
      if (jitterPercent < 0 || jitterPercent > 99) {
        throw CouponException.invalidField("jitterPercent", "must be in [0, 99] but was %s", jitterPercent);
      }
      this.jitterPercent = jitterPercent;
      return this;
    }

    /**
     * Also caches {@code findTemplates} and {@code remainingCodes}, each entry for at most {@code catalogTtl}
     * (default: not cached). Claims stay correct (the delegate decides them), but listings may show a template as
     * claimable up to this long after it sold out or changed status on another instance; keep it short.
     *
     * @param catalogTtl from one millisecond to 365 days
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when null, out of range, or already set
     */
    public Builder catalogTtl(Duration catalogTtl) {
      requireUnset(this.catalogTtl == null, "catalogTtl", this.catalogTtl);
      this.catalogTtl = requirePositive(catalogTtl, "catalogTtl");
      return this;
    }

    /**
     * Sets stale-if-error (default on, {@link NearCachedStore#DEFAULT_MAX_STALENESS 5 minutes}): when the delegate
     * answers a template read or a user's coupon list with {@code STORE_UNAVAILABLE} (a client timeout included),
     * the last value this store read for that key is returned instead, if it is at most {@code maxStaleness} old,
     * and the {@link #staleReadListener listener} is told. A miss with the store down still fails. Claims,
     * reservations and every write still go to the delegate and fail rather than guess. {@link Duration#ZERO} turns
     * it off. The values are kept in a second Caffeine cache of the same maximum size, written on each load.
     *
     * @param maxStaleness 0 (off) to 366 days
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when null, negative, longer than 366 days, or already set
     */
    public Builder staleIfError(Duration maxStaleness) {
      requireUnset(this.maxStaleness == null, "staleIfError", this.maxStaleness);
      this.maxStaleness = io.couponengine.internal.Preconditions.requireRange(maxStaleness, Duration.ZERO,
          Duration.ofDays(366), "maxStaleness");
      return this;
    }

    /**
     * Sets who is told about each stale read (default: nobody; {@link NearCachedStore#staleReads()} counts them
     * anyway).
     *
     * @param listener the listener
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when null or already set
     */
    public Builder staleReadListener(StaleReadListener listener) {
      requireUnset(this.staleListener == null, "staleReadListener", this.staleListener);
      this.staleListener = requireArg(listener, "listener");
      return this;
    }

    /**
     * Makes {@link NearCachedStore#close()} close the delegate too (default: it does not; the application closes
     * its store).
     *
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder closeDelegate() {
      requireUnset(!this.closeDelegate, "closeDelegate", true);
      this.closeDelegate = true;
      return this;
    }

    /**
     * Sets the time source for expiry (default {@link Ticker#systemTicker()}); tests advance a fake ticker instead
     * of sleeping. Package-private: tests only.
     *
     * @param ticker the nanosecond time source
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when null or already set
     */
    Builder ticker(Ticker ticker) {
      requireUnset(this.ticker == null, "ticker", this.ticker);
      this.ticker = requireArg(ticker, "ticker");
      return this;
    }

    /**
     * Builds the near-cache. The builder may be reused; each store built has its own, empty caches.
     *
     * @return a new near-cached store
     */
    public NearCachedStore build() {
      return new NearCachedStore(this);
    }

    private static Duration requirePositive(Duration d, String name) {
      requireArg(d, name);
      if (d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(Duration.ofDays(365)) > 0) {
        throw CouponException.invalidField(name, "must be from 1ms to 365 days but was %s", d);
      }
      return d;
    }
  }
}
