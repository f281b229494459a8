package io.couponengine.code;

import java.util.List;

/**
 * What an import of external codes did ({@code engine.importCodes}). Every code read lands in exactly one of
 * {@code imported}, {@code duplicates}, {@code alreadyPresent} and {@code invalid}.
 *
 * @param templateId the template imported into
 * @param read codes read from the input
 * @param imported codes added to the template's pool by this import
 * @param duplicates codes that appeared earlier in the same input
 * @param alreadyPresent codes the store held already (imported before, by an earlier run, or codes of another
 *     template); a re-run of the same import reports every valid code here
 * @param invalid codes that break the template's {@link io.couponengine.template.CodeRules}
 * @param invalidReasons the first few invalid codes' reasons, {@code "#<position>: <reason>"} (positions from 1)
 */
public record ImportReport(String templateId, long read, long imported, long duplicates, long alreadyPresent,
                           long invalid, List<String> invalidReasons) {
  /** How many invalid codes {@link #invalidReasons()} describes at most. */
  public static final int MAX_REASONS = 10;

  /**
   * Copies the reasons.
   *
   * @param templateId the template imported into
   * @param read codes read from the input
   * @param imported codes added to the template's pool by this import
   * @param duplicates codes that appeared earlier in the same input
   * @param alreadyPresent codes the store held already (imported before, by an earlier run, or codes of another
   *     template); a re-run of the same import reports every valid code here
   * @param invalid codes that break the template's {@link io.couponengine.template.CodeRules}
   * @param invalidReasons the first few invalid codes' reasons, {@code "#<position>: <reason>"} (positions from 1)
   */
  public ImportReport {
    invalidReasons = List.copyOf(invalidReasons);
  }
}
