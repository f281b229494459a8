package io.couponengine.cli;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.error.ErrorCode;

/** The process exit codes of the command line, and how engine errors and claim refusals map to them. */
final class ExitCodes {
  static final int OK = 0;
  /** An unexpected failure (a bug, or {@link ErrorCode#INTERNAL}). */
  static final int INTERNAL = 1;
  /** Bad command line: unknown command or option, missing parameter (picocli's own code). */
  static final int USAGE = 2;
  /** The template (or code) does not exist. */
  static final int NOT_FOUND = 3;
  /** The engine refused: a claim refusal (SOLD_OUT, LIMIT_REACHED, ...), a state conflict, a failed generation. */
  static final int REFUSED = 4;
  /** Invalid input: a bad spec, argument, file or CSV line. Nothing was changed. */
  static final int INVALID_INPUT = 5;
  /** The store cannot be reached or failed. */
  static final int STORE_UNAVAILABLE = 6;
  /** Stopped by Ctrl-C (SIGINT) between batches; running the same command again finishes the rest. */
  static final int INTERRUPTED = 130;

  /** The table printed in every command's --help footer and documented in docs/cli.md. */
  static final String FOOTER = "%nExit codes:%n  0    ok%n  1    unexpected internal error%n  2    usage error (unknown command or option, missing parameter)%n  3    not found (unknown template)%n  4    refused (claim refused: SOLD_OUT, LIMIT_REACHED, TEMPLATE_PAUSED...;%n       state conflict; generation failed)%n  5    invalid input (bad spec, argument, file or CSV line; nothing changed)%n  6    store unavailable%n  130  interrupted (Ctrl-C); run the same command again to finish the rest";

  private ExitCodes() {}

  static int of(ErrorCode code) {
    switch (code) {
      case TEMPLATE_NOT_FOUND:
        return NOT_FOUND;
      case CONFLICT:
      case GENERATION_FAILED:
      case ENGINE_CLOSED:
        return REFUSED;
      case INVALID_TEMPLATE:
      case INVALID_ARGUMENT:
      case INVALID_CODE:
        return INVALID_INPUT;
      case STORE_UNAVAILABLE:
        return STORE_UNAVAILABLE;
      default:
        return INTERNAL;
    }
  }

  static int of(ClaimOutcome outcome) {
    if (outcome.hasCoupon()) {
      return OK;
    }
    return outcome == ClaimOutcome.TEMPLATE_NOT_FOUND || outcome == ClaimOutcome.CODE_NOT_FOUND ? NOT_FOUND
        : REFUSED;
  }
}
