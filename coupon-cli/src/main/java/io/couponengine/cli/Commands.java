package io.couponengine.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.claim.GrantReport;
import io.couponengine.code.ImportReport;
import io.couponengine.coupon.Coupon;
import io.couponengine.event.EventType;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStats;
import io.couponengine.template.TemplateStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The subcommands. Each runs through {@link CouponCli#run}, which maps failures to exit codes. */
final class Commands {
  private Commands() {}

  /** A runnable subcommand. */
  abstract static class Base implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    CouponCli cli;

    @Override
    public Integer call() {
      cli = (CouponCli) spec.root().userObject();
      return cli.run(this);
    }

    abstract int run() throws Exception;

    void say(String line) {
      cli.out().println(line);
    }

    void note(String line) {
      cli.err().println(line);
    }

    Template existing(String templateId) {
      return cli.engine().template(templateId).orElseThrow(() -> new CliFailure(ExitCodes.NOT_FOUND,
          "TEMPLATE_NOT_FOUND", "no template '" + templateId + "' in " + cli.store().description));
    }

    int stopped(ObjectNode report, long done, long total, String what) {
      String line = "stopped after " + done + " of " + total + " " + what + "; run the same command again to finish";
      if (cli.json) {
        report.put("ok", false);
        report.put("error", "INTERRUPTED");
        report.put("message", line);
        report.put("exitCode", ExitCodes.INTERRUPTED);
        cli.print(report);
      }
      note(line);
      return ExitCodes.INTERRUPTED;
    }
  }

  // ---- input files ------------------------------------------------------------------------------------------

  static BufferedReader open(String file) throws IOException {
    if (file.equals("-")) {
      return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }
    Path p = Path.of(file);
    if (Files.isDirectory(p)) {
      throw CliFailure.invalid("%s is a directory, not a file", file);
    }
    try {
      return Files.newBufferedReader(p, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw CliFailure.invalid("no file %s", file);
    }
  }

  /** The first CSV column of a line: unquoted, or in double quotes ("" for a quote); trimmed. */
  static String firstColumn(String line) {
    String s = line.strip();
    if (s.startsWith("\"")) {
      StringBuilder b = new StringBuilder();
      for (int i = 1; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"') {
          if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
            b.append('"');
            i++;
          } else {
            return b.toString().strip();
          }
        } else {
          b.append(c);
        }
      }
      return null; // no closing quote
    }
    int comma = s.indexOf(',');
    return (comma < 0 ? s : s.substring(0, comma)).strip();
  }

  private static final Set<String> HEADERS = Set.of("user", "userid", "user_id", "user id", "user-id", "users", "id",
      "uid");

  /** Reads user ids from a CSV file: one per line or the first column; a header line and blank lines skipped. */
  static final class UserCsv {
    final String file;
    private boolean first = true;
    private long lineNo;

    UserCsv(String file) {
      this.file = file;
    }

    /** The user id of the line, or null to skip it; throws for a line that holds no valid user id. */
    String user(String line) {
      lineNo++;
      if (line.isBlank()) {
        return null;
      }
      String cell = firstColumn(line);
      boolean wasFirst = first;
      first = false;
      if (cell == null) {
        throw CliFailure.invalid("%s line %d: unclosed quote", file, lineNo);
      }
      if (wasFirst && HEADERS.contains(cell.toLowerCase(java.util.Locale.ROOT))) {
        return null;
      }
      String problem = idProblem(cell);
      if (problem != null) {
        throw CliFailure.invalid("%s line %d: not a user id (%s): %s", file, lineNo, problem, abbreviate(line));
      }
      return cell;
    }
  }

  static String idProblem(String id) {
    if (id.isBlank()) {
      return "blank";
    }
    if (id.length() > CouponEngine.MAX_ID_LENGTH) {
      return "longer than " + CouponEngine.MAX_ID_LENGTH + " characters";
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        return "control character";
      }
    }
    return null;
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  // ---- template ---------------------------------------------------------------------------------------------

  @Command(name = "template", description = "Create, show, list, pause and resume templates.",
      subcommands = {TemplateCreate.class, TemplateShow.class, TemplateList.class, TemplatePause.class,
          TemplateResume.class})
  static final class TemplateCmd implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return ExitCodes.USAGE;
    }
  }

  static ObjectNode templateJson(Template t) {
    ObjectNode o = (ObjectNode) CouponCli.tree(t.toJson());
    o.put("totalCount", t.totalCount());
    return o;
  }

  static void sayTemplate(Base b, Template t) {
    b.say("id:        " + t.id());
    b.say("name:      " + t.spec().name());
    b.say("category:  " + t.spec().category());
    b.say("status:    " + t.status() + (t.failureReason() == null ? "" : " (" + t.failureReason() + ")"));
    b.say("total:     " + t.totalCount());
    b.say("per user:  " + t.spec().perUserLimit());
    b.say("created:   " + t.createdAt());
  }

  /** Waits for a generation, showing the codes loaded so far. */
  static Template awaitGeneration(Base b, CompletableFuture<Template> f, AtomicLong generated, long base, long count)
      throws Exception {
    if (count > 0) {
      try (Progress p = b.cli.progress("generated", count)) {
        while (!f.isDone()) {
          p.stepTo(Math.max(0, Math.min(count, generated.get() - base)));
          try {
            f.get(200, TimeUnit.MILLISECONDS);
          } catch (TimeoutException stillRunning) {
            // next tick
          } catch (Exception done) {
            break; // reported by join below
          }
        }
        if (!f.isCompletedExceptionally()) {
          p.stepTo(count);
        }
      }
    }
    return f.join();
  }

  @Command(name = "create", description = {"Create a template from a JSON spec (TemplateSpec.toJson format) and wait "
      + "until its codes are generated.", "Prints the template id (with --json: the template)."})
  static final class TemplateCreate extends Base {
    @Parameters(index = "0", paramLabel = "<spec.json>", description = "The spec file, or - for stdin.")
    String file;

    @Override
    int run() throws Exception {
      String text;
      try (BufferedReader r = open(file)) {
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[8192];
        for (int n; (n = r.read(buf)) > 0; ) {
          sb.append(buf, 0, n);
        }
        text = sb.toString();
      }
      TemplateSpec spec = TemplateSpec.fromJson(text);
      AtomicLong generated = new AtomicLong();
      CouponEngine engine = cli.engine(e -> {
        if (e.type() == EventType.GENERATION_PROGRESS && e.details() != null) {
          generated.accumulateAndGet(Long.parseLong(e.details().getOrDefault("generated", "0")), Math::max);
        }
      });
      Template created = engine.createTemplate(spec);
      Template ready = awaitGeneration(this, engine.generation(created.id()), generated, 0, created.totalCount());
      if (cli.json) {
        ObjectNode o = CouponCli.ok("template create");
        o.set("template", templateJson(ready));
        cli.print(o);
      } else {
        say(ready.id());
        note("template " + ready.id() + " '" + ready.spec().name() + "' is " + ready.status() + " with "
            + ready.totalCount() + " codes (" + cli.store().description + ")");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "show", description = "Show a template and its figures.")
  static final class TemplateShow extends Base {
    @Parameters(index = "0", paramLabel = "<template-id>")
    String id;

    @Override
    int run() {
      Template t = existing(id);
      TemplateStats s = cli.engine().stats(id);
      if (cli.json) {
        ObjectNode o = CouponCli.ok("template show");
        o.set("template", templateJson(t));
        o.set("stats", statsJson(s));
        cli.print(o);
      } else {
        sayTemplate(this, t);
        sayStats(this, s);
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", description = "List the templates (all, or those in one status).")
  static final class TemplateList extends Base {
    @Option(names = "--status", paramLabel = "<status>",
        description = "Only this status: ${COMPLETION-CANDIDATES}.")
    TemplateStatus status;

    @Override
    int run() {
      List<Template> all = new ArrayList<>();
      for (TemplateStatus s : status == null ? TemplateStatus.values() : new TemplateStatus[] {status}) {
        all.addAll(cli.store().store.findTemplates(s));
      }
      all.sort(java.util.Comparator.comparing(Template::createdAt).thenComparing(Template::id));
      if (cli.json) {
        ObjectNode o = CouponCli.ok("template list");
        ArrayNode a = o.putArray("templates");
        for (Template t : all) {
          a.add(templateJson(t));
        }
        cli.print(o);
      } else {
        for (Template t : all) {
          say(String.format("%-12s %-9s %10d  %s", t.id(), t.status(), t.totalCount(), t.spec().name()));
        }
        note(all.size() + " template(s)");
      }
      return ExitCodes.OK;
    }
  }

  abstract static class StatusSwitch extends Base {
    @Parameters(index = "0", paramLabel = "<template-id>")
    String id;

    abstract Template apply(CouponEngine engine, String templateId);

    abstract String name();

    @Override
    int run() {
      existing(id);
      Template t = apply(cli.engine(), id);
      if (cli.json) {
        ObjectNode o = CouponCli.ok("template " + name());
        o.set("template", templateJson(t));
        cli.print(o);
      } else {
        say(t.id() + " " + t.status());
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "pause", description = "Pause claims of a template (held coupons stay usable). Idempotent.")
  static final class TemplatePause extends StatusSwitch {
    @Override
    Template apply(CouponEngine engine, String templateId) {
      return engine.pause(templateId);
    }

    @Override
    String name() {
      return "pause";
    }
  }

  @Command(name = "resume", description = "Resume claims of a paused template. Idempotent.")
  static final class TemplateResume extends StatusSwitch {
    @Override
    Template apply(CouponEngine engine, String templateId) {
      return engine.resume(templateId);
    }

    @Override
    String name() {
      return "resume";
    }
  }

  // ---- codes ------------------------------------------------------------------------------------------------

  @Command(name = "codes", description = "Add generated codes, import external codes, export unclaimed codes.",
      subcommands = {CodesAdd.class, CodesImport.class, CodesExport.class})
  static final class CodesCmd implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return ExitCodes.USAGE;
    }
  }

  @Command(name = "add", description = "Add <n> generated codes to an AVAILABLE or PAUSED template and wait for them.")
  static final class CodesAdd extends Base {
    @Parameters(index = "0", paramLabel = "<template-id>")
    String id;

    @Parameters(index = "1", paramLabel = "<n>", description = "How many codes to add.")
    long count;

    @Override
    int run() throws Exception {
      AtomicLong generated = new AtomicLong();
      CouponEngine engine = cli.engine(e -> {
        if (e.type() == EventType.GENERATION_PROGRESS && e.details() != null) {
          generated.accumulateAndGet(Long.parseLong(e.details().getOrDefault("generated", "0")), Math::max);
        }
      });
      long before = existing(id).totalCount();
      Template t = awaitGeneration(this, engine.addCodes(id, count), generated, before, count);
      if (cli.json) {
        ObjectNode o = CouponCli.ok("codes add");
        o.put("added", count);
        o.set("template", templateJson(t));
        cli.print(o);
      } else {
        say("added " + count + " codes to " + id + "; total " + t.totalCount());
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "import", description = {"Import external codes (one per line) into a template made with "
      + "externalCodes, in batches.", "Idempotent: Ctrl-C stops after the running batch; running the same command "
      + "again imports the rest and nothing twice."})
  static final class CodesImport extends Base {
    @Parameters(index = "0", paramLabel = "<template-id>")
    String id;

    @Parameters(index = "1", paramLabel = "<file>", description = "One code per line (blank lines skipped).")
    String file;

    @Option(names = "--batch", paramLabel = "<n>", defaultValue = "50000",
        description = "Codes per engine call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    int run() throws Exception {
      if (batch < 1 || batch > 1_000_000) {
        throw CliFailure.invalid("--batch must be between 1 and 1000000 but was %d", batch);
      }
      if (file.equals("-")) {
        throw CliFailure.invalid("codes import reads a file (it is read twice: to count, then to import)");
      }
      long total = 0;
      try (BufferedReader r = open(file)) {
        for (String line; (line = r.readLine()) != null; ) {
          if (!line.isBlank()) {
            total++;
          }
        }
      }
      CouponEngine engine = cli.engine();
      existing(id);
      cli.guard();
      long read = 0;
      long imported = 0;
      long duplicates = 0;
      long present = 0;
      long invalid = 0;
      List<String> reasons = new ArrayList<>();
      int batches = 0;
      boolean stopped = false;
      try (BufferedReader r = open(file); Progress p = cli.progress("imported", total)) {
        List<String> codes = new ArrayList<>(Math.min(batch, 65_536));
        String line = r.readLine();
        while (line != null || !codes.isEmpty()) {
          if (line != null && codes.size() < batch) {
            if (!line.isBlank()) {
              codes.add(line.strip());
            }
            line = r.readLine();
            continue;
          }
          if (cli.cancel.get()) {
            stopped = true;
            break;
          }
          ImportReport rep = engine.importCodes(id, codes);
          read += rep.read();
          imported += rep.imported();
          duplicates += rep.duplicates();
          present += rep.alreadyPresent();
          invalid += rep.invalid();
          for (String reason : rep.invalidReasons()) {
            if (reasons.size() < ImportReport.MAX_REASONS) {
              reasons.add(reason);
            }
          }
          p.step(codes.size());
          codes.clear();
          cli.afterBatch.accept(++batches);
        }
      }
      ObjectNode o = CouponCli.ok("codes import");
      o.put("templateId", id);
      o.put("total", total);
      o.put("read", read);
      o.put("imported", imported);
      o.put("duplicates", duplicates);
      o.put("alreadyPresent", present);
      o.put("invalid", invalid);
      ArrayNode a = o.putArray("invalidReasons");
      reasons.forEach(a::add);
      if (stopped) {
        if (!cli.json) {
          say("imported " + imported + ", already present " + present + ", repeated " + duplicates + ", invalid "
              + invalid + " (of " + read + " read)");
        }
        return stopped(o, read, total, "codes");
      }
      if (cli.json) {
        cli.print(o);
      } else {
        say("imported " + imported + ", already present " + present + ", repeated " + duplicates + ", invalid "
            + invalid + " (of " + read + " read)");
        for (String reason : reasons) {
          note("  invalid: " + reason);
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "export", description = "Write a template's unclaimed codes as CSV, one per line (the file is "
      + "replaced only when the export is complete).")
  static final class CodesExport extends Base {
    @Parameters(index = "0", paramLabel = "<template-id>")
    String id;

    @Parameters(index = "1", paramLabel = "<file>")
    String file;

    @Override
    int run() throws Exception {
      Path target = Path.of(file).toAbsolutePath();
      if (Files.isDirectory(target)) {
        throw CliFailure.invalid("%s is a directory", file);
      }
      if (target.getParent() != null && !Files.isDirectory(target.getParent())) {
        throw CliFailure.invalid("no directory %s", target.getParent());
      }
      CouponEngine engine = cli.engine();
      existing(id);
      long expected = engine.stats(id).remaining();
      cli.guard();
      Path tmp = target.resolveSibling(target.getFileName() + ".part");
      long written;
      try (Progress p = cli.progress("exported", expected);
           Writer w = new CountingWriter(Files.newBufferedWriter(tmp, StandardCharsets.UTF_8), p, cli)) {
        written = engine.exportCodes(id, w);
      } catch (Stopped s) {
        Files.deleteIfExists(tmp);
        return stopped(CouponCli.ok("codes export"), s.lines, expected, "codes (nothing written)");
      } catch (Exception e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      if (cli.json) {
        ObjectNode o = CouponCli.ok("codes export");
        o.put("templateId", id);
        o.put("written", written);
        o.put("file", target.toString());
        cli.print(o);
      } else {
        say("exported " + written + " codes to " + target);
      }
      return ExitCodes.OK;
    }
  }

  /** Ctrl-C during an export. */
  static final class Stopped extends IOException {
    private static final long serialVersionUID = 1L;
    final long lines;

    Stopped(long lines) {
      super("stopped");
      this.lines = lines;
    }
  }

  /** Counts the lines written (for progress) and stops on Ctrl-C. */
  static final class CountingWriter extends Writer {
    private final Writer out;
    private final Progress progress;
    private final CouponCli cli;
    private long lines;

    CountingWriter(Writer out, Progress progress, CouponCli cli) {
      this.out = out;
      this.progress = progress;
      this.cli = cli;
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
      if (cli.cancel.get()) {
        throw new Stopped(lines);
      }
      out.write(buf, off, len);
      long n = 0;
      for (int i = off; i < off + len; i++) {
        if (buf[i] == '\n') {
          n++;
        }
      }
      if (n > 0) {
        lines += n;
        progress.step(n);
      }
    }

    @Override
    public void write(String s, int off, int len) throws IOException {
      write(s.toCharArray(), off, len);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  // ---- grant ------------------------------------------------------------------------------------------------

  @Command(name = "grant", description = {"Grant a coupon of a template to every user in a CSV file (one user id "
      + "per line, or the first column; a header line is skipped), in batches.",
      "The grant id makes it idempotent: Ctrl-C stops after the running batch; running the same command again "
          + "grants the rest and nobody twice."})
  static final class GrantCmd extends Base {
    @Parameters(index = "0", paramLabel = "<template-id>")
    String id;

    @Parameters(index = "1", paramLabel = "<grant-id>", description = "The grant's id (its idempotency scope), at "
        + "most 100 characters.")
    String grantId;

    @Parameters(index = "2", paramLabel = "<users.csv>", description = "The users, or - for stdin.")
    String file;

    @Option(names = "--batch", paramLabel = "<n>", defaultValue = "5000",
        description = "Users per engine call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    int run() throws Exception {
      if (batch < 1 || batch > 100_000) {
        throw CliFailure.invalid("--batch must be between 1 and 100000 but was %d", batch);
      }
      String problem = idProblem(grantId);
      if (problem != null || grantId.length() > 100) {
        throw CliFailure.invalid("<grant-id> is not an id (%s)", problem == null ? "longer than 100 characters"
            : problem);
      }
      // first pass: validate every line and count, so a bad line changes nothing
      List<String> stdin = file.equals("-") ? new ArrayList<>() : null;
      long total = 0;
      UserCsv csv = new UserCsv(file.equals("-") ? "stdin" : file);
      try (BufferedReader r = open(file)) {
        for (String line; (line = r.readLine()) != null; ) {
          String user = csv.user(line);
          if (user != null) {
            total++;
            if (stdin != null) {
              stdin.add(user);
            }
          }
        }
      }
      CouponEngine engine = cli.engine();
      existing(id);
      cli.guard();
      long processed = 0;
      long granted = 0;
      long already = 0;
      long limit = 0;
      long soldOut = 0;
      long invalid = 0;
      Map<ClaimOutcome, Long> byOutcome = new EnumMap<>(ClaimOutcome.class);
      int batches = 0;
      boolean stopped = false;
      try (BufferedReader r = stdin == null ? open(file) : null; Progress p = cli.progress("granted", total)) {
        java.util.Iterator<String> users = stdin != null ? stdin.iterator() : null;
        UserCsv again = new UserCsv(file);
        List<String> chunk = new ArrayList<>(batch);
        boolean more = true;
        while (more || !chunk.isEmpty()) {
          if (more && chunk.size() < batch) {
            String user;
            if (users != null) {
              more = users.hasNext();
              user = more ? users.next() : null;
            } else {
              String line = r.readLine();
              more = line != null;
              user = more ? again.user(line) : null;
            }
            if (user != null) {
              chunk.add(user);
            }
            continue;
          }
          if (cli.cancel.get()) {
            stopped = true;
            break;
          }
          GrantReport rep = engine.grant(id, grantId, chunk).join();
          processed += rep.processed();
          granted += rep.granted();
          already += rep.alreadyGranted();
          limit += rep.limitReached();
          soldOut += rep.soldOut();
          invalid += rep.invalidUsers();
          rep.byOutcome().forEach((k, v) -> byOutcome.merge(k, v, Long::sum));
          p.step(chunk.size());
          chunk.clear();
          cli.afterBatch.accept(++batches);
        }
      }
      ObjectNode o = CouponCli.ok("grant");
      o.put("templateId", id);
      o.put("grantId", grantId);
      o.put("total", total);
      o.put("processed", processed);
      o.put("granted", granted);
      o.put("alreadyGranted", already);
      o.put("limitReached", limit);
      o.put("soldOut", soldOut);
      o.put("invalidUsers", invalid);
      ObjectNode outcomes = o.putObject("byOutcome");
      byOutcome.forEach((k, v) -> outcomes.put(k.name(), v));
      String summary = "granted " + granted + ", already granted " + already + ", limit reached " + limit
          + ", sold out " + soldOut + " (of " + processed + " processed)";
      if (stopped) {
        if (!cli.json) {
          say(summary);
        }
        return stopped(o, processed, total, "users");
      }
      if (cli.json) {
        cli.print(o);
      } else {
        say(summary);
        byOutcome.forEach((k, v) -> {
          if (k != ClaimOutcome.CLAIMED && k != ClaimOutcome.DUPLICATE) {
            note("  " + k + ": " + v);
          }
        });
      }
      return ExitCodes.OK;
    }
  }

  // ---- stats, sweep, claim, completion ----------------------------------------------------------------------

  static ObjectNode statsJson(TemplateStats s) {
    ObjectNode o = CouponCli.JSON.createObjectNode();
    o.put("templateId", s.templateId());
    o.put("issued", s.issued());
    o.put("usable", s.usable());
    o.put("reserved", s.reserved());
    o.put("used", s.used());
    o.put("expired", s.expired());
    o.put("remaining", s.remaining());
    o.put("discountGiven", s.discountGiven().toPlainString());
    return o;
  }

  static void sayStats(Base b, TemplateStats s) {
    b.say("issued:    " + s.issued());
    b.say("usable:    " + s.usable());
    b.say("reserved:  " + s.reserved());
    b.say("used:      " + s.used());
    b.say("expired:   " + s.expired());
    b.say("remaining: " + s.remaining());
    b.say("discount:  " + s.discountGiven().toPlainString());
  }

  @Command(name = "stats", description = "A template's figures: issued, usable, reserved, used, expired, remaining, "
      + "discount given.")
  static final class StatsCmd extends Base {
    @Parameters(index = "0", paramLabel = "<template-id>")
    String id;

    @Override
    int run() {
      TemplateStats s = cli.engine().stats(id);
      if (cli.json) {
        ObjectNode o = CouponCli.ok("stats");
        o.set("stats", statsJson(s));
        cli.print(o);
      } else {
        sayStats(this, s);
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "sweep", description = "Expire every template past its claim window and every coupon past its "
      + "validity, and release stale reservations (what the engine's scheduled sweep does), once.")
  static final class SweepCmd extends Base {
    @Override
    int run() {
      note("sweeping " + cli.store().description + " ...");
      long start = System.nanoTime();
      int expired;
      int released;
      // the total is unknown until the sweep ends: the progress counts what the sweep's events report (expired
      // templates and coupons, released orders; published synchronously, batch by batch) with its rate
      try (Progress p = cli.progress("swept", -1)) {
        CouponEngine engine = cli.engine(e -> {
          if (e.type() == EventType.EXPIRED || e.type() == EventType.TEMPLATE_EXPIRED
              || e.type() == EventType.RELEASED) {
            p.step(1);
          }
        });
        expired = engine.expireDue();
        released = engine.releaseStaleReservations();
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      if (cli.json) {
        ObjectNode o = CouponCli.ok("sweep");
        o.put("expired", expired);
        o.put("releasedOrders", released);
        o.put("millis", millis);
        cli.print(o);
      } else {
        say("expired " + expired + " coupons and templates, released " + released + " stale orders in " + millis
            + " ms");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "claim", description = {"Claim a coupon of a template for a user (for support staff).",
      "Exit code 0 when the user holds the coupon (CLAIMED or DUPLICATE), 3 for an unknown template, "
          + "4 for a refusal."})
  static final class ClaimCmd extends Base {
    @Parameters(index = "0", paramLabel = "<user>")
    String user;

    @Parameters(index = "1", paramLabel = "<template-id>")
    String id;

    @Option(names = "--key", paramLabel = "<key>", description = "Idempotency key: the same key answers DUPLICATE "
        + "with the first coupon (default: a new random key).")
    String key;

    @Override
    int run() {
      String k = key == null ? "cli-" + UUID.randomUUID() : key;
      ClaimResult r = cli.engine().claim(new ClaimRequest(user, id, k));
      int exit = ExitCodes.of(r.outcome());
      if (cli.json) {
        ObjectNode o = CouponCli.ok("claim");
        o.put("ok", exit == ExitCodes.OK);
        o.put("outcome", r.outcome().name());
        o.put("idempotencyKey", k);
        o.put("exitCode", exit);
        Coupon c = r.couponOrNull();
        if (c != null) {
          o.set("coupon", CouponCli.tree(c.toJson()));
        }
        cli.print(o);
      } else if (r.couponOrNull() != null) {
        say(r.outcome() + " " + r.couponOrNull().code());
      } else {
        say(r.outcome().name());
        note("claim refused: " + r.outcome());
      }
      return exit;
    }
  }

  @Command(name = "completion", description = {"Print a bash/zsh completion script for the command 'coupon'.",
      "  alias coupon='java -jar /path/to/coupon-cli.jar'",
      "  source <(coupon completion)      # zsh: autoload -U +X bashcompinit && bashcompinit first"})
  static final class CompletionCmd implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }
}
