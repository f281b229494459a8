package io.couponengine.cli;

/** A failure the command line reports as one line and an exit code (a bad file, an unreachable store, ...). */
final class CliFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int exitCode;
  final String kind;

  CliFailure(int exitCode, String kind, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
    this.kind = kind;
  }

  static CliFailure invalid(String format, Object... args) {
    return new CliFailure(ExitCodes.INVALID_INPUT, "INVALID_INPUT", String.format(format, args));
  }
}
