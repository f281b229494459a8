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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The embedded default store: everything in this JVM's heap, nothing survives a restart.
 *
 * <pre>{@code
 * CouponEngine engine = CouponEngine.builder().store(new InMemoryCouponStore()).build(); // same as the default
 * }</pre>
 *
 * <p>Thread-safe, and as strict as the networked stores: it passes the same contract suite. Concurrency is settled
 * per template and per user, never by a global lock, so claims on different templates do not contend: a claim
 * holds its template's monitor to decide (limit check, code, idempotency record) and then, having let it go, its
 * user's monitor to put the coupon in the user's list; reservations and status changes hold only the user's monitor
 * (every coupon of an order belongs to one user). No thread takes a user's monitor while it holds a template's, so
 * there is no deadlock.
 *
 * <p>Memory: a claim creates no object that outlives it. Each template keeps its claims in arrays indexed by the
 * code's serial number ({@link TemplateLedger}: about 50 bytes a claim, plus the idempotency key's characters while
 * its TTL runs); a user is interned once (id → index) and their coupons are chained through those arrays; per-user
 * counts and idempotency keys sit in open-addressing int tables. A {@link Coupon} is built when one is read. So the
 * default collector keeps up with a million claims a second: young collections find almost nothing alive.
 *
 * <p>Every method checks its arguments first and answers {@code CouponException(INVALID_ARGUMENT)} naming the
 * parameter, without touching any state, for a null argument, an id that is not one (blank, invisible only, longer
 * than 128 characters, control characters), a null code in a batch, a negative offset or a limit below 1. The commands
 * ({@link ClaimCommand}, {@link ReserveCommand}) check their own fields when built.
 */
public final class InMemoryCouponStore implements CouponStore {

  private static final int USER_PAGE_BITS = 10;

  private final ConcurrentHashMap<String, TemplateLedger> templates = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, UserState> users = new ConcurrentHashMap<>();
  /** Guards the two interning counters and the growth of the arrays below. */
  private final Object registry = new Object();
  private int templateCount;
  private int userCount;
  /** Ledgers by index: a user's list names a coupon by its template's index and serial. */
  private volatile TemplateLedger[] ledgers = new TemplateLedger[16];
  /** Users by index, in pages of 1,024. */
  private volatile UserState[][] userPages = new UserState[4][];
  private final ConcurrentHashMap<String, Order> orders = new ConcurrentHashMap<>();
  /**
   * Who first used each order id. Orders live under their user's monitor, so two users could otherwise both take
   * one id; the first reserve of an id claims it here, for good, even when that reserve was refused.
   */
  private final ConcurrentHashMap<String, String> orderOwners = new ConcurrentHashMap<>();
  /** Shared and imported code → its template: codes are unique across the store. */
  private final ConcurrentHashMap<String, String> codeIndex = new ConcurrentHashMap<>();
  /**
   * Appended codes that do not carry their template's id (generated codes do: {@code PREFIX-TEMPLATE-…}) → the
   * template, so a coupon is found by its code. Filled at load time, never by a claim.
   */
  private final ConcurrentHashMap<String, String> foreignCodes = new ConcurrentHashMap<>();
  /** user → failed code entries in the current window. */
  private final ConcurrentHashMap<String, Attempts> attempts = new ConcurrentHashMap<>();

  /** How long a claim's idempotency key is remembered by default, as the Redis store does. */
  public static final Duration DEFAULT_IDEMPOTENCY_TTL = Duration.ofHours(24);
  /** Most expired keys one claim forgets on its way in (the rest wait for the next claims or the sweep). */
  private static final int PURGE_PER_CLAIM = 8;

  /** How long a claim's idempotency key is remembered, in nanoseconds (at most 366 days: fits). */
  private final long ttlNanos;

  /** Creates an empty store that remembers idempotency keys for {@link #DEFAULT_IDEMPOTENCY_TTL}. */
  public InMemoryCouponStore() {
    this(DEFAULT_IDEMPOTENCY_TTL);
  }

