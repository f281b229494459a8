package io.couponengine.spi;

import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Storage of templates, code pools, coupons and order reservations: the one extension point adapters implement
 * ({@code InMemoryCouponStore} is the default; coupon-redis and coupon-jdbc ship others).
 *
 * <p>The contract, proven for every implementation by the abstract {@code CouponStoreContractTest} in
 * coupon-core's test-jar:
 * <ol>
 *   <li>Issued coupons of a template never exceed the codes loaded for it; no code is issued twice.</li>
 *   <li>A user never holds more coupons of a template than {@link ClaimCommand#perUserLimit()}.</li>
 *   <li>{@link #claim} is atomic: a code leaves the pool if and only if the user's coupon is recorded.</li>
 *   <li>A claim retried with the same (template, user, idempotency key) returns the same coupon as
 *       {@code DUPLICATE}; reserve/commit/release retried with the same order id change nothing.</li>
 *   <li>A coupon moves USABLE → RESERVED → USED, RESERVED → USABLE, or USABLE → EXPIRED; never otherwise.</li>
 *   <li>What a method acknowledged is not lost within the durability the adapter documents.</li>
 * </ol>
 *
 * <p>The engine never sends {@link #claim} or {@link #grant} for a
 * {@link io.couponengine.template.Distribution#CODE_ENTRY} template (it answers CODE_REQUIRED itself, the
 * distribution being part of the immutable spec): such a template's pool is taken from only by {@link #claimCode}.
 *
 * <p>Implementations must be thread-safe and safe to share between several engine instances (and processes, for
 * networked stores). Every method may throw {@link io.couponengine.error.CouponException} with
 * {@code STORE_UNAVAILABLE}; adapters translate their backend's errors in one place. The engine never performs a
 * read-then-write on these methods to make a decision: each decision is one call.
 */
public interface CouponStore extends AutoCloseable {

  // ---- templates ---------------------------------------------------------------------------------------------

  /**
   * Stores a new template (status CREATING) unless one with its id exists. A template with a
   * {@linkplain io.couponengine.template.TemplateSpec#sharedCode() shared code} also takes that code in the store's
   * code index ({@link #findTemplateIdByCode}), atomically with the insert: codes are unique across the store.
   *
   * @param template the template
   * @return true when stored; false when the id is taken (the engine then picks another id)
   * @throws io.couponengine.error.CouponException INVALID_TEMPLATE (violation {@code sharedCode}) when another
   *     template or an imported code has the shared code; nothing is stored then
   */
  boolean insertTemplate(Template template);

  /**
   * The template a shared code or an imported code belongs to, from the store's code index. Generated codes are not
   * in it: they carry their template id ({@link io.couponengine.code.CodeFormat#templateIdOf}).
   *
   * @param code the code in its stored form (shared codes and case-folded imports upper-cased)
   * @return the template id, or empty
   */
  Optional<String> findTemplateIdByCode(String code);

  /**
   * Finds a template by id.
   *
   * @param templateId the id
   * @return the template, or empty
   */
  Optional<Template> findTemplate(String templateId);

  /**
   * Lists templates in a status (used for claimable templates and sweeps).
   *
   * @param status the status
   * @return the templates, in no particular order
   */
  List<Template> findTemplates(TemplateStatus status);

  /**
   * Changes a template's status if it currently has {@code expected} (compare-and-set).
   *
   * @param templateId the template
   * @param expected the status it must have now
   * @param next the new status
   * @param reason a failure reason for FAILED, else null
   * @return true when changed
   */
  boolean updateTemplateStatus(String templateId, TemplateStatus expected, TemplateStatus next, String reason);

  // ---- code pool ---------------------------------------------------------------------------------------------

  /**
   * Appends a batch of generated codes to a template's pool. Idempotent by offset: {@code offset} is how many codes
   * the generator had loaded before this batch. A batch whose offset equals the loaded count is appended; a batch
   * already appended (offset + size ≤ loaded count) is ignored, so a retried batch never loads a code twice.
   *
   * @param templateId the template
   * @param offset codes loaded before this batch
   * @param codes canonical codes, distinct
   * @return the number of codes loaded for the template after the call
   * @throws io.couponengine.error.CouponException CONFLICT when the offset leaves a gap or overlaps partially
   */
  long appendCodes(String templateId, long offset, List<String> codes);

  /**
   * The template's code-permutation key: the one stored with it, or {@code proposedKey} stored now when it has none
   * (atomically: every engine sharing the store gets the same key). Codes are a keyed permutation of serial numbers,
   * so any engine can continue a template's codes (more stock, a generation resumed) without a code twice. The key
   * never leaves the engine's generation and is not part of {@link Template}.
   *
   * @param templateId the template
   * @param proposedKey 32 hex digits, kept only when the template has no key yet
   * @return the template's key
   * @throws io.couponengine.error.CouponException TEMPLATE_NOT_FOUND for an unknown template
   */
  String codeKey(String templateId, String proposedKey);

  /**
   * Adds {@code count} to the template's total ({@link Template#addedCount()}) and answers how many codes are loaded
   * at that moment, where the caller's generation starts: it loads serials from there up to the new total through
   * {@link #appendCodes}. {@code count == 0} only reads the loaded count.
   *
   * @param templateId the template
   * @param count codes added, {@code >= 0}; the total stays at most {@value io.couponengine.template.TemplateSpec#MAX_TOTAL_COUNT}
   * @return the number of codes loaded
   * @throws io.couponengine.error.CouponException TEMPLATE_NOT_FOUND for an unknown template, INVALID_ARGUMENT when
   *     the total would pass the maximum
   */
  long addToTotal(String templateId, long count);

  /**
   * The template's figures ({@link io.couponengine.template.TemplateStats}), kept with the writes that change them:
   * a claim counts one issued; a reserve, release, commit (also a late one), revert and expiry move the coupon's
   * count; a commit of a priced order adds its coupons' savings to {@code discountGiven}, a revert takes them off.
   * Reading them scans no coupons.
   *
   * @param templateId the template
   * @return the figures, or empty for an unknown template
   */
  Optional<io.couponengine.template.TemplateStats> stats(String templateId);

  /**
   * How many codes are still in the pool (loaded and not yet issued).
   *
   * @param templateId the template
   * @return the remaining count, 0 for an unknown template
   */
  long remainingCodes(String templateId);

  /**
   * Imports external codes into a template's pool (a template whose spec has
   * {@link io.couponengine.template.TemplateSpec#externalCodes()}): each code not yet in the store's code index is
   * indexed to the template and added to its pool, and the template's total ({@link Template#addedCount()}) and
   * loaded count grow by the number added. Once the call returns, each code is either indexed and pooled or
   * neither; a code already indexed, to this template or another, is skipped, so a re-run import adds nothing
   * twice. Codes are trusted to be canonical, valid and distinct within the batch.
   *
   * @param templateId the template
   * @param codes canonical codes, distinct, at most 100,000
   * @return how many of the codes were added
   * @throws io.couponengine.error.CouponException TEMPLATE_NOT_FOUND for an unknown template, INVALID_ARGUMENT
   *     when the total would pass {@value io.couponengine.template.TemplateSpec#MAX_TOTAL_COUNT}
   */
  long importCodes(String templateId, List<String> codes);

  /**
   * Streams the template's pool (codes loaded and not yet issued) to {@code sink}, in batches of at most
   * {@code batchSize}, never holding more than a few batches in memory. Every code that stays in the pool for the
   * whole call, while no codes are added, is passed exactly once; a code claimed meanwhile may or may not be.
   * Unknown templates pass nothing.
   *
   * @param templateId the template
   * @param batchSize codes per batch, at least 1
   * @param sink receives each batch (the list may be reused after the call returns)
   */
  void scanPool(String templateId, int batchSize, java.util.function.Consumer<List<String>> sink);

  // ---- claims ------------------------------------------------------------------------------------------------

  /**
   * Claims one coupon atomically: in this order, a known idempotency key answers DUPLICATE with the earlier
   * coupon; an unknown template answers TEMPLATE_NOT_FOUND; a template not AVAILABLE answers TEMPLATE_NOT_READY
   * (CREATING, FAILED), TEMPLATE_PAUSED (PAUSED) or TEMPLATE_EXPIRED (EXPIRED); a claim outside the command's claim
   * window answers {@link ClaimCommand#windowRefusal()} (NOT_STARTED, CLAIM_CLOSED); a user at the limit answers
   * LIMIT_REACHED; an empty pool answers SOLD_OUT; otherwise a code is taken, the coupon recorded (USABLE, with the
   * command's {@code validFrom}), the user's count incremented and the idempotency key remembered, all or nothing.
   * A pause ({@link #updateTemplateStatus} to PAUSED) and a claim are ordered: no claim is recorded after the
   * status update returned.
   *
   * @param command the claim
   * @return the outcome, with the coupon for CLAIMED and DUPLICATE
   */
  ClaimResult claim(ClaimCommand command);

  /**
   * Claims by an entered code, atomically, in this order: a known idempotency key answers DUPLICATE with the earlier
   * coupon; a user with {@link CodeClaimCommand#maxFailures()} failed entries in the current window answers
   * TOO_MANY_ATTEMPTS; no claim (the code names no template) answers CODE_NOT_FOUND; then the template's status and
   * claim window as in {@link #claim}. For a code to bind: the user already holding it answers DUPLICATE with that
   * coupon; another holder answers CODE_TAKEN; a code not in the template's pool answers CODE_NOT_FOUND; then
   * LIMIT_REACHED; otherwise the coupon is recorded with that very code. Without a code: exactly {@link #claim}.
   * CODE_NOT_FOUND and CODE_TAKEN count one failed entry for the user (the count is exact under concurrency: a
   * user never gets more than {@code maxFailures} failures answered in one window).
   *
   * @param command the entry
   * @return the outcome
   */
  ClaimResult claimCode(CodeClaimCommand command);

  /**
   * Claims for many users at once, as an operator's grant: each command exactly as {@link #claim}, except that its
   * idempotency key is kept for good (not only for the store's idempotency TTL), so a grant re-run any time later
   * answers DUPLICATE for every user it already served. Each command is atomic on its own, not the batch.
   * Networked stores use their bulk path (pipelined scripts, batched statements).
   *
   * @param commands the claims, at most 10,000
   * @return one result per command, in order
   */
  List<ClaimResult> grant(List<ClaimCommand> commands);

  // ---- coupons -----------------------------------------------------------------------------------------------

  /**
   * All coupons of a user, in every stored status, oldest claim first.
   *
   * @param userId the user
   * @return the coupons (empty when none)
   */
  List<Coupon> findCouponsByUser(String userId);

  /**
   * Finds a coupon by its canonical code.
   *
   * @param code the canonical code
   * @return the coupon, or empty
   */
  Optional<Coupon> findCouponByCode(String code);

  /**
   * Marks one coupon EXPIRED if its stored version is USABLE and {@code expiresAt <= now} (the passive check's
   * write). The argument is a version of the coupon the caller read: stores use its identity (id, code, template,
   * user — which never change) to find it, and decide on their own current state, never on the argument's status.
   *
   * @param coupon the coupon as read
   * @param now the current instant
   * @return the expired coupon when this call changed it, else empty
   */
  Optional<Coupon> expireCoupon(Coupon coupon, Instant now);

  /**
   * Expires up to {@code limit} USABLE coupons with {@code expiresAt <= now}. Safe to run from several engines at
   * once: each coupon is expired (and returned) by exactly one call.
   *
   * @param now the current instant
   * @param limit the batch size
   * @return the coupons this call expired
   */
  List<Coupon> expireDueCoupons(Instant now, int limit);

  // ---- redemption --------------------------------------------------------------------------------------------

  /**
   * Reserves every code of the command for its order, all or none. A repeated reserve of the same order with the
   * same user and codes answers RESERVED (replayed) while the order is still reserved. Refusals, checked per code
   * in the command's order: UNKNOWN_CODE, NOT_OWNER, EXPIRED ({@code now >= expiresAt}), NOT_YET_VALID
   * ({@code now < validFrom}), NOT_USABLE; an order id first used by another user answers ORDER_CONFLICT.
   *
   * @param command the reservation
   * @return RESERVED, or a refusal naming the offending code
   */
  RedemptionResult reserve(ReserveCommand command);

  /**
   * Commits a reserved order: its coupons become USED. Idempotent: committing a committed order answers COMMITTED
   * (replayed); an unknown one ORDER_NOT_FOUND; a reverted one ORDER_CONFLICT. A late payment: a RELEASED order
   * (by the stale sweep or a release) is committed again when every one of its coupons is still USABLE by its user
   * and inside its window, re-taking them atomically (COMMITTED, not replayed); otherwise it answers ORDER_EXPIRED
   * and takes nothing.
   *
   * @param orderId the order
   * @param now the current instant
   * @return the outcome
   */
  RedemptionResult commit(String orderId, Instant now);

  /**
   * Releases a reserved order: its coupons become USABLE. Idempotent: releasing a released order answers RELEASED
   * (replayed); a committed order answers ORDER_CONFLICT; an unknown one ORDER_NOT_FOUND.
   *
   * @param orderId the order
   * @param now the current instant
   * @return the outcome
   */
  RedemptionResult release(String orderId, Instant now);

  /**
   * Reverts a committed order (a refund): its coupons become USABLE again, or EXPIRED when {@code now} is past
   * their window, and the order REVERTED. Idempotent: reverting a reverted order answers REVERTED (replayed) and
   * changes nothing; an order that is not committed answers NOT_COMMITTED; an unknown one ORDER_NOT_FOUND. The
   * per-user claim count is not given back: a limit counts claims, not coupons in hand.
   *
   * @param orderId the order
   * @param now the current instant
   * @return the outcome
   */
  RedemptionResult revert(String orderId, Instant now);

  /**
   * Ids of orders still RESERVED whose {@code reservedUntil <= now}, at most {@code limit}.
   *
   * @param now the current instant
   * @param limit the batch size
   * @return order ids to release
   */
  List<String> findStaleReservations(Instant now, int limit);

  /**
   * Checks that the store can answer now, for health checks: one cheap round trip to the backend (Redis
   * {@code PING}, a JDBC connection validity check). Decorators such as the near-cache pass it on to their
   * delegate: a health check is never answered from a cache. The default implementation reads a template that
   * never exists ({@link #findTemplate} of {@value #PING_TEMPLATE_ID}).
   *
   * @throws io.couponengine.error.CouponException STORE_UNAVAILABLE when the store cannot answer
   */
  default void ping() {
    findTemplate(PING_TEMPLATE_ID);
  }

  /** The template id the default {@link #ping()} reads; no template ever has it (ids are generated, upper-case). */
  String PING_TEMPLATE_ID = "ping";

  /** Releases resources the store opened itself; never closes clients handed to it. */
  @Override
  default void close() {}
}
