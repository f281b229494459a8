package io.couponengine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.couponengine.CouponEngine;
import io.couponengine.error.CouponException;
import io.couponengine.error.Violation;
import io.couponengine.event.CouponEventListener;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The operator's command line: templates, codes, grants, stats, sweeps and support claims over any store the library
 * supports, one command per process.
 *
 * <pre>{@code
 * java -jar coupon-cli/target/coupon-cli.jar template create coupon-cli/examples/spec.json
 * java -jar coupon-cli/target/coupon-cli.jar --store redis://127.0.0.1:6379 grant <template-id> vip-1 users.csv
 * }</pre>
 *
 * <p>By default the store is an H2 file database under {@code ./coupon-data} (created when missing), so a session of
 * several commands keeps its state with nothing installed; {@code --store} or the {@code COUPON_STORE} environment
 * variable name another. Results go to stdout ({@code --json}: exactly one JSON object), progress and errors to
 * stderr; the exit code says what failed (see {@code --help}). Not thread-safe: one instance runs one command.
 */
@Command(name = "coupon", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
    versionProvider = CouponCli.Version.class, sortOptions = false, usageHelpAutoWidth = true,
    description = "Operate a coupon engine store: templates, codes, grants, stats, sweeps, support claims.",
    footer = ExitCodes.FOOTER,
    subcommands = {
        Commands.TemplateCmd.class,
        Commands.CodesCmd.class,
        Commands.GrantCmd.class,
        Commands.StatsCmd.class,
        Commands.SweepCmd.class,
        Commands.ClaimCmd.class,
        Commands.CompletionCmd.class,
        CommandLine.HelpCommand.class
    })
public final class CouponCli implements java.util.concurrent.Callable<Integer> {
  static final ObjectMapper JSON = new ObjectMapper();
  /** How long a Ctrl-C waits for the running batch before the process ends anyway. */
  static final long STOP_WAIT_SECONDS = 30;

  @Spec
  CommandSpec spec;

  @Option(names = "--store", scope = ScopeType.INHERIT, paramLabel = "<store>",
      defaultValue = "${env:COUPON_STORE:-" + Stores.DEFAULT + "}",
      description = {"memory | redis://[user:password@]host:port[/db] | jdbc:<url>.",
          "Default: $COUPON_STORE, else ${DEFAULT-VALUE}",
          "(an H2 file database under ./coupon-data, tables created when missing).",
          "memory keeps state for this one command only."})
  String store;

  @Option(names = "--prefix", scope = ScopeType.INHERIT, paramLabel = "<prefix>",
      defaultValue = "${env:COUPON_PREFIX:-coupons}",
      description = "Redis key prefix (default: $COUPON_PREFIX, else ${DEFAULT-VALUE}).")
  String prefix;

  @Option(names = "--table-prefix", scope = ScopeType.INHERIT, paramLabel = "<prefix>",
      defaultValue = "${env:COUPON_TABLE_PREFIX:-coupon_}",
      description = "JDBC table prefix; tables are created when missing (default: $COUPON_TABLE_PREFIX, else "
          + "${DEFAULT-VALUE}).")
  String tablePrefix;

  @Option(names = "--json", scope = ScopeType.INHERIT,
      description = "Print one JSON object on stdout (errors too); progress stays on stderr.")
  boolean json;

  @Option(names = "--progress", scope = ScopeType.INHERIT, paramLabel = "<mode>", defaultValue = "auto",
      description = "auto | bar | lines | none (default: ${DEFAULT-VALUE}: a bar when a terminal is attached, "
          + "else a line every 2 s on stderr).")
  String progress;

  /** Set by Ctrl-C (or a test): long commands stop after the running batch. */
  final AtomicBoolean cancel = new AtomicBoolean();
  /** Test hook: called with the number of batches done after each batch of a grant or an import. */
  IntConsumer afterBatch = n -> { };
  /** Interval of the plain progress lines. */
  long lineIntervalMillis = 2_000;

  private Stores.Opened opened;
  private CouponEngine engine;
  private Guard guard;

  /** Creates the command; run it with {@code new CommandLine(new CouponCli()).execute(args)}. */
  public CouponCli() {
  }

