package io.couponengine.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo runs as the README says (smaller), and ends with counts recounted from the store. */
class DistributionDemoTest {
  @Test
  void main_handsOutCouponsEveryWay_andTheRecountIsClean() throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      DistributionDemo.main(new String[] {"--grant-users", "20000", "--import-codes", "20000"});
    } finally {
      System.setOut(out);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    String[] lines = text.strip().split("\\R");
    String json = lines[lines.length - 1];
    assertThat(json).contains("\"shared_code\":{\"claimed\":1000,\"sold_out\":200,\"retry\":\"DUPLICATE\","
        + "\"second_coupon\":\"LIMIT_REACHED\"}");
    assertThat(json).contains("\"alice\":\"CLAIMED\",\"bob_same_card\":\"CODE_TAKEN\",\"typo\":\"INVALID_CODE\","
        + "\"bob_own_card\":\"CLAIMED\",\"plain_claim\":\"CODE_REQUIRED\"");
    // 20,000 lines: every 1,000th broken (20), every other 100th a repeat of the line before (180)
    assertThat(json).contains("\"read\":20000,\"imported\":19800,\"duplicates\":180,\"invalid\":20");
    assertThat(json).contains("\"reimported\":0,\"already_present\":19800");
    assertThat(json).contains("\"users\":20000,\"granted\":15000,\"sold_out\":5000");
    assertThat(json).contains("\"rerun_granted\":0,\"rerun_already_granted\":15000");
    assertThat(json).contains("\"coupons\":16003,\"issued\":16003,\"codes_held_twice\":0,\"users_over_limit\":0");
  }
}
