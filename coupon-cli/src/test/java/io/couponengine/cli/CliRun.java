package io.couponengine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/** Runs a command in-process, as {@code main} does, with stdout and stderr captured. */
record CliRun(int exit, String out, String err) {

  static CliRun run(String... args) {
    return run(new CouponCli(), args);
  }

  static CliRun run(CouponCli cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(cli);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  /** Stdout as the one JSON object it must be. */
  JsonNode json() {
    try {
      return CouponCli.JSON.readTree(out);
    } catch (java.io.IOException e) {
      throw new UncheckedIOException("stdout is not one JSON object: " + out + "\nstderr: " + err, e);
    }
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
