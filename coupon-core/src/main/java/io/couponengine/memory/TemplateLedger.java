package io.couponengine.memory;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.internal.CouponIds;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.template.Distribution;
import io.couponengine.template.Template;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One template's codes and claims, kept in arrays indexed by the code's serial number (its place in the template's
 * pool, in load order), so a claim writes a few primitives instead of creating objects that live as long as the
 * coupon.
 *
 * <p>Per serial: the code (loaded with the pool, never cleared); once claimed, the coupon id's random bits (the
 * engine's ids are {@link CouponIds}: milliseconds of the claim + 64 bits), the claim and expiry instants as
 * nanoseconds, the holder's interned user index, the status, the next coupon of the same user, the idempotency key's
 * place in a {@link KeyArena} and the order holding it. A {@link Coupon} is built only when one is read. Rare values
 * that do not fit (an id not in the engine's format, an instant beyond the years 1677–2262, a start of validity) go
 * to side maps. The claim arrays come in chunks allocated at the first claim that lands in them.
 *
 * <p>Locking: the ledger's monitor guards the pool, the code index, the per-user counts, the idempotency index, the
 * key log, the expiry buckets and the claim decision (a serial's user, times, id and key are written under it once,
 * before the coupon is published). A coupon's mutable part (status, order, next-of-user link) is read and written
 * under its user's monitor. A thread never takes a user's monitor while it holds a ledger's (the store's rule), so
 * the two can nest only user → ledger.
 */
final class TemplateLedger {
  /** Status byte of a serial decided but not yet in its user's list; otherwise {@code CouponStatus.ordinal() + 1}. */
  static final byte UNPUBLISHED = 0;
  /** Stands for an instant or a time in nanoseconds that does not fit in a long of nanoseconds. */
  static final long ODD = Long.MIN_VALUE;
  private static final long NANOS = 1_000_000_000L;
  private static final long MAX_SECONDS = Long.MAX_VALUE / NANOS - 1;
  private static final CouponStatus[] STATUSES = CouponStatus.values();
  /** Key positions carry this bit when the key is in {@link #keptKeys} (grants: never forgotten). */
  private static final long KEPT = 1L << 62;
  private static final int TOMBSTONE = -1;

  volatile Template template;
  /** The template's index in the store (user lists refer to a coupon as index and serial). */
  final int index;
  final String id;
  /** CODE_ENTRY: codes are bound where they are entered, not handed out in pool order. */
  final boolean entry;

  /** Code by serial; never cleared. Grown under the monitor, read by readers holding a user's monitor too. */
  private volatile String[] codes = new String[16];
  int loaded;
  /** Pool templates: the next serial to hand out. */
  int next;
  /** CODE_ENTRY templates: serials bound so far. */
  int bound;
  /** The code-permutation key, set once. */
  String codeKey;
  /** Claims, ever (under this monitor); the other figures move under the coupons' users' monitors. */
  long issued;
  final AtomicLong reserved = new AtomicLong();
  final AtomicLong used = new AtomicLong();
  final AtomicLong expired = new AtomicLong();
  final AtomicReference<BigDecimal> discountGiven = new AtomicReference<>(BigDecimal.ZERO);

  /** code → serial + 1, open addressing; filled as codes are loaded, so a claim never touches it. */
  private int[] codeSlots = new int[32];

  private final int shift;
  private final int mask;
  private volatile Chunk[] chunks = new Chunk[1];

  /** user index → claims of this template (the per-user limit counts claims). */
  private final IntIntMap counts = new IntIntMap(16);

  /** (user, key) → serial + 1, open addressing, tombstones where keys were forgotten. */
  private int[] keySlots = new int[32];
  private int keysLive;
  private int keysDead;
  private final KeyArena ttlKeys = new KeyArena();
  private final KeyArena keptKeys = new KeyArena();
  /** Serials whose key expires, in claim order: the TTL forgets from the head without a scan. */
  private final IntQueue keyLog = new IntQueue();

