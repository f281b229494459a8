package io.couponengine.template;

/**
 * How a template's codes leave its pool.
 *
 * <ul>
 *   <li>{@link #CLAIM} (the default): {@code engine.claim} gives each user the next code of the pool; with a
 *       {@linkplain TemplateSpec#sharedCode() shared code}, {@code engine.claimByCode} does the same.</li>
 *   <li>{@link #CODE_ENTRY}: codes are handed out outside the engine (printed cards, e-mails) and bound to whoever
 *       enters one first with {@code engine.claimByCode}; {@code engine.claim} answers {@code CODE_REQUIRED}.</li>
 * </ul>
 */
public enum Distribution {
  /** The pool hands out its next code on each claim. */
  CLAIM,
  /** A code is bound to the first user who enters it. */
  CODE_ENTRY
}
