package io.couponengine;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.claim.GrantReport;
import io.couponengine.code.CodeFormat;
import io.couponengine.code.ImportReport;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.EventType;
import io.couponengine.internal.Preconditions;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CodeClaimCommand;
import io.couponengine.spi.CouponStore;
import io.couponengine.template.ClaimWindow;
import io.couponengine.template.CodeRules;
import io.couponengine.template.Distribution;
import io.couponengine.template.Template;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The ways coupons are handed out besides {@code claim}: code entry (shared codes and CODE_ENTRY templates),
 * import and export of external codes, and operator grants. The engine's facade delegates here; every decision that
 * must be atomic is one store call ({@link CouponStore#claimCode}, {@link CouponStore#importCodes},
 * {@link CouponStore#grant}).
 */
final class Distributions {
  /** Codes per {@link CouponStore#importCodes} call: large, since a networked store's cost is per call. */
  static final int IMPORT_BATCH = 50_000;
  /** Codes per exported batch. */
  static final int EXPORT_BATCH = 10_000;
  /** Users per {@link CouponStore#grant} call. */
  static final int GRANT_BATCH = 5_000;
  /** The longest grant id: its idempotency key {@code grant:<id>} must stay an id. */
  static final int MAX_GRANT_ID = 100;

  private final CouponStore store;
  private final Clock clock;
  private final EventBus events;
  private final Executor executor;
  private final int maxFailures;
  private final Duration failureWindow;
  /** The engine's cached template lookup for claims: null when unknown. */
  private final Function<String, Template> claimTemplate;
  /** The engine's passive expiry of a template past its claim window (before a claim, as {@code claim} does). */
  private final java.util.function.BiConsumer<Template, Instant> beforeClaim;
  private final BooleanSupplier closed;

  Distributions(CouponStore store, Clock clock, EventBus events, Executor executor, int maxFailures,
      Duration failureWindow, Function<String, Template> claimTemplate,
      java.util.function.BiConsumer<Template, Instant> beforeClaim, BooleanSupplier closed) {
    this.store = store;
    this.clock = clock;
    this.events = events;
    this.executor = executor;
    this.maxFailures = maxFailures;
    this.failureWindow = failureWindow;
    this.claimTemplate = claimTemplate;
    this.beforeClaim = beforeClaim;
    this.closed = closed;
  }

  /** The store command of one claim of {@code t} by {@code userId} at {@code now}. */
  static ClaimCommand command(Template t, String userId, String idempotencyKey, Instant now) {
    ClaimWindow window = t.spec().claimWindow();
    return new ClaimCommand(t.id(), userId, idempotencyKey, Ids.couponId(now.toEpochMilli()),
        t.spec().perUserLimit(), now, t.spec().validity().expiresAt(now), t.spec().validity().from(),
        window == null ? null : window.from(), window == null ? null : window.until());
  }

  /**
   * Whether {@code claim} hands out this template's codes: not when they are entered (CODE_ENTRY) or claimed with a
   * shared code.
   */
  static boolean claimable(Template t) {
    return t.spec().distribution() == Distribution.CLAIM && t.spec().sharedCode() == null;
  }

  // ---- code entry -----------------------------------------------------------------------------------------------

  /**
   * A claim by a typed code, reported to the engine's observers (the code's template, once known).
   *
   * @param userId the user
   * @param input what the user typed
   * @param idempotencyKey the caller's key
   * @return the claim's result
   * @throws CouponException INVALID_ARGUMENT, INVALID_CODE, STORE_UNAVAILABLE
   */
  ClaimResult claimByCode(String userId, String input, String idempotencyKey) {
    Observers observers = events.observers();
    if (!observers.active()) {
      return claimTyped(userId, typed(userId, input, idempotencyKey), idempotencyKey);
    }
    long start = System.nanoTime();
    Typed typed = null;
    ClaimResult result;
    try {
      typed = typed(userId, input, idempotencyKey);
      result = claimTyped(userId, typed, idempotencyKey);
    } catch (CouponException e) {
      observers.onClaimFailed(typed == null ? null : typed.templateId(), e.code(), System.nanoTime() - start);
      throw e;
    }
    observers.onClaim(typed.templateId(), result.outcome(), System.nanoTime() - start);
    return result;
  }

  /** A typed code as the store knows it, and the template issuing it (null when none does). */
  private record Typed(String code, String templateId) {}

  /** Checks the arguments and finds the template of the typed code. */
  private Typed typed(String userId, String input, String idempotencyKey) {
    Preconditions.requireId(userId, "userId");
    Preconditions.requireId(idempotencyKey, "idempotencyKey");
    if (input == null) {
      throw CouponException.invalidCode("null");
    }
    String typed = input.strip();
    String templateId;
    String code;
    if (CodeFormat.hasGeneratedShape(typed)) {
      code = CodeFormat.canonicalize(typed); // a typo in a generated code: INVALID_CODE, no store call
      templateId = CodeFormat.templateIdOf(code);
    } else {
      requirePlainCode(typed);
      String upper = typed.toUpperCase(Locale.ROOT); // shared codes and case-folded imports are stored upper-cased
      code = upper;
      templateId = StoreCalls.call("find code", () -> store.findTemplateIdByCode(upper)).orElse(null);
      if (templateId != null && !upper.equals(typed) && !foldsCase(claimTemplate.apply(templateId), upper)) {
        templateId = null; // "abc" typed, "ABC" found: a different code of a case-sensitive import
      }
      if (templateId == null && !upper.equals(typed)) {
        code = typed; // a case-sensitive import
        templateId = StoreCalls.call("find code", () -> store.findTemplateIdByCode(typed)).orElse(null);
      }
    }
    return new Typed(code, templateId);
  }

  private ClaimResult claimTyped(String userId, Typed typed, String idempotencyKey) {
    String code = typed.code();
    String templateId = typed.templateId();
    Template t = templateId == null ? null : claimTemplate.apply(templateId);
    Instant now = clock.instant();
    CodeClaimCommand entry;
    if (t == null) {
      entry = new CodeClaimCommand(userId, null, null, maxFailures, failureWindow, now);
    } else {
      beforeClaim.accept(t, now);
      ClaimCommand claim = command(t, userId, idempotencyKey, now);
      if (code.equals(t.spec().sharedCode())) {
        entry = new CodeClaimCommand(userId, claim, null, maxFailures, failureWindow, now);
      } else if (t.spec().distribution() == Distribution.CODE_ENTRY) {
        entry = new CodeClaimCommand(userId, claim, code, maxFailures, failureWindow, now);
      } else {
        // a code of a template whose codes are claimed, not entered: not an enterable code
        entry = new CodeClaimCommand(userId, null, null, maxFailures, failureWindow, now);
      }
    }
    CodeClaimCommand command = entry;
    ClaimResult result = StoreCalls.call("claim code", () -> store.claimCode(command));
    if (result.outcome() == ClaimOutcome.CLAIMED && events.hasListeners()) {
      events.publish(CouponEvent.ofCoupon(EventType.CLAIMED, now, result.couponOrNull()));
    }
    return result;
  }

  /** Whether the template matches {@code upper} whatever case it was typed in (shared code, folded imports). */
  private static boolean foldsCase(Template t, String upper) {
    return t == null || upper.equals(t.spec().sharedCode()) || t.spec().externalCodes() == null
        || t.spec().externalCodes().foldCase();
  }

  /** A typed code that is not a generated one: printable ASCII without spaces, at most 64 characters. */
  private static void requirePlainCode(String typed) {
    if (typed.isEmpty()) {
      throw CouponException.invalidCode("empty");
    }
    if (typed.length() > CodeRules.MAX_LENGTH) {
      throw CouponException.invalidCode("too long");
    }
    for (int i = 0; i < typed.length(); i++) {
      char c = typed.charAt(i);
      if (c < '!' || c > '~') {
        throw CouponException.invalidCode("character U+" + String.format("%04X", (int) c) + " cannot be in a code");
      }
    }
  }

  // ---- import and export ----------------------------------------------------------------------------------------

  ImportReport importCodes(Template t, Iterable<String> codes) {
    CodeRules rules = t.spec().externalCodes();
    if (rules == null) {
      throw CouponException.invalidField("templateId", "template '%s' generates its codes; only a template built "
          + "with externalCodes(...) imports codes", t.id());
    }
    Fingerprints seen = new Fingerprints();
    Set<String> fresh = new java.util.LinkedHashSet<>(); // input order: exports list codes as they came
    List<String> again = new ArrayList<>();
    long read = 0;
    long duplicates = 0;
    long invalid = 0;
    List<String> reasons = new ArrayList<>();
    try (ImportRun run = new ImportRun(t.id())) {
      for (String raw : codes) {
        read++;
        String problem = rules.problem(raw);
        if (problem != null) {
          invalid++;
          if (reasons.size() < ImportReport.MAX_REASONS) {
            reasons.add("#" + read + ": " + problem);
          }
          continue;
        }
        String code = rules.canonical(raw);
        if (fresh.contains(code)) {
          duplicates++;
          continue;
        }
        // a code whose fingerprint this import met before is most likely a repeat; it is still sent to the store
        // (apart from the rest), so a fingerprint collision can only shift a count, never drop a code
        if (seen.add(fingerprint(code))) {
          fresh.add(code);
        } else {
          again.add(code);
        }
        if (fresh.size() + again.size() >= IMPORT_BATCH) {
          duplicates += run.send(fresh, again, read);
        }
      }
      duplicates += run.send(fresh, again, read);
      run.await();
      return new ImportReport(t.id(), read, run.imported, duplicates + run.repeats, run.present, invalid, reasons);
    }
  }

  /**
   * The store side of one import: batches go to the store on a thread of their own, one at a time, while the caller
   * reads and checks the next batch, so reading and storing overlap. The counters are written by that thread and
   * read after {@link #await()}.
   */
  private final class ImportRun implements AutoCloseable {
    private final String templateId;
    private final java.util.concurrent.ExecutorService sender = java.util.concurrent.Executors.newSingleThreadExecutor(
        r -> {
          Thread th = new Thread(r, "coupon-import");
          th.setDaemon(true);
          return th;
        });
    private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
    long imported;
    long present;
    long repeats;

    ImportRun(String templateId) {
      this.templateId = templateId;
    }

    /** Hands the batch to the sender (after the one before it finished) and clears it; repeats found now. */
    long send(Set<String> fresh, List<String> again, long read) {
      if (fresh.isEmpty() && again.isEmpty()) {
        return 0;
      }
      List<String> first = new ArrayList<>(fresh);
      List<String> second = List.copyOf(new java.util.LinkedHashSet<>(again));
      long repeatedInBatch = again.size() - second.size();
      fresh.clear();
      again.clear();
      await();
      inFlight = CompletableFuture.runAsync(() -> {
        if (!first.isEmpty()) {
          long added = StoreCalls.call("import codes", () -> store.importCodes(templateId, first));
          imported += added;
          present += first.size() - added;
        }
        if (!second.isEmpty()) {
          long added = StoreCalls.call("import codes", () -> store.importCodes(templateId, second));
          imported += added;
          repeats += second.size() - added;
        }
        events.publish(CouponEvent.ofTemplate(EventType.CODES_IMPORTED, clock.instant(), templateId,
            Map.of("imported", Long.toString(imported), "read", Long.toString(read))));
      }, sender);
      return repeatedInBatch;
    }

    /** Waits for the batch in flight; its failure is the import's. */
    void await() {
      try {
        inFlight.join();
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw e;
      }
    }

    @Override
    public void close() {
      sender.shutdown();
    }
  }

  /** A 64-bit fingerprint of a code (FNV-1a, then a final mix so nearby codes spread over the table). */
  static long fingerprint(String code) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < code.length(); i++) {
      h ^= code.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  long exportCodes(String templateId, Writer out) throws IOException {
    long[] written = new long[1];
    IOException[] failed = new IOException[1];
    StringBuilder sb = new StringBuilder(64 * 1024);
    try {
      StoreCalls.call("scan pool", () -> {
        store.scanPool(templateId, EXPORT_BATCH, batch -> {
          sb.setLength(0);
          for (String code : batch) {
            csvField(sb, code).append('\n');
          }
          try {
            out.write(sb.toString());
          } catch (IOException e) {
            failed[0] = e;
            throw new UncheckedIOException(e); // stops the store's scan
          }
          written[0] += batch.size();
        });
        return null;
      });
    } catch (RuntimeException e) {
      if (failed[0] != null) {
        throw failed[0]; // the caller's writer failed, not the store
      }
      throw e;
    }
    out.flush();
    return written[0];
  }

  /** A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
  private static StringBuilder csvField(StringBuilder sb, String value) {
    if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
      return sb.append(value);
    }
    return sb.append('"').append(value.replace("\"", "\"\"")).append('"');
  }

  // ---- grants ---------------------------------------------------------------------------------------------------

  CompletableFuture<GrantReport> grant(Template t, String grantId, Iterable<String> userIds) {
    if (t.spec().distribution() == Distribution.CODE_ENTRY) {
      throw CouponException.invalidField("templateId", "template '%s' binds its codes to whoever enters one; "
          + "a grant hands out codes of a CLAIM template", t.id());
    }
    CompletableFuture<GrantReport> future = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        try {
          future.complete(runGrant(t, grantId, userIds));
        } catch (RuntimeException | Error e) {
          future.completeExceptionally(e instanceof CouponException ? e
              : CouponException.withCause(ErrorCode.INTERNAL, "grant '" + grantId + "' failed: " + e, e));
        }
      });
    } catch (RuntimeException e) {
      future.completeExceptionally(CouponException.withCause(ErrorCode.ENGINE_CLOSED,
          "grant '" + grantId + "' could not start: " + e, e));
    }
    return future;
  }

  private GrantReport runGrant(Template t, String grantId, Iterable<String> userIds) {
    String key = "grant:" + grantId;
    EnumMap<ClaimOutcome, Long> counts = new EnumMap<>(ClaimOutcome.class);
    long processed = 0;
    long invalid = 0;
    List<ClaimCommand> batch = new ArrayList<>(GRANT_BATCH);
    for (String userId : userIds) {
      processed++;
      if (!Preconditions.isId(userId)) {
        invalid++;
        continue;
      }
      batch.add(command(t, userId, key, clock.instant()));
      if (batch.size() == GRANT_BATCH) {
        grantBatch(t, grantId, batch, counts, processed);
      }
    }
    grantBatch(t, grantId, batch, counts, processed);
    return new GrantReport(t.id(), grantId, processed, counts.getOrDefault(ClaimOutcome.CLAIMED, 0L),
        counts.getOrDefault(ClaimOutcome.DUPLICATE, 0L), counts.getOrDefault(ClaimOutcome.LIMIT_REACHED, 0L),
        counts.getOrDefault(ClaimOutcome.SOLD_OUT, 0L), invalid, counts);
  }

  private void grantBatch(Template t, String grantId, List<ClaimCommand> batch, Map<ClaimOutcome, Long> counts,
      long processed) {
    if (batch.isEmpty()) {
      return;
    }
    if (closed.getAsBoolean()) {
      throw CouponException.of(ErrorCode.ENGINE_CLOSED, "the engine closed during grant '%s'; run it again to "
          + "finish (users already served are not granted twice)", grantId);
    }
    List<ClaimResult> results = StoreCalls.call("grant", () -> store.grant(batch));
    long[] inBatch = new long[ClaimOutcome.values().length];
    for (ClaimResult r : results) {
      inBatch[r.outcome().ordinal()]++;
      counts.merge(r.outcome(), 1L, Long::sum);
      if (r.outcome() == ClaimOutcome.CLAIMED && events.hasListeners()) {
        events.publish(CouponEvent.ofCoupon(EventType.CLAIMED, r.couponOrNull().claimedAt(), r.couponOrNull()));
      }
    }
    batch.clear();
    for (ClaimOutcome o : ClaimOutcome.values()) {
      if (inBatch[o.ordinal()] > 0) {
        events.observers().onGrant(t.id(), o, inBatch[o.ordinal()]);
      }
    }
    events.publish(CouponEvent.ofTemplate(EventType.GRANT_PROGRESS, clock.instant(), t.id(), Map.of(
        "grantId", grantId, "processed", Long.toString(processed),
        "granted", Long.toString(counts.getOrDefault(ClaimOutcome.CLAIMED, 0L)))));
  }

  /**
   * A set of 64-bit fingerprints in an open-addressing table: 8 bytes a code, so a 5-million-code import remembers
   * what it has seen in about 64 MB instead of holding the codes.
   */
  static final class Fingerprints {
    private long[] table = new long[1 << 16];
    private int size;
    private boolean hasZero;

    /** Adds {@code fp}; false when it was there already. */
    boolean add(long fp) {
      if (fp == 0) {
        boolean was = hasZero;
        hasZero = true;
        return !was;
      }
      if (size * 2 >= table.length) {
        grow();
      }
      int mask = table.length - 1;
      for (int i = (int) fp & mask; ; i = (i + 1) & mask) {
        if (table[i] == fp) {
          return false;
        }
        if (table[i] == 0) {
          table[i] = fp;
          size++;
          return true;
        }
      }
    }

    private void grow() {
      long[] old = table;
      table = new long[old.length * 2];
      int mask = table.length - 1;
      for (long fp : old) {
        if (fp != 0) {
          int i = (int) fp & mask;
          while (table[i] != 0) {
            i = (i + 1) & mask;
          }
          table[i] = fp;
        }
      }
    }
  }
}