  /** USABLE coupons by the minute they expire in (candidates: a sweep re-checks each under its user's monitor). */
  private final TreeMap<Long, IntList> expiry = new TreeMap<>();
  private long lastMinute;
  private IntList lastBucket;

  /** Serial → a value that has no place in the arrays: an id's text, or {claimedAt, expiresAt} instants. */
  private final Map<Integer, String> oddIds = new ConcurrentHashMap<>();
  private final Map<Integer, Instant[]> oddTimes = new ConcurrentHashMap<>();

  TemplateLedger(Template template, int index) {
    this.template = template;
    this.index = index;
    this.id = template.id();
    this.entry = template.spec().distribution() == Distribution.CODE_ENTRY;
    // small templates get small chunks; large ones 4,096 serials a chunk (about 200 KB once claims land in it)
    long total = Math.max(1, template.totalCount());
    this.shift = Math.max(4, Math.min(12, 64 - Long.numberOfLeadingZeros(total - 1)));
    this.mask = (1 << shift) - 1;
  }

  /** The claim arrays of a chunk of serials. */
  private static final class Chunk {
    final long[] idBits;
    final long[] claimedAt;
    final long[] expiresAt;
    /** Key position + 1 (0: no key, or forgotten). */
    final long[] keyPos;
    /** The user's next coupon as {@code (templateIndex << 32 | serial) + 1}; 0 at the end. Under the user's monitor. */
    final long[] nextOfUser;
    /** Holder's user index + 1; 0 while the serial is free. */
    final int[] user;
    /** Under the user's monitor, see {@link #UNPUBLISHED}. */
    final byte[] status;
    /**
     * The order holding or having used the coupon, under the user's monitor; the array comes with the chunk's first
     * reservation, under the ledger's monitor (users of one chunk reserve at once).
     */
    volatile String[] orderId;
    /** Allocated at the first claim with a start of validity (written once per serial, under the ledger). */
    Instant[] validFrom;

    Chunk(int size) {
      idBits = new long[size];
      claimedAt = new long[size];
      expiresAt = new long[size];
      keyPos = new long[size];
      nextOfUser = new long[size];
      user = new int[size];
      status = new byte[size];
    }
  }

  // ---- time ----------------------------------------------------------------------------------------------------

