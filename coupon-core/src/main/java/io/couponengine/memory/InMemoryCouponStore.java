package io.couponengine.memory;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.OrderStatus;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.internal.Preconditions;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CodeClaimCommand;
import io.couponengine.spi.CouponStore;
import io.couponengine.spi.ReserveCommand;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStats;
import io.couponengine.template.TemplateStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The embedded default store: everything in this JVM's heap, nothing survives a restart.
 *
 * <pre>{@code
 * CouponEngine engine = CouponEngine.builder().store(new InMemoryCouponStore()).build(); // same as the default
 * }</pre>
 *
 * <p>Thread-safe, and as strict as the networked stores: it passes the same contract suite. Concurrency is settled
 * per template and per user, never by a global lock, so claims on different templates do not contend: a claim
 * holds its template's monitor (limit check, code pop, idempotency record) and then its user's monitor to append the
 * coupon; reservations and status changes hold only the user's monitor (every coupon of an order belongs to one
 * user). Lock order is always template → user, so there is no deadlock.
 *
 * <p>Every method checks its arguments first and answers {@code CouponException(INVALID_ARGUMENT)} naming the
 * parameter, without touching any state, for a null argument, an id that is not one (blank, invisible only, longer
 * than 128 characters, control characters), a null code in a batch, a negative offset or a limit below 1. The commands
 * ({@link ClaimCommand}, {@link ReserveCommand}) check their own fields when built.
 */
public final class InMemoryCouponStore implements CouponStore {

  private final ConcurrentHashMap<String, TemplateState> templates = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, UserState> users = new ConcurrentHashMap<>();
  /** code → the coupon's cell; the cell's content changes only under its user's monitor. */
  private final ConcurrentHashMap<String, CouponCell> byCode = new ConcurrentHashMap<>();
  /** USABLE coupons by the minute they expire in, for the active sweep (cheap to add to on every claim). */
  private final ConcurrentSkipListMap<Long, Set<CouponCell>> usableByExpiryMinute = new ConcurrentSkipListMap<>();
  private final ReentrantReadWriteLock bucketLock = new ReentrantReadWriteLock();
  /** The bucket the last claim went to (read and replaced under the bucket read lock; dropped under the write lock). */
  private volatile ExpiryBucket lastBucket;
  private final ConcurrentHashMap<String, Order> orders = new ConcurrentHashMap<>();
  /**
   * Who first used each order id. Orders live under their user's monitor, so two users could otherwise both take
   * one id; the first reserve of an id claims it here, for good, even when that reserve was refused.
   */
  private final ConcurrentHashMap<String, String> orderOwners = new ConcurrentHashMap<>();
  /** Shared and imported code → its template: codes are unique across the store. */
  private final ConcurrentHashMap<String, String> codeIndex = new ConcurrentHashMap<>();
  /** user → failed code entries in the current window. */
  private final ConcurrentHashMap<String, Attempts> attempts = new ConcurrentHashMap<>();

  /** How long a claim's idempotency key is remembered by default, as the Redis store does. */
  public static final Duration DEFAULT_IDEMPOTENCY_TTL = Duration.ofHours(24);
  /** Most expired keys one claim forgets on its way in (the rest wait for the next claims or the sweep). */
  private static final int PURGE_PER_CLAIM = 8;

  private final Duration idempotencyTtl;
  /**
   * Claimed cells in claim order, so keys older than the TTL are forgotten from the head without a scan: the
   * memory a long-running process keeps for keys is the claims of the last TTL.
   */
  private final ConcurrentLinkedQueue<CouponCell> keyed = new ConcurrentLinkedQueue<>();

  /** Creates an empty store that remembers idempotency keys for {@link #DEFAULT_IDEMPOTENCY_TTL}. */
  public InMemoryCouponStore() {
    this(DEFAULT_IDEMPOTENCY_TTL);
  }

  private InMemoryCouponStore(Duration idempotencyTtl) {
    this.idempotencyTtl = idempotencyTtl;
  }

  /**
   * Creates an empty store that remembers a claim's idempotency key for {@code ttl} after the claim; a key retried
   * later is a new claim (limits still hold). The Redis store behaves the same way.
   *
   * @param ttl 1 second to 366 days
   * @return the store
   * @throws CouponException INVALID_ARGUMENT naming {@code idempotencyTtl} when out of range
   */
  public static InMemoryCouponStore withIdempotencyTtl(Duration ttl) {
    return new InMemoryCouponStore(
        Preconditions.requireRange(ttl, Duration.ofSeconds(1), Duration.ofDays(366), "idempotencyTtl"));
  }

  // ---- templates ---------------------------------------------------------------------------------------------