  private InMemoryCouponStore(Duration idempotencyTtl) {
    this.ttlNanos = idempotencyTtl.toNanos();
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

  // ---- interning -----------------------------------------------------------------------------------------------

  private TemplateLedger newLedger(Template template) {
    synchronized (registry) {
      int i = templateCount++;
      TemplateLedger[] all = ledgers;
      if (i == all.length) {
        all = Arrays.copyOf(all, all.length * 2);
      }
      TemplateLedger ledger = new TemplateLedger(template, i);
      all[i] = ledger;
      ledgers = all; // volatile write: publishes the element too
      return ledger;
    }
  }

  private TemplateLedger ledgerAt(int index) {
    TemplateLedger l = ledgers[index];
    if (l == null) {
      synchronized (registry) {
        l = ledgers[index];
      }
    }
    return l;
  }

  /** The user's interned state, created at their first claim or reservation. */
  private UserState user(String userId) {
    UserState u = users.get(userId);
    return u != null ? u : users.computeIfAbsent(userId, this::register);
  }

  private UserState register(String userId) {
    synchronized (registry) {
      int i = userCount++;
      UserState[][] pages = userPages;
      int p = i >>> USER_PAGE_BITS;
      if (p == pages.length) {
        pages = Arrays.copyOf(pages, pages.length * 2);
      }
      if (pages[p] == null) {
        pages[p] = new UserState[1 << USER_PAGE_BITS];
      }
      UserState u = new UserState(userId, i);
      pages[p][i & ((1 << USER_PAGE_BITS) - 1)] = u;
      userPages = pages;
      return u;
    }
  }

  private UserState userAt(int index) {
    UserState[] page = userPages[index >>> USER_PAGE_BITS];
    UserState u = page == null ? null : page[index & ((1 << USER_PAGE_BITS) - 1)];
    if (u == null) {
      synchronized (registry) { // seen through a racy read: the registry has it
        u = userPages[index >>> USER_PAGE_BITS][index & ((1 << USER_PAGE_BITS) - 1)];
      }
    }
    return u;
  }

  // ---- templates ---------------------------------------------------------------------------------------------

  @Override
  public boolean insertTemplate(Template template) {
    Preconditions.requireArg(template, "template");
    if (templates.containsKey(template.id())) {
      return false;
    }
    String shared = template.spec().sharedCode();
    if (shared == null) {
      return templates.putIfAbsent(template.id(), newLedger(template)) == null;
    }
    String owner = codeIndex.putIfAbsent(shared, template.id());
    if (owner != null && !owner.equals(template.id())) {
      throw sharedCodeTaken(shared);
    }
    if (templates.putIfAbsent(template.id(), newLedger(template)) != null) {
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
    TemplateLedger s = templates.get(templateId);
    return s == null ? Optional.empty() : Optional.of(s.template);
  }

  @Override
  public List<Template> findTemplates(TemplateStatus status) {
    Preconditions.requireArg(status, "status");
    List<Template> out = new ArrayList<>();
    for (TemplateLedger s : templates.values()) {
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
    TemplateLedger s = templates.get(templateId);
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
    TemplateLedger s = requireTemplate(templateId);
    synchronized (s) {
      long loaded = s.loaded;
      if (offset + codes.size() <= loaded) {
        return loaded; // a retried batch: already in
      }
      if (offset != loaded) {
        throw CouponException.of(ErrorCode.CONFLICT,
            "template '%s' has %d codes loaded; a batch at offset %d does not fit", templateId, loaded, offset);
      }
      for (String code : codes) {
        if (!carries(code, templateId)) {
          foreignCodes.putIfAbsent(code, templateId);
        }
      }
      s.add(codes);
      return s.loaded;
    }
  }

  /** Whether {@code code} has the template id where generated codes have it ({@code PREFIX-TEMPLATE-…}). */
  private static boolean carries(String code, String templateId) {
    int dash = code.indexOf('-');
    return dash >= 1 && code.regionMatches(dash + 1, templateId, 0, templateId.length())
        && dash + 1 + templateId.length() <= code.length();
  }

  @Override
  public long importCodes(String templateId, List<String> codes) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireElements(codes, "codes");
    TemplateLedger s = requireTemplate(templateId);
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
    TemplateLedger s = templates.get(templateId);
    if (s == null) {
      return;
    }
    String[] snapshot;
    synchronized (s) { // references only: the codes themselves are already on this heap
      snapshot = s.unclaimed();
    }
    for (int i = 0; i < snapshot.length; i += batchSize) {
      sink.accept(Arrays.asList(snapshot).subList(i, Math.min(snapshot.length, i + batchSize)));
    }
  }

  @Override
  public String codeKey(String templateId, String proposedKey) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireId(proposedKey, "proposedKey");
    TemplateLedger s = requireTemplate(templateId);
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
    TemplateLedger s = requireTemplate(templateId);
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
    TemplateLedger s = templates.get(templateId);
    if (s == null) {
      return Optional.empty();
    }
    synchronized (s) {
      return Optional.of(new TemplateStats(templateId, s.issued, s.reserved.get(), s.used.get(), s.expired.get(),
          s.remaining(), s.discountGiven.get()));
    }
  }

  /** Moves a coupon's figures from one status to another; a commit adds its saving, a revert takes it off. */
  private static void count(TemplateLedger s, CouponStatus from, CouponStatus to, BigDecimal saving) {
    counter(s, from).ifPresent(java.util.concurrent.atomic.AtomicLong::decrementAndGet);
    counter(s, to).ifPresent(java.util.concurrent.atomic.AtomicLong::incrementAndGet);
    if (saving != null && to == CouponStatus.USED) {
      s.discountGiven.accumulateAndGet(saving, BigDecimal::add);
    } else if (saving != null && from == CouponStatus.USED) {
      s.discountGiven.accumulateAndGet(saving, BigDecimal::subtract);
    }
  }

  private static Optional<java.util.concurrent.atomic.AtomicLong> counter(TemplateLedger s, CouponStatus status) {
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
    TemplateLedger s = templates.get(templateId);
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
    TemplateLedger s = templates.get(c.templateId());
    if (s == null) {
      return ClaimResult.refused(ClaimOutcome.TEMPLATE_NOT_FOUND);
    }
    UserState user = user(c.userId());
    int serial = -1;
    int earlier;
    // Only the decision is made under the template's monitor; publishing the coupon to the user's list happens
    // after, so the hot template's critical section stays short. Nothing can fail in between, and a DUPLICATE waits
    // for the coupon to be published, so it never names a coupon that cannot be read yet.
    synchronized (s) {
      s.forgetKeys(c.claimedAt(), ttlNanos, PURGE_PER_CLAIM);
      earlier = s.keyed(user.index, c.idempotencyKey());
      if (earlier < 0 && entry != null) {
        Attempts a = attempts.computeIfAbsent(c.userId(), u -> new Attempts());
        if (!a.tryFail(entry)) {
          return ClaimResult.refused(ClaimOutcome.TOO_MANY_ATTEMPTS);
        }
        ClaimOutcome failure = null;
        try {
          failure = codeRefusal(s, user.index, c, entry.code());
          if (failure == ClaimOutcome.DUPLICATE) {
            earlier = s.serialOf(entry.code());
          } else if (failure != null) {
            return ClaimResult.refused(failure);
          }
        } finally {
          if (failure != ClaimOutcome.CODE_TAKEN && failure != ClaimOutcome.CODE_NOT_FOUND) {
            a.refund(entry);
          }
        }
      }
      if (earlier < 0) {
        boolean entered = entry != null && entry.code() != null;
        ClaimOutcome refusal = entered ? null : refusal(s, user.index, c);
        if (refusal != null) {
          return ClaimResult.refused(refusal);
        }
        serial = entered ? s.serialOf(entry.code()) : s.next++;
        s.record(serial, c, user.index, keepKey);
      }
    }
    if (earlier >= 0) {
      return ClaimResult.duplicate(awaitPublished(s, earlier, user));
    }
    long ref = ref(s, serial);
    synchronized (user) {
      if (user.tail == 0) {
        user.head = ref;
      } else {
        ledgerAt(refTemplate(user.tail)).setNextOfUser(refSerial(user.tail), ref);
      }
      user.tail = ref;
      s.setStatus(serial, CouponStatus.USABLE, null);
    }
    return ClaimResult.claimed(new Coupon(c.couponId(), s.code(serial), c.templateId(), c.userId(), c.claimedAt(),
        c.expiresAt(), CouponStatus.USABLE, null, c.validFrom()));
  }

  /** The coupon of a decided claim, once its claiming thread has published it (nanoseconds away). */
  private static Coupon awaitPublished(TemplateLedger s, int serial, UserState user) {
    while (true) {
      synchronized (user) {
        if (s.status(serial) != null) {
          return s.coupon(serial, user.id);
        }
      }
      Thread.yield();
    }
  }

  /** A coupon's place, as user lists hold it: {@code (templateIndex << 32 | serial) + 1}, 0 meaning none. */
  private static long ref(TemplateLedger s, int serial) {
    return (((long) s.index << 32) | serial) + 1;
  }

  private static int refTemplate(long ref) {
    return (int) ((ref - 1) >>> 32);
  }

  private static int refSerial(long ref) {
    return (int) (ref - 1);
  }

  /**
   * Why binding {@code code} is refused, or null; DUPLICATE when the user holds it already. Called under the
   * template's monitor, in the order {@link CouponStore#claimCode} gives: status, window, the code, the limit.
   */
  private static ClaimOutcome codeRefusal(TemplateLedger s, int user, ClaimCommand c, String code) {
    ClaimOutcome status = statusRefusal(s, c);
    if (status != null || code == null) {
      return status;
    }
    int serial = s.entry ? s.serialOf(code) : -1;
    if (serial < 0) {
      return ClaimOutcome.CODE_NOT_FOUND;
    }
    int holder = s.holder(serial);
    if (holder >= 0) {
      return holder == user ? ClaimOutcome.DUPLICATE : ClaimOutcome.CODE_TAKEN;
    }
    return s.held(user) >= c.perUserLimit() ? ClaimOutcome.LIMIT_REACHED : null;
  }

  /** Why a new claim from the pool is refused, or null; called under the template's monitor. */
  private static ClaimOutcome refusal(TemplateLedger s, int user, ClaimCommand c) {
    ClaimOutcome status = statusRefusal(s, c);
    if (status != null) {
      return status;
    }
    if (s.held(user) >= c.perUserLimit()) {
      return ClaimOutcome.LIMIT_REACHED;
    }
    // a CODE_ENTRY template hands out nothing in pool order: its codes are entered
    return s.entry || s.next == s.loaded ? ClaimOutcome.SOLD_OUT : null;
  }

  /** The status and claim-window refusal, or null. */
  private static ClaimOutcome statusRefusal(TemplateLedger s, ClaimCommand c) {
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

  /** How many idempotency keys are remembered now (for tests of the bound). */
  int rememberedIdempotencyKeys() {
    int n = 0;
    for (TemplateLedger s : templates.values()) {
      synchronized (s) {
        n += s.rememberedKeys();
      }
    }
    return n;
  }

  /** Bytes the remembered idempotency keys hold (for tests of the bound). */
  long retainedKeyBytes() {
    long n = 0;
    for (TemplateLedger s : templates.values()) {
      synchronized (s) {
        n += s.retainedKeyBytes();
      }
    }
    return n;
  }

  // ---- coupons -----------------------------------------------------------------------------------------------

  /** Where a code's coupon lives, and who held it when looked up (-1: nobody yet). */
  private record Slot(TemplateLedger ledger, int serial, int holder) {}

  /** The slot of a loaded code, or null: generated codes name their template, the others are indexed. */
  private Slot locate(String code) {
    int dash = code.indexOf('-');
    if (dash >= 1 && dash + 7 <= code.length()) {
      Slot slot = find(templates.get(code.substring(dash + 1, dash + 7)), code);
      if (slot != null) {
        return slot;
      }
    }
    String owner = codeIndex.get(code);
    if (owner == null) {
      owner = foreignCodes.get(code);
    }
    return owner == null ? null : find(templates.get(owner), code);
  }

  private static Slot find(TemplateLedger s, String code) {
    if (s == null) {
      return null;
    }
    synchronized (s) {
      int serial = s.serialOf(code);
      return serial < 0 ? null : new Slot(s, serial, s.holder(serial));
    }
  }

  @Override
  public List<Coupon> findCouponsByUser(String userId) {
    Preconditions.requireId(userId, "userId");
    UserState user = users.get(userId);
    if (user == null) {
      return List.of();
    }
    synchronized (user) {
      List<Coupon> out = new ArrayList<>();
      for (long ref = user.head; ref != 0; ) {
        TemplateLedger s = ledgerAt(refTemplate(ref));
        int serial = refSerial(ref);
        out.add(s.coupon(serial, userId));
        ref = s.nextOfUser(serial);
      }
      return out;
    }
  }

  @Override
  public Optional<Coupon> findCouponByCode(String code) {
    Preconditions.requireId(code, "code");
    Slot slot = locate(code);
    if (slot == null || slot.holder < 0) {
      return Optional.empty();
    }
    UserState user = userAt(slot.holder);
    synchronized (user) {
      return slot.ledger.status(slot.serial) == null ? Optional.empty()
          : Optional.of(slot.ledger.coupon(slot.serial, user.id));
    }
  }

  @Override
  public Optional<Coupon> expireCoupon(Coupon coupon, Instant now) {
    Preconditions.requireArg(coupon, "coupon");
    Preconditions.requireArg(now, "now");
    Slot slot = locate(coupon.code());
    return slot == null || slot.holder < 0 ? Optional.empty() : expire(slot.ledger, slot.serial, slot.holder, now);
  }

  /** Expires a USABLE coupon due at {@code now}; waits for a coupon being published (a sweep candidate). */
  private Optional<Coupon> expire(TemplateLedger s, int serial, int holder, Instant now) {
    UserState user = userAt(holder);
    while (true) {
      synchronized (user) {
        CouponStatus status = s.status(serial);
        if (status != null) {
          if (status != CouponStatus.USABLE || now.isBefore(s.expiresAt(serial))) {
            return Optional.empty();
          }
          s.setStatus(serial, CouponStatus.EXPIRED, null);
          s.expired.incrementAndGet();
          return Optional.of(s.coupon(serial, user.id));
        }
      }
      Thread.yield();
    }
  }

  @Override
  public List<Coupon> expireDueCoupons(Instant now, int limit) {
    Preconditions.requireArg(now, "now");
    Preconditions.requireRange(limit, 1, Integer.MAX_VALUE, "limit");
    List<Coupon> out = new ArrayList<>();
    for (TemplateLedger s : templates.values()) {
      synchronized (s) {
        s.forgetKeys(now, ttlNanos, Integer.MAX_VALUE);
      }
    }
    for (TemplateLedger s : templates.values()) {
      while (out.size() < limit) {
        IntList due = new IntList();
        int[] holders;
        synchronized (s) { // candidates leave the index here; each is re-checked under its user's monitor
          s.drainDue(now, limit - out.size(), due);
          holders = new int[due.size()];
          for (int i = 0; i < holders.length; i++) {
            holders[i] = s.holder(due.get(i));
          }
        }
        if (due.size() == 0) {
          break;
        }
        for (int i = 0; i < holders.length; i++) {
          expire(s, due.get(i), holders[i], now).ifPresent(out::add);
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
    UserState user = user(cmd.userId());
    List<Slot> located = new ArrayList<>(cmd.codes().size());
    for (String code : cmd.codes()) {
      located.add(locate(code)); // before the user's monitor: a lookup takes the template's
    }
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
      List<Slot> targets = new ArrayList<>(cmd.codes().size());
      for (int i = 0; i < located.size(); i++) {
        String code = cmd.codes().get(i);
        Slot slot = located.get(i);
        if (slot == null || slot.holder < 0
            || (slot.holder == user.index && slot.ledger.status(slot.serial) == null)) {
          return RedemptionResult.refused(RedemptionOutcome.UNKNOWN_CODE, cmd.orderId(), null, code);
        }
        if (slot.holder != user.index) {
          return RedemptionResult.refused(RedemptionOutcome.NOT_OWNER, cmd.orderId(), null, code);
        }
        Coupon c = slot.ledger.coupon(slot.serial, user.id);
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
        targets.add(slot);
      }
      List<Coupon> reserved = new ArrayList<>(targets.size());
      for (Slot slot : targets) {
        slot.ledger.setStatus(slot.serial, CouponStatus.RESERVED, cmd.orderId());
        slot.ledger.reserved.incrementAndGet();
        reserved.add(slot.ledger.coupon(slot.serial, user.id)); // the sweep skips it: no longer USABLE
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
    return underOwner(orderId, (order, retrack) -> switch (order.status) {
      case COMMITTED -> RedemptionResult.success(RedemptionOutcome.COMMITTED, orderId, order.status,
          order.coupons(), true, order.savings);
      case RESERVED -> move(orderId, order, OrderStatus.COMMITTED, RedemptionOutcome.COMMITTED, now, retrack);
      case RELEASED -> order.allUsableBy(now)
          ? move(orderId, order, OrderStatus.COMMITTED, RedemptionOutcome.COMMITTED, now, retrack)
          : RedemptionResult.refused(RedemptionOutcome.ORDER_EXPIRED, orderId, order.status, null);
      case REVERTED -> RedemptionResult.refused(RedemptionOutcome.ORDER_CONFLICT, orderId, order.status, null);
    });
  }

  @Override
  public RedemptionResult release(String orderId, Instant now) {
    Preconditions.requireId(orderId, "orderId");
    Preconditions.requireArg(now, "now");
    return underOwner(orderId, (order, retrack) -> switch (order.status) {
      case RELEASED -> RedemptionResult.success(RedemptionOutcome.RELEASED, orderId, order.status,
          order.coupons(), true, order.savings);
      case RESERVED -> move(orderId, order, OrderStatus.RELEASED, RedemptionOutcome.RELEASED, now, retrack);
      case COMMITTED, REVERTED -> RedemptionResult.refused(RedemptionOutcome.ORDER_CONFLICT, orderId, order.status,
          null);
    });
  }

  @Override
  public RedemptionResult revert(String orderId, Instant now) {
    Preconditions.requireId(orderId, "orderId");
    Preconditions.requireArg(now, "now");
    return underOwner(orderId, (order, retrack) -> switch (order.status) {
      case REVERTED -> RedemptionResult.success(RedemptionOutcome.REVERTED, orderId, order.status,
          order.coupons(), true, order.savings);
      case COMMITTED -> move(orderId, order, OrderStatus.REVERTED, RedemptionOutcome.REVERTED, now, retrack);
      case RESERVED, RELEASED -> RedemptionResult.refused(RedemptionOutcome.NOT_COMMITTED, orderId, order.status,
          null);
    });
  }

  /**
   * Runs {@code step} on the order under its user's monitor; ORDER_NOT_FOUND when no order has this id. Coupons the
   * step made USABLE again become expiry candidates afterwards, under their templates' monitors (never taken while
   * a user's monitor is held; until then a sweep cannot see them, and it would find them not yet due or expire
   * them on its next run).
   */
  private RedemptionResult underOwner(String orderId, BiFunction<Order, List<Slot>, RedemptionResult> step) {
    Order peek = orders.get(orderId);
    if (peek == null) {
      return RedemptionResult.refused(RedemptionOutcome.ORDER_NOT_FOUND, orderId, null, null);
    }
    UserState user = users.get(peek.userId);
    List<Slot> retrack = new ArrayList<>(0);
    RedemptionResult result;
    synchronized (user) {
      result = step.apply(orders.get(orderId), retrack);
    }
    for (Slot slot : retrack) {
      synchronized (slot.ledger) {
        slot.ledger.track(slot.serial);
      }
    }
    return result;
  }

  /** Moves the order and its coupons to {@code target}; called under the user's monitor. */
  private RedemptionResult move(String orderId, Order order, OrderStatus target, RedemptionOutcome success,
      Instant now, List<Slot> retrack) {
    List<Coupon> changed = new ArrayList<>();
    for (Slot slot : order.slots) {
      Coupon c = slot.ledger.coupon(slot.serial, order.userId);
      Coupon next = switch (target) {
        case COMMITTED -> c.withStatus(CouponStatus.USED, orderId);
        case RELEASED -> c.withStatus(CouponStatus.USABLE, null);
        case REVERTED -> c.withStatus(now.isBefore(c.expiresAt()) ? CouponStatus.USABLE : CouponStatus.EXPIRED,
            null);
        case RESERVED -> throw new IllegalStateException("an order is never moved back to RESERVED");
      };
      slot.ledger.setStatus(slot.serial, next.status(), next.orderId());
      if (next.status() == CouponStatus.USABLE) {
        retrack.add(slot);
      }
      count(slot.ledger, c.status(), next.status(), order.savings.get(c.code()));
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

  private TemplateLedger requireTemplate(String templateId) {
    TemplateLedger s = templates.get(templateId);
    if (s == null) {
      throw CouponException.of(ErrorCode.TEMPLATE_NOT_FOUND, "template '%s' does not exist", templateId);
    }
    return s;
  }

  // ---- state holders -----------------------------------------------------------------------------------------

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

  /**
   * A user, interned: their index in the ledgers' arrays, and their coupons in claim order as a chain through those
   * arrays (first and last place; each coupon's next is in its ledger). The chain and the coupons' status are
   * guarded by this monitor.
   */
  private static final class UserState {
    final String id;
    final int index;
    long head;
    long tail;

    UserState(String id, int index) {
      this.id = id;
      this.index = index;
    }
  }

  private record Order(String userId, List<Slot> slots, Instant reservedUntil,
                       OrderStatus status, Map<String, BigDecimal> savings) {
    Order withStatus(OrderStatus s) {
      return new Order(userId, slots, reservedUntil, s, savings);
    }

    /** The order's codes (a coupon's code never changes). */
    Set<String> codes() {
      Set<String> out = new HashSet<>();
      for (Slot slot : slots) {
        out.add(slot.ledger.code(slot.serial));
      }
      return out;
    }

    /** Whether a late commit may re-take every coupon: each USABLE now (under the user's monitor). */
    boolean allUsableBy(Instant now) {
      for (Slot slot : slots) {
        if (slot.ledger.coupon(slot.serial, userId).statusAt(now) != CouponStatus.USABLE) {
          return false;
        }
      }
      return true;
    }

    List<Coupon> coupons() {
      List<Coupon> out = new ArrayList<>(slots.size());
      for (Slot slot : slots) {
        out.add(slot.ledger.coupon(slot.serial, userId));
      }
      return out;
    }
  }
}
