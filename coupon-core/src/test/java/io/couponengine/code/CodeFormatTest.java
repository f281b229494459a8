package io.couponengine.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import org.junit.jupiter.api.Test;

class CodeFormatTest {
  private final CodeGenerator generator = new CodeGenerator("TH", "K7PXQ2", 11, 12);

  @Test
  void alphabet_hasNoLookAlikes_andPrimeSize() {
    assertThat(CodeFormat.ALPHABET).hasSize(31).doesNotContain("0", "O", "1", "I", "L");
    assertThat(CodeFormat.ALPHABET.chars().distinct().count()).isEqualTo(31);
  }

  @Test
  void format_isRecognizable() {
    String code = generator.code(0);
    assertThat(code).matches("TH-K7PXQ2-[2-9A-Z]{4}-[2-9A-Z]{5}");
    assertThat(CodeFormat.templateIdOf(code)).isEqualTo("K7PXQ2");
    assertThat(CodeFormat.canonicalize(code)).isEqualTo(code);
  }

  @Test
  void canonicalize_acceptsCaseSpacesAndMissingDashes() {
    String code = generator.code(42);
    assertThat(CodeFormat.canonicalize(code.toLowerCase())).isEqualTo(code);
    assertThat(CodeFormat.canonicalize(code.replace("-", ""))).isEqualTo(code);
    assertThat(CodeFormat.canonicalize(" " + code.replace("-", " ") + " ")).isEqualTo(code);
  }

  @Test
  void canonicalize_catchesEverySingleSubstitution() {
    for (int serial = 0; serial < 200; serial++) {
      String raw = generator.code(serial).replace("-", "");
      for (int pos = 0; pos < raw.length(); pos++) {
        for (char c : CodeFormat.ALPHABET.toCharArray()) {
          if (c == raw.charAt(pos)) {
            continue;
          }
          String typo = raw.substring(0, pos) + c + raw.substring(pos + 1);
          assertInvalid(typo);
        }
      }
    }
  }

  @Test
  void canonicalize_catchesEveryAdjacentTransposition() {
    for (int serial = 0; serial < 2_000; serial++) {
      String raw = generator.code(serial).replace("-", "");
      for (int pos = 0; pos + 1 < raw.length(); pos++) {
        if (raw.charAt(pos) == raw.charAt(pos + 1)) {
          continue;
        }
        String swapped = raw.substring(0, pos) + raw.charAt(pos + 1) + raw.charAt(pos) + raw.substring(pos + 2);
        assertInvalid(swapped);
      }
    }
  }

  @Test
  void checkCharacter_detectsAllTranspositionsOfEveryPair() {
    // exhaustive over the quasigroup: for every interim state and every pair a != b, "ab" and "ba" differ
    for (char a : CodeFormat.ALPHABET.toCharArray()) {
      for (char b : CodeFormat.ALPHABET.toCharArray()) {
        if (a != b) {
          for (char p : CodeFormat.ALPHABET.toCharArray()) {
            assertThat(CodeFormat.checkCharacter("" + p + a + b)).isNotEqualTo(CodeFormat.checkCharacter("" + p + b + a));
          }
        }
      }
    }
  }

  @Test
  void canonicalize_rejectsMalformedInput() {
    assertInvalid(null);
    assertInvalid("");
    assertInvalid("TH-K7PXQ2-0000-00000");
    assertInvalid("TH-K7PXQ2-ABCD");
    assertInvalid("X".repeat(100));
    assertInvalid("TH-K7PXQ2-ABCD-EFGH'; DROP TABLE coupons; --");
    assertInvalid("ТН-K7PXQ2-ABCD-EFGHJ"); // Cyrillic look-alikes
  }

  private static void assertInvalid(String code) {
    assertThatThrownBy(() -> CodeFormat.canonicalize(code))
        .isInstanceOf(CouponException.class)
        .extracting(e -> ((CouponException) e).code()).isEqualTo(ErrorCode.INVALID_CODE);
  }
}