  @Override
  public boolean insertTemplate(Template template) {
    Preconditions.requireArg(template, "template");
    String shared = template.spec().sharedCode();
    if (shared == null) {
      return templates.putIfAbsent(template.id(), new TemplateState(template)) == null;
    }
    if (templates.containsKey(template.id())) {
      return false;
    }
    String owner = codeIndex.putIfAbsent(shared, template.id());
    if (owner != null && !owner.equals(template.id())) {
      throw sharedCodeTaken(shared);
    }
    if (templates.putIfAbsent(template.id(), new TemplateState(template)) != null) {
      codeIndex.remove(shared, template.id());
      return false;
    }
    return true;
  }

  /** The refusal of a template whose shared code another template or an import has. */
  static CouponException sharedCodeTaken(String code) {
    return CouponException.invalidTemplate(List.of(new io.couponengine.error.Violation("sharedCode",
        "'" + code + "' is already a code of another template")));
  }

  @Override
  public Optional<String> findTemplateIdByCode(String code) {
    Preconditions.requireId(code, "code");
    return Optional.ofNullable(codeIndex.get(code));
  }

  @Override
  public Optional<Template> findTemplate(String templateId) {
    Preconditions.requireId(templateId, "templateId");
    TemplateState s = templates.get(templateId);
    return s == null ? Optional.empty() : Optional.of(s.template);
  }

  @Override
  public List<Template> findTemplates(TemplateStatus status) {
    Preconditions.requireArg(status, "status");
    List<Template> out = new ArrayList<>();
    for (TemplateState s : templates.values()) {
      Template t = s.template;
      if (t.status() == status) {
        out.add(t);
      }
    }
    return out;
  }

