package io.couponengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.couponengine.CouponEngine;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.jdbc.JdbcCouponStore;
import io.couponengine.redis.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ctrl-C during a grant or an import stops after the running batch (exit 130), and running the same command again
 * finishes the rest without granting or importing anything twice: on real Redis, PostgreSQL and the H2 file default,
 * checked on the store afterwards. The cancel is injected after k batches through the same flag Ctrl-C sets.
 */
class CliResumeTest {
  static final int USERS = 230;
  static final int BATCH = 50;

  @TempDir
  Path dir;
  List<String> storeArgs;
  Runnable cleanup = () -> { };

  @AfterEach
  void tearDown() {
    cleanup.run();
  }

  void useStore(String kind) {
    switch (kind) {
      case "redis":
        String prefix = TestRedis.uniquePrefix();
        storeArgs = List.of("--store", TestStores.redisUrl(), "--prefix", prefix);
        cleanup = () -> TestRedis.deleteKeys(TestStores.redis(), prefix);
        break;
      case "postgres":
        String url = TestStores.postgresUrl();
        String tables = TestStores.tablePrefix();
        storeArgs = List.of("--store", url, "--table-prefix", tables);
        cleanup = () -> {
          try (Stores.Opened o = Stores.open(url, "coupons", tables)) {
            ((JdbcCouponStore) o.store).dropSchema();
          }
        };
        break;
      default:
        storeArgs = List.of("--store", "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath());
    }
  }

  Stores.Opened openStore() {
    int i = storeArgs.indexOf("--prefix");
    int t = storeArgs.indexOf("--table-prefix");
    return Stores.open(storeArgs.get(1), i < 0 ? "coupons" : storeArgs.get(i + 1),
        t < 0 ? "coupon_" : storeArgs.get(t + 1));
  }

  CliRun run(CouponCli cli, String... args) {
    List<String> all = new ArrayList<>(storeArgs);
    all.add("--progress");
    all.add("none");
    all.addAll(List.of(args));
    return CliRun.run(cli, all.toArray(String[]::new));
  }

  /** A CLI whose cancel flag is set after {@code k} batches, as a Ctrl-C during batch k would. */
  static CouponCli cancelledAfter(int k) {
    CouponCli cli = new CouponCli();
    cli.afterBatch = n -> {
      if (n == k) {
        cli.cancel.set(true);
      }
    };
    return cli;
  }

  String create(String specJson) throws Exception {
    Path spec = Files.writeString(dir.resolve("spec-" + System.nanoTime() + ".json"), specJson);
    CliRun r = run(new CouponCli(), "template", "create", spec.toString(), "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    return r.json().get("template").get("id").asText();
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "postgres", "h2"})
  void grant_stoppedAfterTwoBatches_rerunGrantsTheRestAndNobodyTwice(String kind) throws Exception {
    useStore(kind);
    // a limit of 3 per user: only the grant's idempotency (not the limit) can keep a user at one coupon
    String id = create(CliSessionTest.spec(1_000, 3));
    List<String> users = IntStream.rangeClosed(1, USERS).mapToObj(i -> "user-" + i).collect(Collectors.toList());
    Path csv = Files.writeString(dir.resolve("users.csv"), "user_id\n" + String.join("\n", users) + "\n");

    CliRun stopped = run(cancelledAfter(2), "grant", id, "vip-1", csv.toString(), "--batch", "" + BATCH,
        "--json");
    assertThat(stopped.exit()).as(stopped.toString()).isEqualTo(ExitCodes.INTERRUPTED);
    assertThat(stopped.err()).contains("stopped after 100 of 230 users; run the same command again to finish");
    JsonNode first = stopped.json();
    assertThat(first.get("error").asText()).isEqualTo("INTERRUPTED");
    assertThat(first.get("granted").asLong()).isEqualTo(100);

    CliRun rerun = run(new CouponCli(), "grant", id, "vip-1", csv.toString(), "--batch", "" + BATCH, "--json");
    assertThat(rerun.exit()).as(rerun.toString()).isZero();
    JsonNode second = rerun.json();
    assertThat(second.get("processed").asLong()).isEqualTo(USERS);
    assertThat(second.get("alreadyGranted").asLong()).isEqualTo(100);
    assertThat(second.get("granted").asLong()).isEqualTo(USERS - 100);
    assertThat(first.get("granted").asLong() + second.get("granted").asLong()).isEqualTo(USERS);

    // once more: nothing new
    CliRun third = run(new CouponCli(), "grant", id, "vip-1", csv.toString(), "--json");
    assertThat(third.json().get("granted").asLong()).isZero();
    assertThat(third.json().get("alreadyGranted").asLong()).isEqualTo(USERS);

    try (Stores.Opened o = openStore(); CouponEngine engine = CouponEngine.builder().store(o.store).build()) {
      assertThat(engine.stats(id).issued()).isEqualTo(USERS);
      for (String user : users) {
        List<Coupon> held = engine.coupons(user, CouponStatus.USABLE).stream()
            .filter(c -> c.templateId().equals(id)).collect(Collectors.toList());
        assertThat(held).as(user).hasSize(1);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "postgres", "h2"})
  void import_stoppedAfterTwoBatches_rerunImportsTheRestAndNothingTwice(String kind) throws Exception {
    useStore(kind);
    String id = create(CliSessionTest.spec(0, 1).replace("}}", "}, \"externalCodes\": {\"allowedCharacters\": "
        + "\"ABCDEFGHJKLMNPQRSTUVWXYZ23456789\", \"minLength\": 6, \"maxLength\": 12, \"foldCase\": true}}"));
    String tag = spell((int) (System.nanoTime() % 1_000_000_000L)); // codes are unique across the store
    List<String> codes = IntStream.rangeClosed(1, USERS).mapToObj(i -> "P" + tag + "X" + spell(i))
        .collect(Collectors.toList());
    Path file = Files.writeString(dir.resolve("codes.txt"), String.join("\n", codes) + "\n");

    CliRun stopped = run(cancelledAfter(2), "codes", "import", id, file.toString(), "--batch", "" + BATCH,
        "--json");
    assertThat(stopped.exit()).as(stopped.toString()).isEqualTo(ExitCodes.INTERRUPTED);
    assertThat(stopped.err()).contains("stopped after 100 of 230 codes");
    assertThat(stopped.json().get("imported").asLong()).isEqualTo(100);

    CliRun rerun = run(new CouponCli(), "codes", "import", id, file.toString(), "--batch", "" + BATCH, "--json");
    assertThat(rerun.exit()).as(rerun.toString()).isZero();
    assertThat(rerun.json().get("imported").asLong()).isEqualTo(USERS - 100);
    assertThat(rerun.json().get("alreadyPresent").asLong()).isEqualTo(100);
    assertThat(rerun.json().get("invalid").asLong()).isZero();

    try (Stores.Opened o = openStore(); CouponEngine engine = CouponEngine.builder().store(o.store).build()) {
      assertThat(engine.stats(id).remaining()).isEqualTo(USERS);
      assertThat(engine.template(id).orElseThrow().totalCount()).isEqualTo(USERS);
    }
    Path out = dir.resolve("export.csv");
    CliRun export = run(new CouponCli(), "codes", "export", id, out.toString());
    assertThat(export.exit()).as(export.toString()).isZero();
    assertThat(Files.readAllLines(out)).containsExactlyInAnyOrderElementsOf(codes);
  }

  /** A number in the codes' alphabet (no 0, 1, I, O). */
  private static String spell(int n) {
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    StringBuilder b = new StringBuilder();
    do {
      b.append(alphabet.charAt(n % alphabet.length()));
      n /= alphabet.length();
    } while (n > 0);
    return b.toString();
  }
}
