package io.couponengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.GrantReport;
import io.couponengine.code.CodeFormat;
import io.couponengine.code.ImportReport;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.EventType;
import io.couponengine.template.CodeRules;
import io.couponengine.template.Distribution;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.testing.Specs;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The engine's distribution paths beyond the storage contract: rules, events, reports, CSV, bad input. */
class DistributionTest {
  private final List<CouponEvent> events = new CopyOnWriteArrayList<>();
  private final CouponEngine engine = CouponEngine.builder().executor(Runnable::run).listener(events::add).build();

  @Test
  void sharedCodeRules_areCheckedWithTheRestOfTheSpec() {
    assertThatThrownBy(() -> Specs.thresholdBuilder(1).totalCount(1).sharedCode("ab").build())
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.violations())
            .anySatisfy(v -> assertThat(v.field()).isEqualTo("sharedCode")));
    for (String bad : new String[] {"has space", "ümlaut", "x".repeat(33), "TH-K7PXQ2-9XMB-4TWEH"}) {
      assertThatThrownBy(() -> Specs.thresholdBuilder(1).totalCount(1).sharedCode(bad).build()).as(bad)
          .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code())
              .isEqualTo(ErrorCode.INVALID_TEMPLATE));
    }
    assertThatThrownBy(() -> Specs.thresholdBuilder(1).totalCount(1).sharedCode("OK-CODE")
        .distribution(Distribution.CODE_ENTRY).build())
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.violations())
            .anySatisfy(v -> assertThat(v.field()).isEqualTo("distribution")));
    assertThatThrownBy(() -> Specs.thresholdBuilder(1).totalCount(5).externalCodes(CodeRules.ALPHANUMERIC).build())
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.violations())
            .anySatisfy(v -> assertThat(v.field()).isEqualTo("totalCount")));
    assertThatThrownBy(() -> Specs.thresholdBuilder(1).build())
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.violations())
            .anySatisfy(v -> assertThat(v.field()).isEqualTo("totalCount")));
  }

  @Test
  void specWithDistribution_roundTripsThroughJson() {
    TemplateSpec spec = Specs.thresholdBuilder(2).distribution(Distribution.CODE_ENTRY)
        .externalCodes(CodeRules.of("ABC123", 3, 9).caseSensitive()).build();
    assertThat(TemplateSpec.fromJson(spec.toJson())).isEqualTo(spec);
    TemplateSpec shared = Specs.thresholdBuilder(2).totalCount(9).sharedCode("spring_26").build();
    assertThat(TemplateSpec.fromJson(shared.toJson())).isEqualTo(shared);
    assertThat(shared.sharedCode()).isEqualTo("SPRING_26");
    assertThat(Specs.threshold(5, 1).distribution()).isEqualTo(Distribution.CLAIM);
  }

  @Test
  void codeRules_checkEveryCode_andRefuseTheirOwnBadSettings() {
    CodeRules rules = CodeRules.of("ABCDEF0123", 4, 6);
    assertThat(rules.problem("abc0")).isNull();
    assertThat(rules.canonical(" abc0 ")).isEqualTo("ABC0");
    assertThat(rules.problem("ab")).contains("length");
    assertThat(rules.problem("ABCG")).contains("'G'");
    assertThat(rules.problem(null)).isEqualTo("null");
    assertThat(CodeRules.ALPHANUMERIC.problem("THK7PXQ29XMB4TWEH")).contains("generated");
    assertThat(rules.caseSensitive().problem("abc0")).contains("'a'");
    for (Runnable bad : List.<Runnable>of(() -> CodeRules.of("", 1, 2), () -> CodeRules.of("A B", 1, 2),
        () -> CodeRules.of("AB", 0, 2), () -> CodeRules.of("AB", 3, 2), () -> CodeRules.of("AB", 1, 65),
        () -> CodeRules.of(null, 1, 2))) {
      assertThatThrownBy(bad::run).isInstanceOfSatisfying(CouponException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
  }

  @Test
  void generatedShape_isDecidedWithoutAStore() {
    assertThat(CodeFormat.hasGeneratedShape("th-k7pxq2-9xmb-4tweh")).isTrue();
    assertThat(CodeFormat.hasGeneratedShape("THK7PXQ29XMB4TWEH")).isTrue();
    assertThat(CodeFormat.hasGeneratedShape("SUMMER20")).isFalse();
    assertThat(CodeFormat.hasGeneratedShape("THK7PXQ29XMB4TWE0")).isFalse(); // '0' is not in the alphabet
    assertThat(CodeFormat.hasGeneratedShape(null)).isFalse();
  }

  @Test
  void import_publishesProgress_andReportsTheFirstReasons() {
    Template t = engine.createTemplate(Specs.thresholdBuilder(1).externalCodes(CodeRules.of("ABCDEF", 3, 3))
        .build());
    List<String> input = new ArrayList<>();
    IntStream.range(0, 12).forEach(i -> input.add("bad" + i));
    input.add("ABC");
    ImportReport r = engine.importCodes(t.id(), input);
    assertThat(r.invalid()).isEqualTo(12);
    assertThat(r.invalidReasons()).hasSize(ImportReport.MAX_REASONS).first().asString().startsWith("#1: ");
    assertThat(r.imported()).isEqualTo(1);
    assertThat(events).filteredOn(e -> e.type() == EventType.CODES_IMPORTED).hasSize(1);
    assertThatThrownBy(() -> engine.importCodes(t.id(), null)).isInstanceOfSatisfying(CouponException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> engine.importCodes("ZZZZZZ", List.of("ABC"))).isInstanceOfSatisfying(
        CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TEMPLATE_NOT_FOUND));
  }

  @Test
  void export_quotesCodesThatNeedIt_andReportsAFailingWriter() throws IOException {
    Template t = engine.createTemplate(Specs.thresholdBuilder(1).externalCodes(CodeRules.of("AB,\"", 2, 4))
        .build());
    engine.importCodes(t.id(), List.of("A,B", "AB\"", "ABBA"));
    StringWriter out = new StringWriter();
    assertThat(engine.exportCodes(t.id(), out)).isEqualTo(3);
    assertThat(out.toString()).isEqualTo("\"A,B\"\n\"AB\"\"\"\nABBA\n");
    Writer broken = new Writer() {
      @Override
      public void write(char[] buf, int off, int len) throws IOException {
        throw new IOException("disk full");
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    assertThatThrownBy(() -> engine.exportCodes(t.id(), broken)).isInstanceOf(IOException.class)
        .hasMessage("disk full");
  }

  @Test
  void grant_publishesProgressPerBatch_andRefusesCodeEntryTemplates() {
    Template t = engine.generation(engine.createTemplate(Specs.threshold(12_500, 1)).id()).join();
    List<String> users = IntStream.range(0, 12_500).mapToObj(i -> "user-" + i).toList();
    GrantReport r = engine.grant(t.id(), "launch", users).join();
    assertThat(r.granted()).isEqualTo(12_500);
    assertThat(r.byOutcome()).containsEntry(ClaimOutcome.CLAIMED, 12_500L);
    List<CouponEvent> progress = events.stream().filter(e -> e.type() == EventType.GRANT_PROGRESS).toList();
    assertThat(progress).hasSize(3); // batches of 5,000
    assertThat(progress.get(2).details()).containsEntry("processed", "12500").containsEntry("granted", "12500")
        .containsEntry("grantId", "launch");

    Template entry = engine.createTemplate(Specs.thresholdBuilder(1).totalCount(3)
        .distribution(Distribution.CODE_ENTRY).build());
    assertThatThrownBy(() -> engine.grant(entry.id(), "g", users)).isInstanceOfSatisfying(CouponException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> engine.grant(t.id(), "g".repeat(101), users))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThat(engine.claimableTemplates("someone")).extracting(Template::id).doesNotContain(entry.id());
  }

  @Test
  void codeEntryLimit_isValidated() {
    assertThatThrownBy(() -> CouponEngine.builder().codeEntryLimit(0, Duration.ofMinutes(1)))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> CouponEngine.builder().codeEntryLimit(3, Duration.ZERO))
        .isInstanceOfSatisfying(CouponException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> CouponEngine.builder().codeEntryLimit(3, Duration.ofMinutes(1))
        .codeEntryLimit(3, Duration.ofMinutes(1))).isInstanceOf(CouponException.class);
    assertThat(CouponEngine.builder().build().config().codeEntryMaxFailures()).isEqualTo(10);
  }

  @Test
  void fingerprints_rememberWhatWasSeen_acrossGrowth() {
    Distributions.Fingerprints f = new Distributions.Fingerprints();
    for (int i = 0; i < 200_000; i++) {
      assertThat(f.add(Distributions.fingerprint("code-" + i))).isTrue();
    }
    assertThat(f.add(0)).isTrue();
    assertThat(f.add(0)).isFalse();
    for (int i = 0; i < 200_000; i += 997) {
      assertThat(f.add(Distributions.fingerprint("code-" + i))).isFalse();
    }
  }
}
