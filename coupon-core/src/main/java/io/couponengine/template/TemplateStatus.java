package io.couponengine.template;

/**
 * Life cycle of a template: {@code CREATING → AVAILABLE ⇄ PAUSED → EXPIRED}, or {@code CREATING → FAILED}.
 * Only {@code AVAILABLE} templates can be claimed; coupons already held stay usable whatever the template's status.
 */
public enum TemplateStatus {
  /** Validated and stored; codes are being generated. Claims answer {@code TEMPLATE_NOT_READY}. */
  CREATING,
  /** All codes are in the pool; claims are accepted until the pool is empty or the template expires. */
  AVAILABLE,
  /** An operator stopped claims for a while ({@code engine.pause}); claims answer {@code TEMPLATE_PAUSED}. */
  PAUSED,
  /** Code generation failed; the template never becomes claimable. See {@link Template#failureReason()}. */
  FAILED,
  /** The claim window is over. */
  EXPIRED;

  /**
   * Whether no further transition can leave this status.
   *
   * @return true for FAILED and EXPIRED
   */
  public boolean isFinal() {
    return this == FAILED || this == EXPIRED;
  }
}
