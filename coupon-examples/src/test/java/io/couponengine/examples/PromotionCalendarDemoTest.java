package io.couponengine.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo runs as the README says, and its story ends with the figures it promises. */
class PromotionCalendarDemoTest {
  @Test
  void main_walksTheCalendar_andEndsWithTheFigures() throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      PromotionCalendarDemo.main(new String[0]);
    } finally {
      System.setOut(out);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("alice tries early: NOT_STARTED", "reserve before the sale: NOT_YET_VALID",
        "carol's claim: TEMPLATE_PAUSED", "erin's claim: SOLD_OUT", "total 100; erin's claim: CLAIMED", "a 30.00 cart: NOT_APPLICABLE", "pays 70.00", "refunded: REVERTED",
        "arrives late: COMMITTED", "dave's claim: CLAIM_CLOSED");
    String[] lines = text.strip().split("\\R");
    assertThat(lines[lines.length - 1]).startsWith("{\"template\"").contains("\"issued\":4", "\"usable\":3",
        "\"used\":1", "\"reserved\":0", "\"expired\":0", "\"remaining\":96", "\"discount_given\":\"0.00\"",
        "\"recounted\":{\"issued\":4,\"pending\":0,\"usable\":3,\"reserved\":0,\"used\":1,\"expired\":0,"
            + "\"remaining\":96}");
  }
}
