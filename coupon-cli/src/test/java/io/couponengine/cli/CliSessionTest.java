package io.couponengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.couponengine.CouponEngine;
import io.couponengine.coupon.CouponStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A session of commands on the embedded default (an H2 file database), checked on the store afterwards. */
class CliSessionTest {
  @TempDir
  Path dir;
  String store;
  Path spec;

  static String spec(long total, int perUser) {
    return "{\"name\": \"CLI test\", \"category\": \"THRESHOLD\", \"productLine\": \"mall\", \"totalCount\": " + total
        + ", \"perUserLimit\": " + perUser + ", \"validity\": {\"kind\": \"ROLLING\", \"duration\": \"P30D\"},"
        + " \"discount\": {\"kind\": \"THRESHOLD\", \"threshold\": \"100.00\", \"amount\": \"20.00\"}}";
  }

  @BeforeEach
  void setUp() throws Exception {
    store = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
    spec = Files.writeString(dir.resolve("spec.json"), spec(50, 1));
  }

  CliRun cli(String... args) {
    return CliRun.run(with(args));
  }

  String[] with(String... args) {
    List<String> all = new ArrayList<>(List.of("--store", store, "--progress", "none"));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  String create() {
    CliRun r = cli("template", "create", spec.toString(), "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode t = r.json().get("template");
    assertThat(t.get("status").asText()).isEqualTo("AVAILABLE");
    return t.get("id").asText();
  }

  @Test
  void session_keepsStateBetweenCommands_andTheStoreAgrees() throws Exception {
    CliRun plain = cli("template", "create", spec.toString());
    assertThat(plain.exit()).as(plain.toString()).isZero();
    String first = plain.out().strip();
    assertThat(first).matches("[0-9A-Z]+");
    String id = create();

    CliRun show = cli("template", "show", id, "--json");
    assertThat(show.json().get("template").get("totalCount").asLong()).isEqualTo(50);
    assertThat(show.json().get("stats").get("remaining").asLong()).isEqualTo(50);

    CliRun claim = cli("claim", "alice", id, "--key", "k1");
    assertThat(claim.exit()).as(claim.toString()).isZero();
    assertThat(claim.out()).startsWith("CLAIMED ");
    CliRun again = cli("claim", "alice", id, "--key", "k1", "--json");
    assertThat(again.exit()).isZero();
    assertThat(again.json().get("outcome").asText()).isEqualTo("DUPLICATE");
    CliRun limit = cli("claim", "alice", id, "--json");
    assertThat(limit.exit()).isEqualTo(ExitCodes.REFUSED);
    assertThat(limit.json().get("outcome").asText()).isEqualTo("LIMIT_REACHED");

    assertThat(cli("template", "pause", id).exit()).isZero();
    CliRun paused = cli("claim", "bob", id);
    assertThat(paused.exit()).isEqualTo(ExitCodes.REFUSED);
    assertThat(paused.out().strip()).isEqualTo("TEMPLATE_PAUSED");
    assertThat(cli("template", "resume", id, "--json").json().get("template").get("status").asText())
        .isEqualTo("AVAILABLE");
    assertThat(cli("claim", "bob", id).exit()).isZero();

    JsonNode stats = cli("stats", id, "--json").json().get("stats");
    assertThat(stats.get("issued").asLong()).isEqualTo(2);
    assertThat(stats.get("remaining").asLong()).isEqualTo(48);

    JsonNode list = cli("template", "list", "--json").json().get("templates");
    assertThat(list).extracting(t -> t.get("id").asText()).containsExactly(first, id);
    assertThat(cli("template", "list", "--status", "PAUSED", "--json").json().get("templates")).isEmpty();

    CliRun added = cli("codes", "add", id, "20", "--json");
    assertThat(added.exit()).as(added.toString()).isZero();
    assertThat(added.json().get("template").get("totalCount").asLong()).isEqualTo(70);

    Path out = dir.resolve("unclaimed.csv");
    CliRun export = cli("codes", "export", id, out.toString(), "--json");
    assertThat(export.exit()).as(export.toString()).isZero();
    assertThat(export.json().get("written").asLong()).isEqualTo(68);
    assertThat(Files.readAllLines(out)).hasSize(68).doesNotHaveDuplicates();

    CliRun sweep = cli("sweep", "--json");
    assertThat(sweep.exit()).as(sweep.toString()).isZero();
    assertThat(sweep.json().get("expired").asInt()).isZero();

    try (Stores.Opened o = Stores.open(store, "coupons", "coupon_");
         CouponEngine engine = CouponEngine.builder().store(o.store).build()) {
      assertThat(engine.stats(id).issued()).isEqualTo(2);
      assertThat(engine.template(id).orElseThrow().totalCount()).isEqualTo(70);
      assertThat(engine.coupons("alice", CouponStatus.USABLE)).hasSize(1);
      assertThat(engine.coupons("bob", CouponStatus.USABLE)).hasSize(1);
    }
  }

  @Test
  void failures_haveTheirExitCodes_andOneJsonObject() throws Exception {
    CliRun missing = cli("stats", "NOPE42", "--json");
    assertThat(missing.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(missing.json().get("error").asText()).isEqualTo("TEMPLATE_NOT_FOUND");
    assertThat(missing.err()).contains("error: ");
    assertThat(cli("template", "show", "NOPE42").exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(cli("claim", "alice", "NOPE42").exit()).isEqualTo(ExitCodes.NOT_FOUND);

    Path bad = Files.writeString(dir.resolve("bad.json"), spec(50, 1).replace("\"20.00\"", "\"-5\""));
    CliRun invalid = cli("template", "create", bad.toString(), "--json");
    assertThat(invalid.exit()).as(invalid.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(invalid.json().get("ok").asBoolean()).isFalse();
    Path notJson = Files.writeString(dir.resolve("x.json"), "{\"name\": ");
    assertThat(cli("template", "create", notJson.toString()).exit()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(cli("template", "create", dir.resolve("absent.json").toString()).exit())
        .isEqualTo(ExitCodes.INVALID_INPUT);

    assertThat(CliRun.run("--store", "mongodb://x", "template", "list").exit()).isEqualTo(ExitCodes.INVALID_INPUT);
    CliRun down = CliRun.run("--store", "redis://127.0.0.1:1", "stats", "ABC123", "--json");
    assertThat(down.exit()).as(down.toString()).isEqualTo(ExitCodes.STORE_UNAVAILABLE);
    assertThat(down.json().get("error").asText()).isEqualTo("STORE_UNAVAILABLE");
    assertThat(cli("stats").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli("--no-such-option", "sweep").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli("template", "list", "--progress", "fancy").exit()).isEqualTo(ExitCodes.INVALID_INPUT);

    // a bad CSV line: a clear error naming the line, and nobody granted
    String id = create();
    Path users = Files.writeString(dir.resolve("users.csv"), "user_id\nu1\nu2\n\"u3\n");
    CliRun grant = cli("grant", id, "g1", users.toString());
    assertThat(grant.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(grant.err()).contains("line 4").contains("unclosed quote");
    assertThat(cli("stats", id, "--json").json().get("stats").get("issued").asLong()).isZero();
    assertThat(cli("grant", id, "g1", dir.resolve("absent.csv").toString()).exit()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(cli("grant", "NOPE42", "g1", users.toString().replace("users", "absent")).exit())
        .isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(cli("codes", "add", id, "0").exit()).isEqualTo(ExitCodes.INVALID_INPUT);
    Path partner = Files.writeString(dir.resolve("codes.txt"), "ABCDEF\n");
    assertThat(cli("codes", "import", id, partner.toString()).exit()).isEqualTo(ExitCodes.INVALID_INPUT);
  }

  @Test
  void grant_readsCsvFirstColumns_andShowsProgressLines() throws Exception {
    String id = create();
    String csv = "user_id,name\n" + IntStream.rangeClosed(1, 30).mapToObj(i -> "\"user " + i + "\",x")
        .collect(Collectors.joining("\n")) + "\n\n";
    Path users = Files.writeString(dir.resolve("users.csv"), csv, StandardCharsets.UTF_8);
    CouponCli cli = new CouponCli();
    cli.lineIntervalMillis = 0;
    List<String> args = new ArrayList<>(List.of(with("grant", id, "g1", users.toString(), "--batch", "10",
        "--json")));
    args.set(args.indexOf("none"), "lines");
    CliRun r = CliRun.run(cli, args.toArray(String[]::new));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.json().get("granted").asLong()).isEqualTo(30);
    assertThat(r.err()).contains("granted 10/30 (33%)").contains("granted 30/30 (100%)");
    try (Stores.Opened o = Stores.open(store, "coupons", "coupon_");
         CouponEngine engine = CouponEngine.builder().store(o.store).build()) {
      assertThat(engine.coupons("user 7", CouponStatus.USABLE)).hasSize(1);
    }
  }

  @Test
  void sweep_expiresPastValidity_andShowsProgressLines() throws Exception {
    java.time.Instant to = java.time.Instant.now().plusSeconds(2);
    Path fixed = Files.writeString(dir.resolve("fixed.json"), spec(50, 1).replace(
        "{\"kind\": \"ROLLING\", \"duration\": \"P30D\"}",
        "{\"kind\": \"FIXED\", \"from\": \"" + to.minusSeconds(3600) + "\", \"to\": \"" + to + "\"}"));
    CliRun created = cli("template", "create", fixed.toString(), "--json");
    assertThat(created.exit()).as(created.toString()).isZero();
    String id = created.json().get("template").get("id").asText();
    for (String user : List.of("ann", "bob", "cid")) {
      assertThat(cli("claim", user, id).exit()).isZero();
    }
    Thread.sleep(Math.max(0, java.time.Duration.between(java.time.Instant.now(), to).toMillis() + 200));

    CouponCli cli = new CouponCli();
    cli.lineIntervalMillis = 0;
    List<String> args = new ArrayList<>(List.of(with("sweep", "--json")));
    args.set(args.indexOf("none"), "lines");
    CliRun r = CliRun.run(cli, args.toArray(String[]::new));
    assertThat(r.exit()).as(r.toString()).isZero();
    int expired = r.json().get("expired").asInt();
    assertThat(expired).isEqualTo(4); // the template and its three coupons
    assertThat(r.err()).contains("swept 1, ").contains("swept 4, ");
    assertThat(cli("sweep", "--json").json().get("expired").asInt()).isZero();
  }

  @Test
  void export_stoppedByCtrlC_leavesNoFile_andBarModeRuns() throws Exception {
    String id = create();
    Path out = dir.resolve("codes.csv");
    CouponCli stopped = new CouponCli();
    stopped.cancel.set(true); // as the Ctrl-C hook sets it
    CliRun r = CliRun.run(stopped, with("codes", "export", id, out.toString()));
    assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.INTERRUPTED);
    assertThat(r.err()).contains("stopped after 0 of 50 codes");
    assertThat(out).doesNotExist();
    assertThat(dir.resolve("codes.csv.part")).doesNotExist();

    List<String> args = new ArrayList<>(List.of(with("codes", "export", id, out.toString())));
    args.set(args.indexOf("none"), "bar");
    CliRun bar = CliRun.run(args.toArray(String[]::new));
    assertThat(bar.exit()).as(bar.toString()).isZero();
    assertThat(Files.readAllLines(out)).hasSize(50);
  }

  @Test
  void memoryStore_lastsOneCommand() {
    CliRun r = CliRun.run("--store", "memory", "template", "list", "--json");
    assertThat(r.exit()).isZero();
    assertThat(r.json().get("templates")).isEmpty();
  }

  @Test
  void help_onEveryCommand_exitsZero_withTheExitCodeTable() {
    List<List<String>> paths = new ArrayList<>();
    collect(new CommandLine(new CouponCli()), new ArrayList<>(), paths);
    assertThat(paths).hasSizeGreaterThan(12);
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      CliRun r = CliRun.run(args.toArray(String[]::new));
      assertThat(r.exit()).as(path + "\n" + r).isZero();
      assertThat(r.out()).as(String.join(" ", path)).contains("Usage: coupon").contains("Exit codes:")
          .contains("130");
    }
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
    out.add(path);
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      if (!e.getKey().equals("help")) {
        List<String> p = new ArrayList<>(path);
        p.add(e.getKey());
        collect(e.getValue(), p, out);
      }
    }
  }

  @Test
  void completion_printsABashScript() {
    CliRun r = CliRun.run("completion");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("complete -F").contains("grant").contains("template").contains("--store");
  }
}