  /** Nanoseconds since the epoch, or {@link #ODD} outside about 1677–2262. */
  static long nanos(Instant t) {
    long s = t.getEpochSecond();
    return s < -MAX_SECONDS || s > MAX_SECONDS ? ODD : s * NANOS + t.getNano();
  }

  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS), Math.floorMod(nanos, NANOS));
  }

  // ---- codes (under the monitor) -------------------------------------------------------------------------------

  /** Appends codes to the pool and the code index. */
  void add(List<String> batch) {
    String[] c = codes;
    int needed = loaded + batch.size();
    // generation appends batch after batch up to the template's total: size for it at once (no copies), up to
    // 4 M codes (48 MB of pool and index); past that, double
    long upFront = Math.min(template.totalCount(), 1 << 22);
    int target = needed <= upFront ? (int) upFront : Math.max(needed, c.length * 2);
    if (needed > c.length) {
      c = Arrays.copyOf(c, target);
    }
    if (needed * 2L > codeSlots.length) {
      codes = c;
      rehashCodes(Integer.highestOneBit(Math.max(needed, target) * 4 - 1));
    }
    for (String code : batch) {
      c[loaded] = code;
      insertCode(code, loaded);
      loaded++;
    }
    codes = c;
  }

  private void rehashCodes(int capacity) {
    codeSlots = new int[Math.max(32, capacity)];
    String[] c = codes;
    for (int s = 0; s < loaded; s++) {
      insertCode(c[s], s);
    }
  }

  private void insertCode(String code, int serial) {
    int m = codeSlots.length - 1;
    int i = IntIntMap.mix(code.hashCode()) & m;
    while (codeSlots[i] != 0) {
      i = (i + 1) & m;
    }
    codeSlots[i] = serial + 1;
  }

  /** The serial of {@code code} in this pool, or -1. */
  int serialOf(String code) {
    String[] c = codes;
    int m = codeSlots.length - 1;
    for (int i = IntIntMap.mix(code.hashCode()) & m; ; i = (i + 1) & m) {
      int e = codeSlots[i];
      if (e == 0) {
        return -1;
      }
      if (c[e - 1].equals(code)) {
        return e - 1;
      }
    }
  }

  /** The code of a serial (any thread: codes never change once loaded). */
  String code(int serial) {
    return codes[serial];
  }

  /** Codes in the pool now. */
  long remaining() {
    return entry ? loaded - bound : loaded - next;
  }

  /** The codes not yet claimed, in load order. */
  String[] unclaimed() {
    if (!entry) {
      return Arrays.copyOfRange(codes, next, loaded);
    }
    String[] out = new String[loaded - bound];
    int n = 0;
    for (int s = 0; s < loaded && n < out.length; s++) {
      if (holder(s) < 0) {
        out[n++] = codes[s];
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  // ---- claims (under the monitor) ------------------------------------------------------------------------------

  /** Claims of this template by the user. */
  int held(int user) {
    return counts.get(user);
  }

  /** The user index holding {@code serial}, or -1 while it is free (under the monitor or the holder's). */
  int holder(int serial) {
    Chunk[] ks = chunks;
    Chunk k = serial >>> shift < ks.length ? ks[serial >>> shift] : null;
    return k == null ? -1 : k.user[serial & mask] - 1;
  }

  /** The serial the user claimed with {@code key}, or -1. */
  int keyed(int user, String key) {
    int m = keySlots.length - 1;
    for (int i = keyHash(user, key.hashCode()) & m; ; i = (i + 1) & m) {
      int e = keySlots[i];
      if (e == 0) {
        return -1;
      }
      if (e > 0) {
        Chunk k = chunks[(e - 1) >>> shift];
        int o = (e - 1) & mask;
        if (k.user[o] == user + 1 && keyEquals(k.keyPos[o] - 1, key)) {
          return e - 1;
        }
      }
    }
  }

  private boolean keyEquals(long pos, String key) {
    return (pos & KEPT) != 0 ? keptKeys.equalsAt(pos & ~KEPT, key) : ttlKeys.equalsAt(pos, key);
  }

  private int keyHashAt(long pos) {
    return (pos & KEPT) != 0 ? keptKeys.hashAt(pos & ~KEPT) : ttlKeys.hashAt(pos);
  }

  private static int keyHash(int user, int keyHashCode) {
    return IntIntMap.mix(keyHashCode ^ (user * 0x61C88647));
  }

  /**
   * Records the claim of {@code serial} by {@code user}: the coupon's fields, the count, the key, the expiry
   * candidate. The coupon stays {@link #UNPUBLISHED} until the store has put it in the user's list.
   */
  void record(int serial, ClaimCommand c, int user, boolean keepKey) {
    Chunk[] ks = chunks;
    int ci = serial >>> shift;
    if (ci >= ks.length) {
      ks = Arrays.copyOf(ks, Math.max(ci + 1, ks.length * 2));
      chunks = ks;
    }
    Chunk k = ks[ci];
    if (k == null) {
      k = new Chunk(1 << shift);
      ks[ci] = k;
    }
    int o = serial & mask;
    long claimed = nanos(c.claimedAt());
    long expires = nanos(c.expiresAt());
    if (claimed == ODD || expires == ODD) {
      oddTimes.put(serial, new Instant[] {c.claimedAt(), c.expiresAt()});
      claimed = ODD;
      expires = ODD;
    }
    if (claimed != ODD && CouponIds.isFormatted(c.couponId(), Math.floorDiv(claimed, 1_000_000L))) {
      k.idBits[o] = CouponIds.randomBits(c.couponId());
    } else {
      oddIds.put(serial, c.couponId());
    }
    k.claimedAt[o] = claimed;
    k.expiresAt[o] = expires;
    if (c.validFrom() != null) {
      if (k.validFrom == null) {
        k.validFrom = new Instant[1 << shift];
      }
      k.validFrom[o] = c.validFrom();
    }
    k.user[o] = user + 1;
    counts.add(user, 1);
    long pos;
    if (keepKey) {
      pos = keptKeys.append(c.idempotencyKey()) | KEPT;
    } else {
      pos = ttlKeys.append(c.idempotencyKey());
      keyLog.add(serial);
    }
    k.keyPos[o] = pos + 1;
    insertKey(serial, keyHash(user, c.idempotencyKey().hashCode()));
    if (entry) {
      bound++;
    }
    issued++;
    track(serial, expires == ODD ? Math.floorDiv(c.expiresAt().getEpochSecond(), 60)
        : Math.floorDiv(expires, 60 * NANOS));
  }

  private void insertKey(int serial, int hash) {
    if ((keysLive + keysDead + 1) * 4L > keySlots.length * 3L) { // linear probing up to 3/4 full
      rehashKeys();
    }
    int m = keySlots.length - 1;
    int i = hash & m;
    while (keySlots[i] > 0) {
      i = (i + 1) & m;
    }
    if (keySlots[i] == TOMBSTONE) {
      keysDead--;
    }
    keySlots[i] = serial + 1;
    keysLive++;
  }

  private void rehashKeys() {
    int[] old = keySlots;
    // twice the live keys (rounded up to a power of two): tombstones go, and the table stays 3/8 to 3/4 full
    keySlots = new int[Math.max(32, Integer.highestOneBit(Math.max(1, keysLive) * 4 - 1))];
    keysDead = 0;
    int m = keySlots.length - 1;
    for (int e : old) {
      if (e > 0) {
        int i = slotHash(e - 1) & m;
        while (keySlots[i] != 0) {
          i = (i + 1) & m;
        }
        keySlots[i] = e;
      }
    }
  }

  private int slotHash(int serial) {
    Chunk k = chunks[serial >>> shift];
    int o = serial & mask;
    return keyHash(k.user[o] - 1, keyHashAt(k.keyPos[o] - 1));
  }

  /**
   * Forgets up to {@code max} keys (oldest first) of claims made at or before {@code now - ttl}. Compares
   * nanoseconds, so a claim forgets without creating an instant.
   *
   * @return how many were forgotten
   */
  int forgetKeys(Instant now, long ttlNanos, int max) {
    long nowNanos = nanos(now);
    long cut = nowNanos == ODD || nowNanos - ttlNanos > nowNanos ? ODD : nowNanos - ttlNanos;
    int n = 0;
    while (n < max && !keyLog.isEmpty()) {
      int serial = keyLog.peek();
      Chunk k = chunks[serial >>> shift];
      int o = serial & mask;
      long claimed = k.claimedAt[o];
      boolean after = claimed != ODD && cut != ODD ? claimed > cut
          : claimedAt(k, serial).isAfter(now.minusNanos(ttlNanos));
      if (after) {
        break;
      }
      keyLog.remove();
      long pos = k.keyPos[o] - 1;
      int m = keySlots.length - 1;
      for (int i = slotHash(serial) & m; ; i = (i + 1) & m) {
        if (keySlots[i] == serial + 1) {
          keySlots[i] = TOMBSTONE;
          keysLive--;
          keysDead++;
          break;
        }
      }
      k.keyPos[o] = 0;
      ttlKeys.freeBefore(pos);
      n++;
    }
    return n;
  }

  /** Keys that expire and are still remembered. */
  int rememberedKeys() {
    return keyLog.size();
  }

  /** Bytes the expiring keys hold (for tests of the bound). */
  long retainedKeyBytes() {
    return ttlKeys.retainedBytes();
  }

  // ---- expiry candidates (under the monitor) -------------------------------------------------------------------

  /** Adds {@code serial} to the candidates of its expiry minute (again after a release: duplicates are harmless). */
  void track(int serial) {
    Chunk k = chunks[serial >>> shift];
    long expires = k.expiresAt[serial & mask];
    track(serial, expires == ODD ? Math.floorDiv(oddTimes.get(serial)[1].getEpochSecond(), 60)
        : Math.floorDiv(expires, 60 * NANOS));
  }

  private void track(int serial, long minute) {
    IntList bucket = lastBucket;
    if (bucket == null || lastMinute != minute) {
      bucket = expiry.computeIfAbsent(minute, m -> new IntList());
      lastBucket = bucket;
      lastMinute = minute;
    }
    bucket.add(serial);
  }

  /**
   * Takes up to {@code max} candidates due at {@code now} (expiry at or before it) out of the buckets into
   * {@code out}; the store re-checks each under its user's monitor.
   */
  void drainDue(Instant now, int max, IntList out) {
    long nowMinute = Math.floorDiv(now.getEpochSecond(), 60);
    long nowNanos = nanos(now);
    Iterator<Map.Entry<Long, IntList>> it = expiry.headMap(nowMinute, true).entrySet().iterator();
    while (it.hasNext() && out.size() < max) {
      IntList bucket = it.next().getValue();
      bucket.retain(serial -> {
        if (out.size() < max && due(serial, now, nowNanos)) {
          out.add(serial);
          return false;
        }
        return true;
      });
      if (bucket.size() == 0) {
        it.remove();
        if (bucket == lastBucket) {
          lastBucket = null;
        }
      }
    }
  }

  /** Whether the coupon of {@code serial} expires at or before {@code now} (its expiry never changes). */
  boolean due(int serial, Instant now, long nowNanos) {
    long expires = chunks[serial >>> shift].expiresAt[serial & mask];
    return expires != ODD && nowNanos != ODD ? expires <= nowNanos : !now.isBefore(expiresAt(serial));
  }

  // ---- a claimed coupon (under its user's monitor) -------------------------------------------------------------

  /** The stored status, or null while unpublished. */
  CouponStatus status(int serial) {
    byte b = chunks[serial >>> shift].status[serial & mask];
    return b == UNPUBLISHED ? null : STATUSES[b - 1];
  }

  void setStatus(int serial, CouponStatus status, String orderId) {
    Chunk k = chunks[serial >>> shift];
    k.status[serial & mask] = (byte) (status.ordinal() + 1);
    String[] orders = k.orderId;
    if (orders == null && orderId != null) {
      synchronized (this) { // user → ledger is the allowed nesting
        orders = k.orderId;
        if (orders == null) {
          orders = new String[1 << shift];
          k.orderId = orders;
        }
      }
    }
    if (orders != null) {
      orders[serial & mask] = orderId;
    }
  }

  long nextOfUser(int serial) {
    return chunks[serial >>> shift].nextOfUser[serial & mask];
  }

  void setNextOfUser(int serial, long ref) {
    chunks[serial >>> shift].nextOfUser[serial & mask] = ref;
  }

  Instant expiresAt(int serial) {
    long e = chunks[serial >>> shift].expiresAt[serial & mask];
    return e == ODD ? oddTimes.get(serial)[1] : instant(e);
  }

  private Instant claimedAt(Chunk k, int serial) {
    long c = k.claimedAt[serial & mask];
    return c == ODD ? oddTimes.get(serial)[0] : instant(c);
  }

  /** The coupon of a published serial, built now. */
  Coupon coupon(int serial, String userId) {
    Chunk k = chunks[serial >>> shift];
    int o = serial & mask;
    long claimed = k.claimedAt[o];
    Instant claimedAt = claimedAt(k, serial);
    String couponId = claimed == ODD || oddIds.containsKey(serial) ? oddIds.get(serial)
        : CouponIds.format(Math.floorDiv(claimed, 1_000_000L), k.idBits[o]);
    return new Coupon(couponId, codes[serial], id, userId, claimedAt, expiresAt(serial),
        STATUSES[k.status[o] - 1], k.orderId == null ? null : k.orderId[o],
        k.validFrom == null ? null : k.validFrom[o]);
  }
}
