package io.couponengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as operators run it: a process, with its exit codes and stdout (failsafe, after package). */
class CliJarIT {
  @TempDir
  Path dir;

  record Result(int exit, String out, String err) {}

  Result java(String... args) throws Exception {
    Path jar = Path.of("target", "coupon-cli.jar").toAbsolutePath();
    assertThat(jar).exists();
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    File out = dir.resolve("out.txt").toFile();
    File err = dir.resolve("err.txt").toFile();
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out).redirectError(err).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
        Files.readString(err.toPath(), StandardCharsets.UTF_8));
  }

  @Test
  void jar_createsAndReportsOnTheEmbeddedDefault() throws Exception {
    Path spec = Files.writeString(dir.resolve("spec.json"), CliSessionTest.spec(200, 1));
    // no --store: the default H2 file database under ./coupon-data of the working directory
    Result created = java("template", "create", spec.toString(), "--json");
    assertThat(created.exit()).as(created.err()).isZero();
    JsonNode template = CouponCli.JSON.readTree(created.out()).get("template");
    String id = template.get("id").asText();
    assertThat(template.get("status").asText()).isEqualTo("AVAILABLE");
    assertThat(dir.resolve("coupon-data")).isDirectory();

    Result claim = java("claim", "alice", id);
    assertThat(claim.exit()).as(claim.err()).isZero();
    assertThat(claim.out()).startsWith("CLAIMED ");

    Result stats = java("--store", "jdbc:h2:file:./coupon-data/coupons", "stats", id, "--json");
    assertThat(stats.exit()).as(stats.err()).isZero();
    JsonNode s = CouponCli.JSON.readTree(stats.out()).get("stats");
    assertThat(s.get("issued").asLong()).isEqualTo(1);
    assertThat(s.get("remaining").asLong()).isEqualTo(199);

    Result missing = java("stats", "NOPE42");
    assertThat(missing.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(missing.out()).isEmpty();
    assertThat(missing.err()).contains("NOPE42");
    assertThat(java("--version").out()).startsWith("coupon-cli");
    assertThat(java("nonsense").exit()).isEqualTo(ExitCodes.USAGE);
  }
}