  @Override
  public boolean updateTemplateStatus(String templateId, TemplateStatus expected, TemplateStatus next,
      String reason) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireArg(expected, "expected");
    Preconditions.requireArg(next, "next");
    TemplateState s = templates.get(templateId);
    if (s == null) {
      return false;
    }
    synchronized (s) {
      if (s.template.status() != expected) {
        return false;
      }
      s.template = s.template.withStatus(next, reason);
      return true;
    }
  }

  // ---- code pool ---------------------------------------------------------------------------------------------

  @Override
  public long appendCodes(String templateId, long offset, List<String> codes) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireRange(offset, 0, Long.MAX_VALUE, "offset");
    Preconditions.requireArg(codes, "codes");
    for (int i = 0; i < codes.size(); i++) {
      Preconditions.requireArg(codes.get(i), "codes[" + i + "]"); // generated codes: a null check is enough
    }
    TemplateState s = requireTemplate(templateId);
    synchronized (s) {
      long loaded = s.loaded;
      if (offset + codes.size() <= loaded) {
        return loaded; // a retried batch: already in
      }
      if (offset != loaded) {
        throw CouponException.of(ErrorCode.CONFLICT,
            "template '%s' has %d codes loaded; a batch at offset %d does not fit", templateId, loaded, offset);
      }
      s.add(codes);
      s.loaded += codes.size();
      return s.loaded;
    }
  }

  @Override
  public long importCodes(String templateId, List<String> codes) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireElements(codes, "codes");
    TemplateState s = requireTemplate(templateId);
    synchronized (s) {
      List<String> added = new ArrayList<>(codes.size());
      for (String code : codes) {
        if (codeIndex.putIfAbsent(code, templateId) == null) {
          added.add(code);
        }
      }
      long room = TemplateSpec.MAX_TOTAL_COUNT - s.template.totalCount();
      if (added.size() > room) {
        added.forEach(code -> codeIndex.remove(code, templateId));
        throw CouponException.invalidField("codes", "would take template '%s' past %d codes (total %d)",
            templateId, TemplateSpec.MAX_TOTAL_COUNT, s.template.totalCount());
      }
      s.add(added);
      s.loaded += added.size();
      if (!added.isEmpty()) {
        s.template = s.template.withAdded(added.size());
      }
      return added.size();
    }
  }

  @Override
  public void scanPool(String templateId, int batchSize, java.util.function.Consumer<List<String>> sink) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireRange(batchSize, 1, Integer.MAX_VALUE, "batchSize");
    Preconditions.requireArg(sink, "sink");
    TemplateState s = templates.get(templateId);
    if (s == null) {
      return;
    }
    String[] snapshot;
    synchronized (s) { // references only: the codes themselves are already on this heap
      snapshot = s.entryPool != null ? s.entryPool.toArray(new String[0])
          : Arrays.copyOfRange(s.pool, s.poolStart, s.poolEnd);
    }
    for (int i = 0; i < snapshot.length; i += batchSize) {
      sink.accept(Arrays.asList(snapshot).subList(i, Math.min(snapshot.length, i + batchSize)));
    }
  }

  @Override
  public String codeKey(String templateId, String proposedKey) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireId(proposedKey, "proposedKey");
    TemplateState s = requireTemplate(templateId);
    synchronized (s) {
      if (s.codeKey == null) {
        s.codeKey = proposedKey;
      }
      return s.codeKey;
    }
  }

  @Override
  public long addToTotal(String templateId, long count) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireRange(count, 0, TemplateSpec.MAX_TOTAL_COUNT, "count");
    TemplateState s = requireTemplate(templateId);
    synchronized (s) {
      if (count > TemplateSpec.MAX_TOTAL_COUNT - s.template.totalCount()) {
        throw CouponException.invalidField("count", "must be at most %d for template '%s' (total %d)",
            TemplateSpec.MAX_TOTAL_COUNT - s.template.totalCount(), templateId, s.template.totalCount());
      }
      if (count > 0) {
        s.template = s.template.withAdded(count);
      }
      return s.loaded;
    }
  }

  @Override
  public Optional<TemplateStats> stats(String templateId) {
    Preconditions.requireId(templateId, "templateId");
    TemplateState s = templates.get(templateId);
    if (s == null) {
      return Optional.empty();
    }
    synchronized (s) {
      return Optional.of(new TemplateStats(templateId, s.issued, s.reserved.get(), s.used.get(), s.expired.get(),
          s.remaining(), s.discountGiven.get()));
    }
  }

  private TemplateState stateOf(Coupon c) {
    return templates.get(c.templateId());
  }

  /** Moves a coupon's figures from one status to another; a commit adds its saving, a revert takes it off. */
  private static void count(TemplateState s, CouponStatus from, CouponStatus to, BigDecimal saving) {
    counter(s, from).ifPresent(AtomicLong::decrementAndGet);
    counter(s, to).ifPresent(AtomicLong::incrementAndGet);
    if (saving != null && to == CouponStatus.USED) {
      s.discountGiven.accumulateAndGet(saving, BigDecimal::add);
    } else if (saving != null && from == CouponStatus.USED) {
      s.discountGiven.accumulateAndGet(saving, BigDecimal::subtract);
    }
  }

  private static Optional<AtomicLong> counter(TemplateState s, CouponStatus status) {
    return switch (status) {
      case RESERVED -> Optional.of(s.reserved);
      case USED -> Optional.of(s.used);
      case EXPIRED -> Optional.of(s.expired);
      default -> Optional.empty();
    };
  }

  @Override
  public long remainingCodes(String templateId) {
    Preconditions.requireId(templateId, "templateId");
    TemplateState s = templates.get(templateId);
    if (s == null) {
      return 0;
    }
    synchronized (s) {
      return s.remaining();
    }
  }

  // ---- claims ------------------------------------------------------------------------------------------------

  @Override
  public ClaimResult claim(ClaimCommand c) {
    Preconditions.requireArg(c, "command");
    return claim(c, null, false);
  }

  @Override
  public ClaimResult claimCode(CodeClaimCommand entry) {
    Preconditions.requireArg(entry, "command");
    if (entry.claim() == null) {
      Attempts a = attempts.computeIfAbsent(entry.userId(), u -> new Attempts());
      return ClaimResult.refused(a.tryFail(entry) ? ClaimOutcome.CODE_NOT_FOUND : ClaimOutcome.TOO_MANY_ATTEMPTS);
    }
    return claim(entry.claim(), entry, false);
  }

  @Override
  public List<ClaimResult> grant(List<ClaimCommand> commands) {
    Preconditions.requireElements(commands, "commands");
    Preconditions.requireRange(commands.size(), 0, 10_000, "commands.size");
    List<ClaimResult> out = new ArrayList<>(commands.size());
    for (ClaimCommand c : commands) {
      out.add(claim(c, null, true));
    }
    return out;
  }

  /**
   * One claim: from the pool, or of {@code entry.code()} when an entered code is to be bound. A code entry reserves
   * a failed attempt first (under the user's attempt monitor) and gives it back unless the outcome is a failure, so
   * concurrent entries never pass the limit; {@code keepKey} keeps the idempotency key past the TTL (grants).
   */
  private ClaimResult claim(ClaimCommand c, CodeClaimCommand entry, boolean keepKey) {
    TemplateState s = templates.get(c.templateId());
    if (s == null) {
      return ClaimResult.refused(ClaimOutcome.TEMPLATE_NOT_FOUND);
    }
    forgetExpiredKeys(c.claimedAt(), PURGE_PER_CLAIM);
    UserState user = users.computeIfAbsent(c.userId(), id -> new UserState());
    Coupon coupon;
    CouponCell cell;
    CouponCell earlier;
    // Only the decision is made under the template's monitor; publishing the coupon to the user's state and the
    // indexes happens after, so the hot template's critical section stays short. Nothing can fail in between, and
    // a DUPLICATE waits for the cell to be published, so it never names a coupon that cannot be read yet.
    synchronized (s) {
      Holder holder = s.holders.get(c.userId());
      earlier = holder == null ? null : holder.byKey(c.idempotencyKey());
      if (earlier == null && entry != null) {
        Attempts a = attempts.computeIfAbsent(c.userId(), u -> new Attempts());
        if (!a.tryFail(entry)) {
          return ClaimResult.refused(ClaimOutcome.TOO_MANY_ATTEMPTS);
        }
        ClaimOutcome failure = null;
        try {
          failure = codeRefusal(s, holder, c, entry.code());
          if (failure == ClaimOutcome.DUPLICATE) {
            earlier = s.bound.get(entry.code());
          } else if (failure != null) {
            return ClaimResult.refused(failure);
          }
        } finally {
          if (failure != ClaimOutcome.CODE_TAKEN && failure != ClaimOutcome.CODE_NOT_FOUND) {
            a.refund(entry);
          }
        }
      }
      if (earlier == null) {
        ClaimOutcome refusal = entry == null || entry.code() == null ? refusal(s, holder, c) : null;
        if (refusal != null) {
          return ClaimResult.refused(refusal);
        }
        String code;
        if (entry != null && entry.code() != null) {
          code = entry.code();
          s.entryPool.remove(code);
        } else {
          code = s.pool[s.poolStart];
          s.pool[s.poolStart++] = null;
        }
        coupon = new Coupon(c.couponId(), code, c.templateId(), c.userId(), c.claimedAt(), c.expiresAt(),
            CouponStatus.USABLE, null, c.validFrom());
        cell = new CouponCell(coupon, c.idempotencyKey());
        if (s.bound != null) {
          s.bound.put(code, cell);
        }
        if (holder == null) {
          holder = new Holder();
          s.holders.put(c.userId(), holder);
        }
        holder.add(cell);
        s.issued++;
      } else {
        coupon = null;
        cell = null;
      }
    }
    if (earlier != null) {
      while (!earlier.published) {
        Thread.yield(); // the claiming thread is between its decision and its publication: nanoseconds
      }
      return ClaimResult.duplicate(earlier.coupon);
    }
    synchronized (user) {
      user.cells.add(cell);
      trackExpiry(cell);
    }
    byCode.put(coupon.code(), cell);
    cell.published = true;
    if (!keepKey) {
      keyed.add(cell);
    }
    return ClaimResult.claimed(coupon);
  }

  /**
   * Why binding {@code code} is refused, or null; DUPLICATE when the user holds it already. Called under the
   * template's monitor, in the order {@link CouponStore#claimCode} gives: status, window, the code, the limit.
   */
  private static ClaimOutcome codeRefusal(TemplateState s, Holder holder, ClaimCommand c, String code) {
    ClaimOutcome status = statusRefusal(s, c);
    if (status != null || code == null) {
      return status;
    }
    CouponCell bound = s.bound == null ? null : s.bound.get(code);
    if (bound != null) {
      return bound.coupon.userId().equals(c.userId()) ? ClaimOutcome.DUPLICATE : ClaimOutcome.CODE_TAKEN;
    }
    if (s.entryPool == null || !s.entryPool.contains(code)) {
      return ClaimOutcome.CODE_NOT_FOUND;
    }
    int held = holder == null ? 0 : holder.count;
    return held >= c.perUserLimit() ? ClaimOutcome.LIMIT_REACHED : null;
  }

  /** Why a new claim is refused, or null; called under the template's monitor. */
  private static ClaimOutcome refusal(TemplateState s, Holder holder, ClaimCommand c) {
    ClaimOutcome status = statusRefusal(s, c);
    if (status != null) {
      return status;
    }
    int held = holder == null ? 0 : holder.count;
    if (held >= c.perUserLimit()) {
      return ClaimOutcome.LIMIT_REACHED;
    }
    return s.poolStart == s.poolEnd ? ClaimOutcome.SOLD_OUT : null;
  }

  /** The status and claim-window refusal, or null. */
  private static ClaimOutcome statusRefusal(TemplateState s, ClaimCommand c) {
    switch (s.template.status()) {
      case AVAILABLE -> { }
      case EXPIRED -> {
        return ClaimOutcome.TEMPLATE_EXPIRED;
      }
      case PAUSED -> {
        return ClaimOutcome.TEMPLATE_PAUSED;
      }
      default -> {
        return ClaimOutcome.TEMPLATE_NOT_READY;
      }
    }
    return c.windowRefusal();
  }

  /**
   * Forgets up to {@code max} idempotency keys claimed at least the TTL before {@code now}, oldest first. Each key
   * is cleared under its template's monitor, where claims read keys; no other monitor is held meanwhile.
   */
  private void forgetExpiredKeys(Instant now, int max) {
    Instant cutoff = now.minus(idempotencyTtl);
    for (int i = 0; i < max; i++) {
      CouponCell head = keyed.peek();
      if (head == null || head.coupon.claimedAt().isAfter(cutoff)) {
        return;
      }
      if (keyed.remove(head)) {
        TemplateState s = templates.get(head.coupon.templateId());
        synchronized (s) {
          head.idempotencyKey = null;
        }
      }
    }
  }

  /** How many idempotency keys are remembered now (for tests of the bound). */
  int rememberedIdempotencyKeys() {
    return keyed.size();
  }

  private void trackExpiry(CouponCell cell) {
    Coupon c = cell.coupon;
    bucketLock.readLock().lock(); // shared: adds run in parallel; only dropping an empty bucket is exclusive
    try {
      long minute = expiryBucket(c);
      ExpiryBucket last = lastBucket;
      if (last == null || last.minute != minute || last.removed) {
        // claims of one template in one minute share a bucket: remember it and skip the map (and the boxing)
        last = new ExpiryBucket(minute, usableByExpiryMinute.computeIfAbsent(minute,
            m -> ConcurrentHashMap.newKeySet()));
        lastBucket = last;
      }
      last.cells.add(cell);
    } finally {
      bucketLock.readLock().unlock();
    }
  }

  private void untrackExpiry(CouponCell cell) {
    Set<CouponCell> bucket = usableByExpiryMinute.get(expiryBucket(cell.coupon));
    if (bucket != null) {
      bucket.remove(cell);
    }
  }

  private static long expiryBucket(Coupon c) {
    return Math.floorDiv(c.expiresAt().getEpochSecond(), 60);
  }

  // ---- coupons -----------------------------------------------------------------------------------------------

  @Override
  public List<Coupon> findCouponsByUser(String userId) {
    Preconditions.requireId(userId, "userId");
    UserState user = users.get(userId);
    if (user == null) {
      return List.of();
    }
    synchronized (user) {
      List<Coupon> out = new ArrayList<>(user.cells.size());
      for (CouponCell cell : user.cells) {
        out.add(cell.coupon);
      }
      return out;
    }
  }

  @Override
  public Optional<Coupon> findCouponByCode(String code) {
    Preconditions.requireId(code, "code");
    CouponCell cell = byCode.get(code);
    return cell == null ? Optional.empty() : Optional.of(cell.coupon);
  }

  @Override
  public Optional<Coupon> expireCoupon(Coupon coupon, Instant now) {
    Preconditions.requireArg(coupon, "coupon");
    Preconditions.requireArg(now, "now");
    CouponCell cell = byCode.get(coupon.code());
    return cell == null ? Optional.empty() : expire(cell, now);
  }

  private Optional<Coupon> expire(CouponCell cell, Instant now) {
    UserState user = users.get(cell.coupon.userId());
    synchronized (user) {
      Coupon c = cell.coupon;
      if (c.status() != CouponStatus.USABLE || now.isBefore(c.expiresAt())) {
        return Optional.empty();
      }
      Coupon expired = c.withStatus(CouponStatus.EXPIRED, null);
      cell.coupon = expired;
      untrackExpiry(cell);
      stateOf(c).expired.incrementAndGet();
      return Optional.of(expired);
    }
  }

  @Override
  public List<Coupon> expireDueCoupons(Instant now, int limit) {
    Preconditions.requireArg(now, "now");
    Preconditions.requireRange(limit, 1, Integer.MAX_VALUE, "limit");
    forgetExpiredKeys(now, Integer.MAX_VALUE);
    List<Coupon> out = new ArrayList<>();
    long nowBucket = Math.floorDiv(now.getEpochSecond(), 60);
    for (Map.Entry<Long, Set<CouponCell>> bucket : usableByExpiryMinute.headMap(nowBucket, true).entrySet()) {
      for (CouponCell cell : bucket.getValue()) {
        if (out.size() >= limit) {
          return out;
        }
        expire(cell, now).ifPresent(out::add); // re-checks status and exact expiry under the user's monitor
      }
      if (bucket.getKey() < nowBucket && bucket.getValue().isEmpty()) {
        bucketLock.writeLock().lock();
        try {
          if (bucket.getValue().isEmpty()) {
            usableByExpiryMinute.remove(bucket.getKey(), bucket.getValue());
            ExpiryBucket last = lastBucket;
            if (last != null && last.cells == bucket.getValue()) {
              last.removed = true;
              lastBucket = null;
            }
          }
        } finally {
          bucketLock.writeLock().unlock();
        }
      }
    }
    return out;
  }

  // ---- redemption --------------------------------------------------------------------------------------------

  @Override
  public RedemptionResult reserve(ReserveCommand cmd) {
    Preconditions.requireArg(cmd, "command");
    String owner = orderOwners.putIfAbsent(cmd.orderId(), cmd.userId());
    if (owner != null && !owner.equals(cmd.userId())) {
      Order theirs = orders.get(cmd.orderId());
      return RedemptionResult.refused(RedemptionOutcome.ORDER_CONFLICT, cmd.orderId(),
          theirs == null ? null : theirs.status, null);
    }
    UserState user = users.computeIfAbsent(cmd.userId(), id -> new UserState());
    synchronized (user) {
      Order existing = orders.get(cmd.orderId());
      if (existing != null) {
        if (existing.status == OrderStatus.RESERVED && existing.userId.equals(cmd.userId())
            && existing.codes().equals(new HashSet<>(cmd.codes()))) {
          return RedemptionResult.success(RedemptionOutcome.RESERVED, cmd.orderId(), existing.status,
              existing.coupons(), true, existing.savings);
        }
        return RedemptionResult.refused(RedemptionOutcome.ORDER_CONFLICT, cmd.orderId(), existing.status, null);
      }
      List<CouponCell> targets = new ArrayList<>(cmd.codes().size());
      for (String code : cmd.codes()) {
        CouponCell cell = byCode.get(code);
        if (cell == null) {
          return RedemptionResult.refused(RedemptionOutcome.UNKNOWN_CODE, cmd.orderId(), null, code);
        }
        Coupon c = cell.coupon;
        if (!c.userId().equals(cmd.userId())) {
          return RedemptionResult.refused(RedemptionOutcome.NOT_OWNER, cmd.orderId(), null, code);
        }
        if (c.status() == CouponStatus.EXPIRED
            || (c.status() == CouponStatus.USABLE && !cmd.now().isBefore(c.expiresAt()))) {
          return RedemptionResult.refused(RedemptionOutcome.EXPIRED, cmd.orderId(), null, code);
        }
        if (c.status() == CouponStatus.USABLE && c.validFrom() != null && cmd.now().isBefore(c.validFrom())) {
          return RedemptionResult.refused(RedemptionOutcome.NOT_YET_VALID, cmd.orderId(), null, code);
        }
        if (c.status() != CouponStatus.USABLE) {
          return RedemptionResult.refused(RedemptionOutcome.NOT_USABLE, cmd.orderId(), null, code);
        }
        targets.add(cell);
      }
      List<Coupon> reserved = new ArrayList<>(targets.size());
      for (CouponCell cell : targets) {
        Coupon c = cell.coupon;
        Coupon r = c.withStatus(CouponStatus.RESERVED, cmd.orderId());
        cell.coupon = r;
        stateOf(c).reserved.incrementAndGet();
        untrackExpiry(cell);
        reserved.add(r);
      }
      orders.put(cmd.orderId(), new Order(cmd.userId(), List.copyOf(targets),
          cmd.reservedUntil(), OrderStatus.RESERVED, cmd.savings()));
      return RedemptionResult.success(RedemptionOutcome.RESERVED, cmd.orderId(), OrderStatus.RESERVED, reserved,
          false, cmd.savings());
    }
  }

  @Override
  public RedemptionResult commit(String orderId, Instant now) {
    Preconditions.requireId(orderId, "orderId");
    Preconditions.requireArg(now, "now");
    return underOwner(orderId, order -> switch (order.status) {
      case COMMITTED -> RedemptionResult.success(RedemptionOutcome.COMMITTED, orderId, order.status,
          order.coupons(), true, order.savings);
      case RESERVED -> move(orderId, order, OrderStatus.COMMITTED, RedemptionOutcome.COMMITTED, now);
      case RELEASED -> order.allUsableBy(now)
          ? move(orderId, order, OrderStatus.COMMITTED, RedemptionOutcome.COMMITTED, now)
          : RedemptionResult.refused(RedemptionOutcome.ORDER_EXPIRED, orderId, order.status, null);
      case REVERTED -> RedemptionResult.refused(RedemptionOutcome.ORDER_CONFLICT, orderId, order.status, null);
    });
  }

  @Override
  public RedemptionResult release(String orderId, Instant now) {
    Preconditions.requireId(orderId, "orderId");
    Preconditions.requireArg(now, "now");
    return underOwner(orderId, order -> switch (order.status) {
      case RELEASED -> RedemptionResult.success(RedemptionOutcome.RELEASED, orderId, order.status,
          order.coupons(), true, order.savings);
      case RESERVED -> move(orderId, order, OrderStatus.RELEASED, RedemptionOutcome.RELEASED, now);
      case COMMITTED, REVERTED -> RedemptionResult.refused(RedemptionOutcome.ORDER_CONFLICT, orderId, order.status,
          null);
    });
  }

  @Override
  public RedemptionResult revert(String orderId, Instant now) {
    Preconditions.requireId(orderId, "orderId");
    Preconditions.requireArg(now, "now");
    return underOwner(orderId, order -> switch (order.status) {
      case REVERTED -> RedemptionResult.success(RedemptionOutcome.REVERTED, orderId, order.status,
          order.coupons(), true, order.savings);
      case COMMITTED -> move(orderId, order, OrderStatus.REVERTED, RedemptionOutcome.REVERTED, now);
      case RESERVED, RELEASED -> RedemptionResult.refused(RedemptionOutcome.NOT_COMMITTED, orderId, order.status,
          null);
    });
  }

  /** Runs {@code step} on the order under its user's monitor; ORDER_NOT_FOUND when no order has this id. */
  private RedemptionResult underOwner(String orderId, java.util.function.Function<Order, RedemptionResult> step) {
    Order peek = orders.get(orderId);
    if (peek == null) {
      return RedemptionResult.refused(RedemptionOutcome.ORDER_NOT_FOUND, orderId, null, null);
    }
    UserState user = users.get(peek.userId);
    synchronized (user) {
      return step.apply(orders.get(orderId));
    }
  }

  /** Moves the order and its coupons to {@code target}; called under the user's monitor. */
  private RedemptionResult move(String orderId, Order order, OrderStatus target, RedemptionOutcome success,
      Instant now) {
    List<Coupon> changed = new ArrayList<>();
    for (CouponCell cell : order.cells) {
      Coupon c = cell.coupon;
      Coupon next = switch (target) {
        case COMMITTED -> c.withStatus(CouponStatus.USED, orderId);
        case RELEASED -> c.withStatus(CouponStatus.USABLE, null);
        case REVERTED -> c.withStatus(now.isBefore(c.expiresAt()) ? CouponStatus.USABLE : CouponStatus.EXPIRED,
            null);
        case RESERVED -> throw new IllegalStateException("an order is never moved back to RESERVED");
      };
      if (c.status() == CouponStatus.USABLE) {
        untrackExpiry(cell); // a late commit re-takes USABLE coupons
      }
      cell.coupon = next;
      if (next.status() == CouponStatus.USABLE) {
        trackExpiry(cell);
      }
      count(stateOf(c), c.status(), next.status(), order.savings.get(c.code()));
      changed.add(next);
    }
    orders.put(orderId, order.withStatus(target));
    return RedemptionResult.success(success, orderId, target, changed, false, order.savings);
  }

  @Override
  public List<String> findStaleReservations(Instant now, int limit) {
    Preconditions.requireArg(now, "now");
    Preconditions.requireRange(limit, 1, Integer.MAX_VALUE, "limit");
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Order> e : orders.entrySet()) {
      Order o = e.getValue();
      if (o.status == OrderStatus.RESERVED && !now.isBefore(o.reservedUntil)) {
        out.add(e.getKey());
        if (out.size() >= limit) {
          break;
        }
      }
    }
    return out;
  }

  private TemplateState requireTemplate(String templateId) {
    TemplateState s = templates.get(templateId);
    if (s == null) {
      throw CouponException.of(ErrorCode.TEMPLATE_NOT_FOUND, "template '%s' does not exist", templateId);
    }
    return s;
  }

  // ---- state holders -----------------------------------------------------------------------------------------

  /** Per-template state, guarded by its own monitor. */
  private static final class TemplateState {
    volatile Template template;
    String[] pool = new String[16];
    int poolStart;
    int poolEnd;
    long loaded;
    /** The code-permutation key, set once ({@link #codeKey}). */
    String codeKey;
    /** Claims, ever (under this monitor); the other figures move under the coupons' users' monitors. */
    long issued;
    final AtomicLong reserved = new AtomicLong();
    final AtomicLong used = new AtomicLong();
    final AtomicLong expired = new AtomicLong();
    final AtomicReference<BigDecimal> discountGiven = new AtomicReference<>(BigDecimal.ZERO);
    /** user id → what the user holds of this template: one map lookup per claim. */
    final Map<String, Holder> holders = new HashMap<>();

    /** CODE_ENTRY templates only: codes not yet bound, in load order, and bound code → its cell. */
    final java.util.LinkedHashSet<String> entryPool;
    final Map<String, CouponCell> bound;

    TemplateState(Template template) {
      this.template = template;
      boolean entry = template.spec().distribution() == io.couponengine.template.Distribution.CODE_ENTRY;
      this.entryPool = entry ? new java.util.LinkedHashSet<>() : null;
      this.bound = entry ? new HashMap<>() : null;
    }

    /** Appends codes to the pool (under this monitor). */
    void add(List<String> codes) {
      if (entryPool != null) {
        entryPool.addAll(codes);
        return;
      }
      ensureCapacity(codes.size());
      for (String code : codes) {
        pool[poolEnd++] = code;
      }
    }

    /** Codes in the pool (under this monitor). */
    long remaining() {
      return entryPool != null ? entryPool.size() : poolEnd - poolStart;
    }

    void ensureCapacity(int more) {
      if (poolEnd + more <= pool.length) {
        return;
      }
      int live = poolEnd - poolStart;
      int needed = live + more;
      String[] next = needed <= pool.length ? pool : new String[Math.max(needed, pool.length * 2)];
      System.arraycopy(pool, poolStart, next, 0, live);
      if (next == pool) {
        Arrays.fill(pool, live, poolEnd, null);
      }
      pool = next;
      poolStart = 0;
      poolEnd = live;
    }
  }

  /**
   * One user's claims of one template: the count the limit is checked against and the idempotency keys of the
   * successful claims, in parallel arrays (a user holds at most the per-user limit, usually a handful). Guarded by
   * the template's monitor.
   */
  private static final class Holder {
    /** Claims of this user on this template (the per-user limit counts claims, so a revert gives none back). */
    int count;
    CouponCell[] cells = new CouponCell[2];

    CouponCell byKey(String key) {
      for (int i = 0; i < count; i++) {
        if (key.equals(cells[i].idempotencyKey)) {
          return cells[i];
        }
      }
      return null;
    }

    void add(CouponCell cell) {
      if (count == cells.length) {
        cells = Arrays.copyOf(cells, count * 2);
      }
      cells[count++] = cell;
    }
  }

  /**
   * One user's failed code entries in the current fixed window ({@link CodeClaimCommand#windowIndex()}), guarded
   * by this monitor. An entry takes a failure up front ({@link #tryFail}) and gives it back when it did not fail, so
   * the count never lets more than the limit through, however many entries run at once.
   */
  private static final class Attempts {
    long window = Long.MIN_VALUE;
    int failures;

    synchronized boolean tryFail(CodeClaimCommand e) {
      long w = e.windowIndex();
      if (w != window) {
        window = w;
        failures = 0;
      }
      if (failures >= e.maxFailures()) {
        return false;
      }
      failures++;
      return true;
    }

    synchronized void refund(CodeClaimCommand e) {
      if (e.windowIndex() == window && failures > 0) {
        failures--;
      }
    }
  }

  /** A user's coupons in claim order; the list and every cell's content are guarded by this monitor. */
  private static final class UserState {
    final List<CouponCell> cells = new ArrayList<>(2);
  }

  /** A minute's set of expiring coupons, as remembered by {@link #trackExpiry}. */
  private static final class ExpiryBucket {
    final long minute;
    final Set<CouponCell> cells;
    volatile boolean removed;

    ExpiryBucket(long minute, Set<CouponCell> cells) {
      this.minute = minute;
      this.cells = cells;
    }
  }

  /** The current version of one coupon; written under its user's monitor, read without a lock. */
  private static final class CouponCell {
    volatile Coupon coupon;
    /** The claim's idempotency key until the TTL passes; read and cleared under the template's monitor. */
    String idempotencyKey;
    /** Set once the coupon is in the user's list and the code index; a DUPLICATE answer waits for it. */
    volatile boolean published;

    CouponCell(Coupon coupon, String idempotencyKey) {
      this.coupon = coupon;
      this.idempotencyKey = idempotencyKey;
    }
  }

  private record Order(String userId, List<CouponCell> cells, Instant reservedUntil,
                       OrderStatus status, Map<String, BigDecimal> savings) {
    Order withStatus(OrderStatus s) {
      return new Order(userId, cells, reservedUntil, s, savings);
    }

    /** The order's codes (a coupon's code never changes, so they come from its cells). */
    Set<String> codes() {
      Set<String> out = new HashSet<>();
      for (CouponCell cell : cells) {
        out.add(cell.coupon.code());
      }
      return out;
    }

    /** Whether a late commit may re-take every coupon: each USABLE now (the cells are the user's own). */
    boolean allUsableBy(Instant now) {
      for (CouponCell cell : cells) {
        if (cell.coupon.statusAt(now) != CouponStatus.USABLE) {
          return false;
        }
      }
      return true;
    }

    List<Coupon> coupons() {
      List<Coupon> out = new ArrayList<>(cells.size());
      for (CouponCell cell : cells) {
        out.add(cell.coupon);
      }
      return out;
    }
  }
}
