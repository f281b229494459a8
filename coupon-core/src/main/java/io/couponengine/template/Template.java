package io.couponengine.template;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.couponengine.error.CouponException;
import io.couponengine.internal.Json;
import io.couponengine.internal.Preconditions;
import java.time.Instant;

/**
 * A stored coupon template: an operator's {@link TemplateSpec} plus its identity and life-cycle status.
 * Immutable; a status change yields a new instance.
 *
 * @param id the template id, six characters of the code alphabet (it is part of every code)
 * @param spec what the operator asked for
 * @param status where the template is in its life cycle
 * @param createdAt when it was created
 * @param failureReason why generation failed (FAILED only), else null
 * @param addedCount codes added after creation ({@code engine.addCodes}); {@link #totalCount()} is the spec's
 *     total plus these
 */
public record Template(String id, TemplateSpec spec, TemplateStatus status, Instant createdAt, String failureReason,
                       long addedCount) {

  /**
   * A template with no codes added after creation.
   *
   * @param id the template id
   * @param spec what the operator asked for
   * @param status the life-cycle status
   * @param createdAt when it was created
   * @param failureReason why generation failed, else null
   * @throws CouponException INVALID_ARGUMENT as the canonical constructor
   */
  public Template(String id, TemplateSpec spec, TemplateStatus status, Instant createdAt, String failureReason) {
    this(id, spec, status, createdAt, failureReason, 0);
  }

  /**
   * Checks the required parts. The id is checked as any id (the engine makes six alphabet characters; stores and
   * tests may use others); the failure reason is free text and not checked.
   *
   * @param id the template id, six characters of the code alphabet (it is part of every code)
   * @param spec what the operator asked for
   * @param status where the template is in its life cycle
   * @param createdAt when it was created
   * @param failureReason why generation failed (FAILED only), else null
   * @param addedCount codes added after creation ({@code engine.addCodes}); {@link #totalCount()} is the spec's
   *     total plus these
   * @throws CouponException INVALID_ARGUMENT naming {@code id} when it is null, blank, invisible only, longer than
   *     128 characters or holds control characters, or {@code spec}, {@code status} or {@code createdAt} when null
   */
  public Template {
    Preconditions.requireId(id, "id");
    Preconditions.requireArg(spec, "spec");
    Preconditions.requireArg(status, "status");
    Preconditions.requireArg(createdAt, "createdAt");
    if (spec != null) {
      Preconditions.requireRange(addedCount, 0, TemplateSpec.MAX_TOTAL_COUNT - spec.totalCount(), "addedCount");
    }
  }

  /**
   * How many coupons the template has: the spec's total plus the codes added since.
   *
   * @return the total
   */
  @JsonIgnore
  public long totalCount() {
    return spec.totalCount() + addedCount;
  }

  /**
   * This template with {@code more} codes added to its total.
   *
   * @param more codes added
   * @return a copy
   * @throws CouponException INVALID_ARGUMENT naming {@code addedCount} when the total would pass
   *     {@value TemplateSpec#MAX_TOTAL_COUNT}
   */
  public Template withAdded(long more) {
    return new Template(id, spec, status, createdAt, failureReason, addedCount + more);
  }

  /**
   * This template in another status.
   *
   * @param newStatus the status
   * @param reason the failure reason, or null
   * @return a copy
   * @throws CouponException INVALID_ARGUMENT naming {@code status} when {@code newStatus} is null
   */
  public Template withStatus(TemplateStatus newStatus, String reason) {
    return new Template(id, spec, newStatus, createdAt, reason, addedCount);
  }

  /**
   * Whether the claim window is over at {@code now} (fixed validity only).
   *
   * @param now the current instant
   * @return true when the template can no longer be claimed because of time
   */
  public boolean isPastClaimWindow(Instant now) {
    Instant until = spec.validity().claimableUntil();
    return until != null && !now.isBefore(until);
  }

  /**
   * The status as seen at {@code now}: {@link TemplateStatus#EXPIRED} once the claim window is over, even before a
   * sweep has persisted it.
   *
   * @param now the current instant
   * @return the effective status
   */
  public TemplateStatus statusAt(Instant now) {
    return !status.isFinal() && isPastClaimWindow(now) ? TemplateStatus.EXPIRED : status;
  }

  /**
   * Shorthand for {@code spec().category()}.
   *
   * @return the category
   */
  @JsonIgnore
  public CouponCategory category() {
    return spec.category();
  }

  /**
   * Serializes this template to JSON (what stores persist).
   *
   * @return JSON text
   */
  public String toJson() {
    return Json.write(this);
  }

  /**
   * Reads a template written by {@link #toJson()}.
   *
   * @param json the JSON text
   * @return the template
   */
  public static Template fromJson(String json) {
    return Json.read(json, Template.class);
  }
}
