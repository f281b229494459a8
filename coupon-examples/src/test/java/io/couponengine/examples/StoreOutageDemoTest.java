package io.couponengine.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A short outage (2 s healthy, 3 s SIGSTOP, 3 s after, 10 threads) on a redis-server the program starts itself:
 * refusals come fast once the breaker is open, reads are served stale, and the recount is clean.
 *
 * <p>The bound on the refused calls' p99 is 25 ms here, not the 5 ms the program is measured against in
 * BENCHMARKS.md (0.25 ms there): the build runs this beside other work on a 2-core box, where a GC pause or a busy CPU
 * can stretch a few dozen calls. The bound still fails loudly if refused calls waited for the store (500 ms).
 */
class StoreOutageDemoTest {
  @Test
  void main_redisStopped_refusesFastServesStaleAndLosesNothing() throws Exception {
    assumeTrue(onPath("redis-server"), "redis-server is not on the PATH: the program starts its own");
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      StoreOutageDemo.main(new String[] {"--healthy-s", "2", "--outage-s", "3", "--after-s", "3", "--threads", "10",
          "--warm-users", "200", "--codes", "3000"});
    } finally {
      System.setOut(out);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    String[] lines = text.strip().split("\\R");
    JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);

    assertThat(json.get("store").asText()).isEqualTo("redis");
    assertThat(json.get("breaker_opened_after_ms").asDouble()).isBetween(0.0, 2_900.0); // within the 3 s outage
    assertThat(json.get("outage_refused").asLong()).isPositive();
    assertThat(json.get("outage_refused_p99_ms").asDouble()).isLessThan(25.0);
    assertThat(json.get("outage_max_wait_after_open_ms").asDouble()).isLessThan(1_000.0); // timeout 500 ms
    assertThat(json.get("reads_stale").asLong()).isPositive();
    assertThat(json.get("claimed").asLong()).isPositive();
    assertThat(json.get("first_claim_after_resume_ms").asDouble()).isBetween(0.0, 3_000.0);
    assertThat(json.get("over_issued").asLong()).isZero();
    assertThat(json.get("duplicate_codes").asLong()).isZero();
    assertThat(json.get("users_over_limit").asLong()).isZero();
    assertThat(json.get("acknowledged").asLong()).isEqualTo(json.get("claimed").asLong());
    assertThat(json.get("acknowledged_missing").asLong()).isZero();
    assertThat(json.get("issued_recounted").asLong()).isGreaterThanOrEqualTo(json.get("acknowledged").asLong());
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    return path != null && Arrays.stream(path.split(File.pathSeparator))
        .anyMatch(dir -> new File(dir, program).canExecute());
  }
}