  /**
   * Runs one command and exits with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    int code = new CommandLine(new CouponCli()).execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** The version in {@code --version}: the jar's implementation version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = CouponCli.class.getPackage().getImplementationVersion();
      return new String[] {"coupon-cli " + (v == null ? "(development build)" : v)};
    }
  }

  // ---- running a command ------------------------------------------------------------------------------------

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  Progress.Mode progressMode() {
    try {
      return Progress.Mode.valueOf(progress.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw CliFailure.invalid("--progress must be auto, bar, lines or none but was '%s'", progress);
    }
  }

  Progress progress(String verb, long total) {
    return Progress.create(progressMode(), verb, total, err(), errStream(), lineIntervalMillis);
  }

  private static PrintStream errStream() {
    return System.err;
  }

  Stores.Opened store() {
    if (opened == null) {
      progressMode(); // validate the options before touching a store
      opened = Stores.open(store, prefix, tablePrefix);
    }
    return opened;
  }

  CouponEngine engine() {
    return engine(null);
  }

  CouponEngine engine(CouponEventListener listener) {
    if (engine == null) {
      CouponEngine.Builder b = CouponEngine.builder().store(store().store);
      if (listener != null) {
        b.listener(listener);
      }
      engine = b.build();
    }
    return engine;
  }

  int run(Commands.Base command) {
    try {
      return command.run();
    } catch (Throwable t) {
      return failure(t);
    } finally {
      if (engine != null) {
        engine.close();
        engine = null;
      }
      if (opened != null) {
        opened.close();
        opened = null;
      }
      out().flush();
      err().flush();
      if (guard != null) {
        guard.close(); // last: a Ctrl-C waits for the output and the closed store
        guard = null;
      }
    }
  }

  private int failure(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException || e instanceof UncheckedIOException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof CliFailure) {
      CliFailure f = (CliFailure) e;
      return fail(f.exitCode, f.kind, f.getMessage(), null);
    }
    if (e instanceof CouponException) {
      CouponException c = (CouponException) e;
      return fail(ExitCodes.of(c.code()), c.code().name(), c.getMessage(), c);
    }
    if (e instanceof IOException) {
      return fail(ExitCodes.INVALID_INPUT, "IO_ERROR", String.valueOf(e.getMessage()), null);
    }
    e.printStackTrace(err());
    return fail(ExitCodes.INTERNAL, "INTERNAL", e.toString(), null);
  }

  int fail(int exitCode, String kind, String message, CouponException cause) {
    if (json) {
      ObjectNode o = JSON.createObjectNode();
      o.put("ok", false);
      o.put("error", kind);
      o.put("message", message);
      o.put("exitCode", exitCode);
      if (cause != null && !cause.violations().isEmpty()) {
        ArrayNode v = o.putArray("violations");
        for (Violation violation : cause.violations()) {
          v.addObject().put("field", violation.field()).put("message", violation.message());
        }
      }
      print(o);
    }
    err().println("error: " + message);
    if (cause != null && cause.code() == io.couponengine.error.ErrorCode.INVALID_TEMPLATE) {
      for (Violation v : cause.violations()) {
        err().println("  " + v.field() + ": " + v.message());
      }
    }
    return exitCode;
  }

  void print(JsonNode node) {
    try {
      out().println(JSON.writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode ok(String command) {
    ObjectNode o = JSON.createObjectNode();
    o.put("ok", true);
    o.put("command", command);
    return o;
  }

  // ---- Ctrl-C -----------------------------------------------------------------------------------------------

  /**
   * Installs a shutdown hook for a long command: Ctrl-C sets {@link #cancel} and waits (at most
   * {@value #STOP_WAIT_SECONDS} s) until the command closes the returned guard, so the running batch finishes and the
   * "stopped after" line is printed. Closed by {@link #run} when the command is done.
   */
  void guard() {
    if (guard == null) {
      guard = new Guard();
    }
  }

  final class Guard implements AutoCloseable {
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    Guard() {
      hook = new Thread(() -> {
        cancel.set(true);
        try {
          finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "coupon-cli-stop");
      Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Called when the command's output is complete and the store closed. */
    @Override
    public void close() {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is waiting for this
      }
      finished.countDown();
    }
  }
}
