package io.couponengine;

import static io.couponengine.internal.Preconditions.requireArg;
import static io.couponengine.internal.Preconditions.requireId;
import static io.couponengine.internal.Preconditions.requireRange;
import static io.couponengine.internal.Preconditions.requireUnset;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.claim.GrantReport;
import io.couponengine.code.CodeFormat;
import io.couponengine.code.ImportReport;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.error.Violation;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.CouponEventListener;
import io.couponengine.event.EngineObserver;
import io.couponengine.event.EventType;
import io.couponengine.internal.Preconditions;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.settlement.BestCombination;
import io.couponengine.settlement.BestCombinationResult;
import io.couponengine.settlement.Cart;
import io.couponengine.settlement.ExecutorRegistry;
import io.couponengine.settlement.PricedReservation;
import io.couponengine.settlement.RejectionReason;
import io.couponengine.settlement.SettlementCalculator;
import io.couponengine.settlement.SettlementExecutor;
import io.couponengine.settlement.SettlementPolicy;
import io.couponengine.settlement.SettlementResult;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CouponStore;
import io.couponengine.template.ClaimWindow;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStats;
import io.couponengine.template.TemplateStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ObjLongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coupon engine: create templates, generate their codes, claim coupons, list them, expire them and redeem them.
 * This is the only class most applications touch.
 *
 * <pre>{@code
 * CouponEngine engine = CouponEngine.builder().build();   // in-memory store
 * Template t = engine.createTemplate(spec);               // status CREATING; codes are generated in the background
 * engine.generation(t.id()).join();                       // status AVAILABLE
 * ClaimResult r = engine.claim(new ClaimRequest("user-1", t.id(), "request-1"));
 * List<Coupon> usable = engine.coupons("user-1", CouponStatus.USABLE);
 * engine.close();
 * }</pre>
 *
 * <p>Every public method validates its arguments and throws only {@link CouponException}; expected refusals are typed
 * results ({@link ClaimResult}, {@link RedemptionResult}). Store failures surface as
 * {@link ErrorCode#STORE_UNAVAILABLE}. Reads apply expiry passively: a coupon or template past its validity is shown,
 * and persisted, as EXPIRED even before the active sweep ({@link #expireDue()}) reaches it.
 *
 * <p>An engine is thread-safe. Several engines (in one process or many) may share one store; every decision that
 * must be atomic (a claim, a reservation) is one store operation.
 */
public final class CouponEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CouponEngine.class);
  /** Longest accepted user id, order id, template id or idempotency key. */
  public static final int MAX_ID_LENGTH = Preconditions.MAX_ID_LENGTH;
  /** Most codes in one reservation. */
  public static final int MAX_CODES_PER_ORDER = 100;
  private static final int TEMPLATE_ID_ATTEMPTS = 16;
  private static final int CLOSE_WAIT_SECONDS = 10;

  private final EngineConfig config;
  private final CouponStore store;
  private final Clock clock;
  private final ExecutorService ownExecutor;
  private final ScheduledExecutorService scheduler;
  private final EventBus events;
  private final Observers observers;
  private final Generations generations;
  private final Expiry expiry;
  private final Checkout checkout;
  private final Distributions distributions;
  /** Template specs never change, so claims may reuse a template read once (its status is checked by the store). */
  private final Map<String, Template> claimTemplates = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private CouponEngine(EngineConfig config) {
    this.config = config;
    this.store = config.store();
    this.clock = config.clock();
    this.observers = new Observers(config.observers());
    this.events = new EventBus(config.listeners(), observers);
    Executor executor;
    if (config.executor() == null) {
      this.ownExecutor = Executors.newFixedThreadPool(2, daemonThreads("coupon-generation"));
      executor = ownExecutor;
    } else {
      this.ownExecutor = null;
      executor = config.executor();
    }
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("coupon-scheduler"));
    this.generations = new Generations(store, clock, events, executor, scheduler, config.generationBatchSize());
    this.expiry = new Expiry(store, clock, events, config.sweepBatchSize(), claimTemplates::remove);
    this.checkout = new Checkout(store, clock, events, config.reservationTimeout(),
        new SettlementCalculator(config.settlementPolicy(),
            ExecutorRegistry.builder().registerAll(config.settlementExecutors()).build()));
    this.distributions = new Distributions(store, clock, events, executor, config.codeEntryMaxFailures(),
        config.codeEntryWindow(), this::claimTemplate, (t, now) -> {
          if (t.isPastClaimWindow(now)) {
            expiry.passiveExpire(t, now);
          }
        }, closed::get);
    if (config.expirySweepInterval() != null) {
      long ms = config.expirySweepInterval().toMillis();
      scheduler.scheduleWithFixedDelay(expiry::sweep, ms, ms, TimeUnit.MILLISECONDS);
    }
    observers.onEngineStarted(store);
  }

  /**
   * Starts a builder. With nothing set, the engine uses an {@link InMemoryCouponStore}, the system UTC clock, a
   * two-thread daemon pool for code generation, no scheduled sweep and a 30-minute reservation timeout.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The configuration this engine was built with.
   *
   * @return the immutable config
   */
  public EngineConfig config() {
    return config;
  }

  // ---- templates ---------------------------------------------------------------------------------------------

  /**
   * Validates and stores a template, then starts generating its codes on the generation executor.
   *
   * @param spec the operator's specification
   * @return the stored template, in status {@link TemplateStatus#CREATING}
   * @throws CouponException INVALID_ARGUMENT for a null spec, INVALID_TEMPLATE when a fixed window has already
   *     ended, STORE_UNAVAILABLE, ENGINE_CLOSED
   */
  public Template createTemplate(TemplateSpec spec) {
    ensureOpen();
    if (spec == null) {
      throw CouponException.invalidField("spec", "must not be null");
    }
    Instant now = clock.instant();
    Instant until = spec.validity().claimableUntil();
    if (until != null && !until.isAfter(now)) {
      throw CouponException.invalidTemplate(List.of(new Violation("validity.to", "must be in the future")));
    }
    Template template = null;
    for (int attempt = 0; attempt < TEMPLATE_ID_ATTEMPTS && template == null; attempt++) {
      Template candidate = new Template(Ids.templateId(), spec, TemplateStatus.CREATING, now, null);
      if (StoreCalls.call("create template", () -> store.insertTemplate(candidate))) {
        template = candidate;
      }
    }
    if (template == null) {
      throw CouponException.of(ErrorCode.CONFLICT, "no free template id after %d attempts", TEMPLATE_ID_ATTEMPTS);
    }
    events.publish(CouponEvent.ofTemplate(EventType.TEMPLATE_CREATED, now, template.id(), Map.of()));
    generations.start(template);
    return template;
  }

  /**
   * A future that completes with the template once its codes are ready (status AVAILABLE), or exceptionally with
   * {@code CouponException(GENERATION_FAILED)} when generation failed. For a template created by another engine
   * instance, the store is polled until the template leaves CREATING.
   *
   * @param templateId the template
   * @return the future; completed exceptionally with TEMPLATE_NOT_FOUND for an unknown template
   * @throws CouponException INVALID_ARGUMENT for a malformed id
   */
  public CompletableFuture<Template> generation(String templateId) {
    requireId(templateId, "templateId");
    return generations.of(templateId);
  }

  /**
   * Finds a template. A template past its claim window is returned, and persisted, as EXPIRED.
   *
   * @param templateId the id
   * @return the template, or empty
   * @throws CouponException INVALID_ARGUMENT, STORE_UNAVAILABLE
   */
  public Optional<Template> template(String templateId) {
    requireId(templateId, "templateId");
    if (!CodeFormat.isValidTemplateId(templateId)) {
      return Optional.empty(); // the engine never creates such an id: no need to ask the store
    }
    return StoreCalls.call("find template", () -> store.findTemplate(templateId)).map(expiry::passiveExpire);
  }

  /**
   * The templates a user could claim now: AVAILABLE, inside their claim window, not sold out, and below the user's
   * limit.
   *
   * @param userId the user
   * @return the claimable templates
   * @throws CouponException INVALID_ARGUMENT, STORE_UNAVAILABLE
   */
  public List<Template> claimableTemplates(String userId) {
    requireId(userId, "userId");
    Instant now = clock.instant();
    Map<String, Integer> held = new HashMap<>();
    for (Coupon c : StoreCalls.call("find coupons", () -> store.findCouponsByUser(userId))) {
      held.merge(c.templateId(), 1, Integer::sum);
    }
    List<Template> out = new ArrayList<>();
    for (Template t : StoreCalls.call("find templates", () -> store.findTemplates(TemplateStatus.AVAILABLE))) {
      Template seen = expiry.passiveExpire(t, now);
      ClaimWindow window = t.spec().claimWindow();
      if (seen.status() == TemplateStatus.AVAILABLE
          && Distributions.claimable(t)
          && (window == null || window.isOpenAt(now))
          && held.getOrDefault(t.id(), 0) < t.spec().perUserLimit()
          && StoreCalls.call("remaining codes", () -> store.remainingCodes(t.id())) > 0) {
        out.add(seen);
      }
    }
    return out;
  }

  /**
   * Adds stock: the template's total grows by {@code count} and the new codes are generated in the background from
   * the same keyed permutation (never a code twice), while claims go on; progress events as for the first
   * generation, then {@code CODES_ADDED}. Works on a sold-out template. A call after a failed or interrupted one
   * also loads what that one left out.
   *
   * <pre>{@code
   * Template more = engine.addCodes(templateId, 50_000).join();   // more.totalCount() grew by 50,000
   * }</pre>
   *
   * @param templateId an AVAILABLE or PAUSED template
   * @param count codes to add, 1 or more; the total stays at most {@value TemplateSpec#MAX_TOTAL_COUNT}
   * @return completed with the template once the codes are loaded, or exceptionally with GENERATION_FAILED
   * @throws CouponException INVALID_ARGUMENT (count out of range), TEMPLATE_NOT_FOUND, CONFLICT (the template is
   *     not AVAILABLE or PAUSED), STORE_UNAVAILABLE, ENGINE_CLOSED
   */
  public CompletableFuture<Template> addCodes(String templateId, long count) {
    ensureOpen();
    requireId(templateId, "templateId");
    requireRange(count, 1, TemplateSpec.MAX_TOTAL_COUNT, "count");
    Template t = existing(templateId);
    if (t.spec().importsCodes()) {
      throw CouponException.invalidField("templateId", "template '%s' takes imported codes (importCodes), not "
          + "generated ones", templateId);
    }
    if (t.status() != TemplateStatus.AVAILABLE && t.status() != TemplateStatus.PAUSED) {
      throw CouponException.of(ErrorCode.CONFLICT, "template '%s' is %s; codes can be added to an AVAILABLE or "
          + "PAUSED template", templateId, t.status());
    }
    if (count > TemplateSpec.MAX_TOTAL_COUNT - t.totalCount()) {
      throw CouponException.invalidField("count", "must be at most %d for template '%s' (total %d)",
          TemplateSpec.MAX_TOTAL_COUNT - t.totalCount(), templateId, t.totalCount());
    }
    long loaded = StoreCalls.call("add to total", () -> store.addToTotal(templateId, count));
    Template grown = StoreCalls.call("find template", () -> store.findTemplate(templateId))
        .orElseThrow(() -> notFound(templateId));
    return generations.addCodes(grown, loaded);
  }

  /**
   * A template's figures: issued, reserved, used, expired, remaining and the discount its committed priced orders
   * gave, kept by the store with the writes (reading them scans no coupons).
   *
   * @param templateId the template
   * @return the figures
   * @throws CouponException INVALID_ARGUMENT, TEMPLATE_NOT_FOUND, STORE_UNAVAILABLE
   */
  public TemplateStats stats(String templateId) {
    requireId(templateId, "templateId");
    return StoreCalls.call("stats", () -> store.stats(templateId)).orElseThrow(() -> notFound(templateId));
  }

  /**
   * Pauses claims of a template: from when this returns, every claim answers {@link ClaimOutcome#TEMPLATE_PAUSED}
   * (no claim is recorded after it, on any engine sharing the store); coupons already held stay usable. Idempotent.
   *
   * @param templateId the template
   * @return the template, PAUSED
   * @throws CouponException INVALID_ARGUMENT, TEMPLATE_NOT_FOUND, CONFLICT when the template is neither AVAILABLE nor
   *     PAUSED (still CREATING, FAILED or EXPIRED), STORE_UNAVAILABLE, ENGINE_CLOSED
   */
  public Template pause(String templateId) {
    return switchStatus(templateId, TemplateStatus.AVAILABLE, TemplateStatus.PAUSED, EventType.TEMPLATE_PAUSED);
  }

  /**
   * Resumes claims of a paused template. Idempotent.
   *
   * @param templateId the template
   * @return the template, AVAILABLE
   * @throws CouponException INVALID_ARGUMENT, TEMPLATE_NOT_FOUND, CONFLICT when the template is neither PAUSED nor
   *     AVAILABLE, STORE_UNAVAILABLE, ENGINE_CLOSED
   */
  public Template resume(String templateId) {
    return switchStatus(templateId, TemplateStatus.PAUSED, TemplateStatus.AVAILABLE, EventType.TEMPLATE_RESUMED);
  }

  private Template switchStatus(String templateId, TemplateStatus from, TemplateStatus to, EventType event) {
    ensureOpen();
    requireId(templateId, "templateId");
    Template t = existing(templateId);
    if (t.status() == to) {
      return t;
    }
    if (t.status() != from) {
      throw CouponException.of(ErrorCode.CONFLICT, "template '%s' is %s; only a %s template can become %s",
          templateId, t.status(), from, to);
    }
    if (!StoreCalls.call("update template", () -> store.updateTemplateStatus(templateId, from, to, null))) {
      return switchStatus(templateId, from, to, event); // changed meanwhile: decide again on what it is now
    }
    claimTemplates.remove(templateId);
    events.publish(CouponEvent.ofTemplate(event, clock.instant(), templateId, Map.of()));
    return t.withStatus(to, null);
  }

  // ---- claims ------------------------------------------------------------------------------------------------

  /**
   * Claims one coupon: checks the claim rules and, in one atomic store operation, takes a code and records the
   * user's coupon.
   *
   * @param request user, template and idempotency key
   * @return CLAIMED with the new coupon, DUPLICATE with the earlier one, or a refusal
   * @throws CouponException INVALID_ARGUMENT for null, blank or oversized fields, STORE_UNAVAILABLE, ENGINE_CLOSED
   */
  public ClaimResult claim(ClaimRequest request) {
    ensureOpen();
    if (!observers.active()) {
      return claimUnobserved(request);
    }
    long start = System.nanoTime();
    ClaimResult result;
    try {
      result = claimUnobserved(request);
    } catch (CouponException e) {
      observers.onClaimFailed(request == null ? null : request.templateId(), e.code(), System.nanoTime() - start);
      throw e;
    }
    observers.onClaim(request.templateId(), result.outcome(), System.nanoTime() - start);
    return result;
  }

  private ClaimResult claimUnobserved(ClaimRequest request) {
    if (request == null) {
      throw CouponException.invalidField("request", "must not be null");
    }
    Template template = claimTemplate(request.templateId());
    if (template == null) {
      return ClaimResult.refused(ClaimOutcome.TEMPLATE_NOT_FOUND);
    }
    if (!Distributions.claimable(template)) {
      return ClaimResult.refused(ClaimOutcome.CODE_REQUIRED); // a spec never changes: no store call needed
    }
    Instant now = clock.instant();
    if (template.isPastClaimWindow(now)) {
      // persist EXPIRED first, then still ask the store: it answers a retried key with DUPLICATE and the first
      // coupon, and refuses a new one because the template is EXPIRED, in its one atomic step
      expiry.passiveExpire(template, now);
    }
    ClaimCommand command = Distributions.command(template, request.userId(), request.idempotencyKey(), now);
    ClaimResult result;
    try { // not StoreCalls.call: no capturing lambda on the claim path
      result = store.claim(command);
    } catch (RuntimeException e) {
      throw StoreCalls.translate("claim", e);
    }
    if (result.outcome() == ClaimOutcome.CLAIMED && events.hasListeners()) {
      events.publish(CouponEvent.ofCoupon(EventType.CLAIMED, now, result.couponOrNull()));
    } else if (result.outcome() == ClaimOutcome.TEMPLATE_NOT_FOUND) {
      claimTemplates.remove(template.id());
    }
    return result;
  }

  /**
   * Claims by a code the user typed: a template's shared code (the user gets a coupon of their own, refused as
   * {@link #claim} refuses), or a code of a {@link io.couponengine.template.Distribution#CODE_ENTRY} template (bound
   * to the first user who enters it: CLAIMED with that very code; CODE_TAKEN for anyone else; DUPLICATE for the
   * holder). Input is case-insensitive for generated and shared codes; surrounding whitespace is ignored.
   *
   * <p>A typed code with the shape of a generated code ({@link CodeFormat#hasGeneratedShape}) is checked first:
   * a malformed one or a wrong check character is {@code INVALID_CODE} before any store call. A code no template
   * issues answers CODE_NOT_FOUND. CODE_NOT_FOUND and CODE_TAKEN count as failed entries; past the engine's
   * {@link Builder#codeEntryLimit} every entry answers TOO_MANY_ATTEMPTS until the window ends (a retried
   * idempotency key still answers DUPLICATE).
   *
   * <pre>{@code
   * ClaimResult r = engine.claimByCode("user-1", "summer20", "request-7");
   * }</pre>
   *
   * @param userId the user
   * @param code the typed code
   * @param idempotencyKey the caller's key, scoped to (template, user) as for {@link #claim}
   * @return CLAIMED, DUPLICATE or a refusal
   * @throws CouponException INVALID_CODE for a code that cannot be one, INVALID_ARGUMENT naming {@code userId} or
   *     {@code idempotencyKey}, STORE_UNAVAILABLE, ENGINE_CLOSED
   */
  public ClaimResult claimByCode(String userId, String code, String idempotencyKey) {
    ensureOpen();
    return distributions.claimByCode(userId, code, idempotencyKey);
  }

  /**
   * Imports external codes into a template built with
   * {@link io.couponengine.template.TemplateSpec.Builder#externalCodes}: each code is checked against its
   * {@link io.couponengine.template.CodeRules}, folded as they say, and added to the pool unless the store holds it
   * already (codes are unique across the store). Streams: the input is read once, in batches of 50,000, and only
   * 8-byte fingerprints of what was read are kept (to tell repeats within the input from codes present before), so
   * millions of codes need no more than tens of megabytes. Idempotent: a re-run imports nothing twice and reports
   * those codes as already present. {@code CODES_IMPORTED} events after each batch. Runs on the calling thread.
   *
   * @param templateId the template
   * @param codes the codes, for example the lines of a file ({@code Files.lines(path)::iterator})
   * @return counts: imported, duplicates within the input, already present, invalid with the first reasons
   * @throws CouponException INVALID_ARGUMENT (templateId malformed or not a template with external codes, codes
   *     null), TEMPLATE_NOT_FOUND, STORE_UNAVAILABLE (codes of earlier batches stay imported: run it again),
   *     ENGINE_CLOSED
   */
  public ImportReport importCodes(String templateId, Iterable<String> codes) {
    ensureOpen();
    requireId(templateId, "templateId");
    if (codes == null) {
      throw CouponException.invalidField("codes", "must not be null");
    }
    ImportReport report = distributions.importCodes(existing(templateId), codes);
    claimTemplates.remove(templateId);
    return report;
  }

  /**
   * Writes the template's codes not yet claimed as CSV, one code per line (quoted only when a code holds a comma or
   * a quote), for printing cards; streamed from the store in batches. Codes claimed while the export runs may or
   * may not be listed.
   *
   * @param templateId the template
   * @param out where the lines go; flushed, not closed
   * @return the number of codes written
   * @throws IOException when {@code out} fails
   * @throws CouponException INVALID_ARGUMENT, TEMPLATE_NOT_FOUND, STORE_UNAVAILABLE
   */
  public long exportCodes(String templateId, java.io.Writer out) throws IOException {
    requireId(templateId, "templateId");
    if (out == null) {
      throw CouponException.invalidField("out", "must not be null");
    }
    existing(templateId);
    return distributions.exportCodes(templateId, out);
  }

  /**
   * Grants a coupon of a template to each listed user, as an operator: in batches of 5,000 through the store's bulk
   * path, on the engine's executor, with a {@code GRANT_PROGRESS} event after each batch. Each user's grant is a
   * claim with the idempotency key {@code grant:<grantId>}, kept by the store for good: re-running the same grant
   * (after a crash, or twice by mistake) grants nobody twice and finishes the rest. The per-user limit and the pool
   * hold as for claims; the template's claim window and pause apply too. Works for shared-code templates (the
   * operator needs no code); not for CODE_ENTRY templates.
   *
   * <pre>{@code
   * GrantReport r = engine.grant(templateId, "vip-2026-11", Files.lines(usersCsv)::iterator).join();
   * }</pre>
   *
   * @param templateId the template
   * @param grantId the grant's id, at most 100 characters: its idempotency scope
   * @param userIds the users, read once on the executor (an invalid id is skipped and counted)
   * @return completed with the counts, or exceptionally (STORE_UNAVAILABLE, ENGINE_CLOSED: run the grant again)
   * @throws CouponException INVALID_ARGUMENT (ids malformed, userIds null, a CODE_ENTRY template),
   *     TEMPLATE_NOT_FOUND, STORE_UNAVAILABLE, ENGINE_CLOSED
   */
  public CompletableFuture<GrantReport> grant(String templateId, String grantId, Iterable<String> userIds) {
    ensureOpen();
    requireId(templateId, "templateId");
    io.couponengine.internal.Preconditions.requireText(grantId, "grantId", Distributions.MAX_GRANT_ID);
    if (userIds == null) {
      throw CouponException.invalidField("userIds", "must not be null");
    }
    return distributions.grant(existing(templateId), grantId, userIds);
  }

  private Template claimTemplate(String templateId) {
    Template cached = claimTemplates.get(templateId);
    if (cached != null) {
      return cached;
    }
    if (!CodeFormat.isValidTemplateId(templateId)) {
      return null;
    }
    Optional<Template> loaded = StoreCalls.call("find template", () -> store.findTemplate(templateId));
    // cache only templates that can be claimed: their spec is final; the store re-checks the status on each claim
    loaded.filter(t -> t.status() == TemplateStatus.AVAILABLE).ifPresent(t -> claimTemplates.put(templateId, t));
    return loaded.orElse(null);
  }

  // ---- coupons -----------------------------------------------------------------------------------------------

  /**
   * A user's coupons in a status, as seen now ({@link Coupon#statusAt}): USABLE excludes coupons past their validity
   * and those whose use window has not started, which are listed under PENDING (their stored status stays USABLE);
   * EXPIRED includes coupons past their validity (and persists the change).
   *
   * @param userId the user
   * @param status the status to list
   * @return the coupons, oldest claim first
   * @throws CouponException INVALID_ARGUMENT, STORE_UNAVAILABLE
   */
  public List<Coupon> coupons(String userId, CouponStatus status) {
    requireId(userId, "userId");
    if (status == null) {
      throw CouponException.invalidField("status", "must not be null");
    }
    Instant now = clock.instant();
    List<Coupon> out = new ArrayList<>();
    for (Coupon c : StoreCalls.call("find coupons", () -> store.findCouponsByUser(userId))) {
      Coupon seen = expiry.passiveExpire(c, now);
      if (seen.statusAt(now) == status) {
        out.add(seen);
      }
    }
    return out;
  }

  /**
   * Finds a coupon by code. The code is normalized (case, spaces, dashes) and its check character verified before
   * any store is consulted.
   *
   * @param code what the user typed
   * @return the coupon, or empty when no coupon has this (well-formed) code
   * @throws CouponException INVALID_CODE for a malformed code or a wrong check character, STORE_UNAVAILABLE
   */
  public Optional<Coupon> couponByCode(String code) {
    String canonical = CodeFormat.canonicalize(code);
    Instant now = clock.instant();
    return StoreCalls.call("find coupon", () -> store.findCouponByCode(canonical)).map(c -> expiry.passiveExpire(c, now));
  }

  // ---- redemption --------------------------------------------------------------------------------------------

  /**
   * Reserves coupons for an order, all or none: USABLE → RESERVED. Idempotent by order id. A reservation not
   * committed or released within the reservation timeout is released by the sweeper.
   *
   * @param userId the user placing the order (every code must be theirs)
   * @param orderId the order id
   * @param codes the codes to reserve, 1 to {@value #MAX_CODES_PER_ORDER}, distinct
   * @return RESERVED, or a refusal naming the offending code
   * @throws CouponException INVALID_ARGUMENT, INVALID_CODE, STORE_UNAVAILABLE, ENGINE_CLOSED
   */
  public RedemptionResult reserve(String userId, String orderId, List<String> codes) {
    ensureOpen();
    if (!observers.active()) {
      return checkout.reserve(userId, orderId, codes);
    }
    return observed(() -> checkout.reserve(userId, orderId, codes),
        (r, nanos) -> observers.onReserve(r.outcome(), nanos), observers::onReserveFailed);
  }

  /**
   * A priced reservation: settles the cart with the codes and, in the same call, reserves them for the order with
   * what each saves, all or none. A coupon the settlement rejects (scope, threshold, minimum, stacking, no executor,
   * not yet valid) fails the whole reservation with its reason and holds nothing. The order keeps each coupon's
   * saving ({@code reservation().savings()}, also in every later result of the order), for refunds and statistics.
   * Idempotent by order id like {@link #reserve(String, String, List)}.
   *
   * <pre>{@code
   * PricedReservation p = engine.reserve(cart, "order-42", List.of(code));
   * }</pre>
   *
   * @param cart the cart; its user places the order
   * @param orderId the order
   * @param codes 1 to {@value #MAX_CODES_PER_ORDER} distinct codes, in the buyer's order
   * @return the settlement and the reservation (RESERVED with savings, or the first refusal in the buyer's order)
   * @throws CouponException INVALID_ARGUMENT, INVALID_CODE, STORE_UNAVAILABLE, ENGINE_CLOSED
   */
  public PricedReservation reserve(Cart cart, String orderId, List<String> codes) {
    ensureOpen();
    if (!observers.active()) {
      return checkout.reserve(cart, orderId, codes);
    }
    return observed(() -> checkout.reserve(cart, orderId, codes),
        (r, nanos) -> observers.onReserve(r.reservation().outcome(), nanos), observers::onReserveFailed);
  }

  /**
   * Commits an order's reservation: RESERVED → USED. Idempotent by order id.
   *
   * @param orderId the order
   * @return COMMITTED (also for a late payment: a released order whose coupons are all still usable is committed
   *     again, re-taking them), ORDER_EXPIRED (released and one of its coupons is gone: nothing taken),
   *     ORDER_NOT_FOUND, or ORDER_CONFLICT (the order was reverted)
   * @throws CouponException INVALID_ARGUMENT, STORE_UNAVAILABLE, ENGINE_CLOSED
   */
  public RedemptionResult commit(String orderId) {
    ensureOpen();
    return checkout.commit(orderId);
  }

  /**
   * Releases an order's reservation: RESERVED → USABLE (for example when the order is cancelled). Idempotent by
   * order id.
   *
   * @param orderId the order
   * @return RELEASED, ORDER_NOT_FOUND or ORDER_CONFLICT (the order was committed)
   * @throws CouponException INVALID_ARGUMENT, STORE_UNAVAILABLE, ENGINE_CLOSED
   */
  public RedemptionResult release(String orderId) {
    ensureOpen();
    return checkout.release(orderId);
  }

  /**
   * Reverts a committed order (a refund): its coupons go back to USABLE, or EXPIRED when their window has passed,
   * and a REVERTED event is published. Idempotent: a second call answers REVERTED (replayed) and changes nothing.
   * The per-user limit counts claims, so a reverted coupon does not give its user another claim.
   *
   * @param orderId the order
   * @return REVERTED, NOT_COMMITTED (the order was never committed) or ORDER_NOT_FOUND
   * @throws CouponException INVALID_ARGUMENT, STORE_UNAVAILABLE, ENGINE_CLOSED
   */
  public RedemptionResult revert(String orderId) {
    ensureOpen();
    return checkout.revert(orderId);
  }

  // ---- settlement ------------------------------------------------------------------------------------------

  /**
   * Prices a cart with the coupons behind the given codes. Each code is normalized and its check character verified
   * before any store is consulted; the coupons and their templates are read from the store and handed to the pure
   * {@link SettlementCalculator} with the configured policy and executors. Nothing is reserved: call
   * {@link #reserve} with the applied codes when the order is placed.
   *
   * <pre>{@code
   * SettlementResult r = engine.settle(cart, List.of("TH-K7PXQ2-ABCD-EFGHJ"));
   * r.finalPrice();
   * }</pre>
   *
   * @param cart the cart; only coupons of {@code cart.userId()} apply
   * @param codes the codes the buyer entered, at most {@value #MAX_CODES_PER_ORDER}, in priority order (when two
   *     cannot be combined the earlier one is kept); may be empty
   * @return the settlement; a malformed code or one no coupon has is rejected with
   *     {@link RejectionReason#UNKNOWN_COUPON} (these rejections come after the calculator's)
   * @throws CouponException INVALID_ARGUMENT for a null cart, list or code, too many codes or a code given twice;
   *     STORE_UNAVAILABLE
   */
  public SettlementResult settle(Cart cart, List<String> codes) {
    if (!observers.active()) {
      return checkout.settle(cart, codes);
    }
    return observed(() -> checkout.settle(cart, codes), (r, nanos) -> observers.onSettle(nanos),
        observers::onSettleFailed);
  }

  /**
   * Finds the combination of the cart user's usable coupons that gives the lowest price (see
   * {@link BestCombination} for the search and its tie rules) and settles it.
   *
   * <pre>{@code
   * BestCombinationResult best = engine.bestCombination(cart);
   * engine.reserve(cart.userId(), orderId, best.coupons().stream().map(Coupon::code).toList());
   * }</pre>
   *
   * @param cart the cart
   * @return the best combination (empty when no coupon lowers the price) and its settlement; when the user holds
   *     more than {@value BestCombination#MAX_COUPONS} usable coupons, the ones expiring first are considered
   * @throws CouponException INVALID_ARGUMENT for a null cart, STORE_UNAVAILABLE
   */
  public BestCombinationResult bestCombination(Cart cart) {
    if (!observers.active()) {
      return checkout.bestCombination(cart);
    }
    return observed(() -> checkout.bestCombination(cart), (r, nanos) -> observers.onSettle(nanos),
        observers::onSettleFailed);
  }

  /**
   * Runs an operation timed for the observers: {@code done} gets its result and nanoseconds, {@code failed} the code
   * of a CouponException it throws. Callers check {@link Observers#active()} first, so an engine nobody observes
   * builds no lambda and reads no clock (the claim path times itself inline, without lambdas).
   */
  private static <T> T observed(Supplier<T> operation, ObjLongConsumer<T> done, ObjLongConsumer<ErrorCode> failed) {
    long start = System.nanoTime();
    T result;
    try {
      result = operation.get();
    } catch (CouponException e) {
      failed.accept(e.code(), System.nanoTime() - start);
      throw e;
    }
    done.accept(result, System.nanoTime() - start);
    return result;
  }

  // ---- expiry ------------------------------------------------------------------------------------------------

  /**
   * Runs one active sweep: expires every template past its claim window and every USABLE coupon past its validity,
   * in batches of the configured sweep batch size. Safe to run on several engines at once.
   *
   * @return how many coupons and templates this call expired
   * @throws CouponException STORE_UNAVAILABLE, ENGINE_CLOSED
   */
  public int expireDue() {
    ensureOpen();
    return expiry.expireDue();
  }

  /**
   * Releases every reservation held longer than the reservation timeout. The scheduled sweep calls this too.
   *
   * @return how many orders were released
   * @throws CouponException STORE_UNAVAILABLE, ENGINE_CLOSED
   */
  public int releaseStaleReservations() {
    ensureOpen();
    return expiry.releaseStaleReservations();
  }

  // ---- lifecycle ---------------------------------------------------------------------------------------------

  /**
   * Stops the scheduled sweep and the engine's own generation pool. A generation that pool has not started fails
   * its template (FAILED, with the reason); one that is running is interrupted and fails its template at the next
   * batch (close waits up to 10 seconds for that). Either way every future from
   * {@link #generation(String)} completes. Generation running on an executor the application supplied is neither
   * interrupted nor awaited. The store is not closed: the application owns it. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      scheduler.shutdownNow();
      List<Runnable> neverStarted = ownExecutor == null ? List.of() : ownExecutor.shutdownNow();
      generations.close(neverStarted);
      if (ownExecutor != null) {
        try {
          if (!ownExecutor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
            log.warn("code generation did not stop within {}s of close", CLOSE_WAIT_SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      observers.onEngineClosed(store);
    }
  }

  /** The template as {@link #template(String)} reads it; TEMPLATE_NOT_FOUND when there is none. */
  private Template existing(String templateId) {
    return template(templateId).orElseThrow(() -> notFound(templateId));
  }

  private static CouponException notFound(String templateId) {
    return CouponException.of(ErrorCode.TEMPLATE_NOT_FOUND, "template '%s' does not exist", templateId);
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw CouponException.of(ErrorCode.ENGINE_CLOSED, "engine is closed");
    }
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  // ---- builder -----------------------------------------------------------------------------------------------

  /**
   * Builds a {@link CouponEngine}. Each setter may be called once. Not thread-safe. {@link #build()} copies the
   * configuration, so reusing a builder never changes an engine already built.
   *
   * <pre>{@code
   * CouponEngine engine = CouponEngine.builder()
   *     .store(new InMemoryCouponStore())
   *     .clock(Clock.systemUTC())
   *     .expirySweep(Duration.ofMinutes(1))
   *     .listener(event -> log.info("{}", event))
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private CouponStore store;
    private Clock clock;
    private Executor executor;
    private final List<CouponEventListener> listeners = new ArrayList<>();
    private final List<EngineObserver> observers = new ArrayList<>();
    private Duration expirySweep;
    private Duration reservationTimeout;
    private int generationBatchSize;
    private int sweepBatchSize;
    private SettlementPolicy settlementPolicy;
    private final List<SettlementExecutor> settlementExecutors = new ArrayList<>();
    private int codeEntryMaxFailures;
    private Duration codeEntryWindow;

    private Builder() {}

    /**
     * Sets how many failed code entries ({@link CouponEngine#claimByCode}: CODE_NOT_FOUND, CODE_TAKEN) a user may
     * make per window before every entry answers {@link ClaimOutcome#TOO_MANY_ATTEMPTS} until the window ends
     * (default 10 per 15 minutes). Windows are fixed and aligned to the epoch; the count is kept by the store, so
     * every engine sharing it enforces the same limit.
     *
     * @param failures 1 to {@value EngineConfig#MAX_CODE_ENTRY_FAILURES}
     * @param per the window, 1 second to 366 days
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT naming {@code codeEntryLimit} when already set, {@code failures} or
     *     {@code per} when out of range
     */
    public Builder codeEntryLimit(int failures, Duration per) {
      requireUnset(this.codeEntryWindow == null, "codeEntryLimit", this.codeEntryWindow);
      requireRange(failures, 1, EngineConfig.MAX_CODE_ENTRY_FAILURES, "failures");
      this.codeEntryWindow = requireRange(per, EngineConfig.MIN_INTERVAL, EngineConfig.MAX_INTERVAL, "per");
      this.codeEntryMaxFailures = failures;
      return this;
    }

    /**
     * Sets the store (default: a new {@link InMemoryCouponStore}).
     *
     * @param store the store; the engine never closes it
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when null or already set
     */
    public Builder store(CouponStore store) {
      requireUnset(this.store == null, "store", this.store);
      this.store = requireArg(store, "store");
      return this;
    }

    /**
     * Sets the clock (default: {@link Clock#systemUTC()}); tests move a fixed clock instead of sleeping.
     *
     * @param clock the time source
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when null or already set
     */
    public Builder clock(Clock clock) {
      requireUnset(this.clock == null, "clock", this.clock);
      this.clock = requireArg(clock, "clock");
      return this;
    }

    /**
     * Sets the executor that runs code generation (default: the engine's own two-thread daemon pool, shut down by
     * {@link CouponEngine#close()}). {@code Runnable::run} generates on the calling thread.
     *
     * @param executor the executor; the engine never shuts it down
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when null or already set
     */
    public Builder executor(Executor executor) {
      requireUnset(this.executor == null, "executor", this.executor);
      this.executor = requireArg(executor, "executor");
      return this;
    }

    /**
     * Adds an event listener (may be called several times; listeners run in the order added).
     *
     * @param listener the listener
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when null
     */
    public Builder listener(CouponEventListener listener) {
      listeners.add(requireArg(listener, "listener"));
      return this;
    }

    /**
     * Adds an observer of the engine's operations and their timings, for metrics (may be called several times;
     * observers run in the order added). See {@link EngineObserver} for what is reported and when; an observer that
     * throws is logged and never fails the operation. {@code coupon-micrometer}'s {@code CouponEngineMetrics} is
     * one.
     *
     * @param observer the observer
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when null
     */
    public Builder observer(EngineObserver observer) {
      observers.add(requireArg(observer, "observer"));
      return this;
    }

    /**
     * Schedules the active sweep (expiry and stale reservations) every {@code interval} (default: not scheduled;
     * call {@link CouponEngine#expireDue()} yourself).
     *
     * @param interval at least one second
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when too short or already set
     */
    public Builder expirySweep(Duration interval) {
      requireUnset(this.expirySweep == null, "expirySweep", this.expirySweep);
      this.expirySweep = requireRange(interval, EngineConfig.MIN_INTERVAL, EngineConfig.MAX_INTERVAL,
          "expirySweep");
      return this;
    }

    /**
     * Sets how long a reservation holds coupons before the sweeper releases it (default 30 minutes).
     *
     * @param timeout at least one second
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when too short or already set
     */
    public Builder reservationTimeout(Duration timeout) {
      requireUnset(this.reservationTimeout == null, "reservationTimeout",
          this.reservationTimeout);
      this.reservationTimeout = requireRange(timeout, EngineConfig.MIN_INTERVAL, EngineConfig.MAX_INTERVAL,
          "reservationTimeout");
      return this;
    }

    /**
     * Sets how many codes are generated and loaded per store call (default 10,000).
     *
     * @param size 1 to 100,000
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when out of range or already set
     */
    public Builder generationBatchSize(int size) {
      requireUnset(this.generationBatchSize == 0, "generationBatchSize",
          this.generationBatchSize);
      this.generationBatchSize = requireRange(size, 1, EngineConfig.MAX_BATCH_SIZE, "generationBatchSize");
      return this;
    }

    /**
     * Sets how many coupons one sweep step expires (default 1,000).
     *
     * @param size 1 to 100,000
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when out of range or already set
     */
    public Builder sweepBatchSize(int size) {
      requireUnset(this.sweepBatchSize == 0, "sweepBatchSize", this.sweepBatchSize);
      this.sweepBatchSize = requireRange(size, 1, EngineConfig.MAX_BATCH_SIZE, "sweepBatchSize");
      return this;
    }

    /**
     * Registers a settlement executor on top of the built-ins (may be called several times). A registered executor
     * replaces the built-in of the same combination of categories; to use {@code ServiceLoader} providers, pass
     * each of {@code ExecutorRegistry.discover(classLoader)} here (the engine never discovers by itself).
     *
     * @param executor the executor
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when null, when its name is taken (by a built-in or an executor
     *     registered before) or when an executor registered before settles the same combination
     */
    public Builder settlementExecutor(SettlementExecutor executor) {
      requireArg(executor, "settlementExecutor");
      List<SettlementExecutor> all = new ArrayList<>(settlementExecutors);
      all.add(executor);
      ExecutorRegistry.builder().registerAll(all).build(); // fail now, not at the first checkout
      settlementExecutors.add(executor);
      return this;
    }

    /**
     * Sets the settlement policy (default {@link SettlementPolicy#defaults()}: price floor 0.01, scale 2, HALF_UP).
     *
     * @param policy the policy
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when null or already set
     */
    public Builder settlementPolicy(SettlementPolicy policy) {
      requireUnset(this.settlementPolicy == null, "settlementPolicy",
          this.settlementPolicy);
      this.settlementPolicy = requireArg(policy, "settlementPolicy");
      return this;
    }

    /**
     * Builds the engine; the builder may be reused afterwards without affecting it.
     *
     * @return a new engine
     */
    public CouponEngine build() {
      return new CouponEngine(new EngineConfig(
          store != null ? store : new InMemoryCouponStore(),
          clock != null ? clock : Clock.systemUTC(),
          executor,
          listeners,
          expirySweep,
          reservationTimeout != null ? reservationTimeout : Duration.ofMinutes(30),
          generationBatchSize != 0 ? generationBatchSize : 10_000,
          sweepBatchSize != 0 ? sweepBatchSize : 1_000,
          settlementPolicy != null ? settlementPolicy : SettlementPolicy.defaults(),
          settlementExecutors,
          codeEntryWindow != null ? codeEntryMaxFailures : 10,
          codeEntryWindow != null ? codeEntryWindow : Duration.ofMinutes(15),
          observers));
    }
  }
}
