package io.couponengine.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CodeGeneratorTest {

  @Test
  void permute_isInjectiveOnAMillionSerials() {
    CodeGenerator g = new CodeGenerator("TH", "K7PXQ2", 1, 2);
    Set<Long> seen = new HashSet<>(2_000_000);
    for (long i = 0; i < 1_000_000; i++) {
      long p = g.permute(i);
      assertThat(p).isBetween(0L, CodeGenerator.DOMAIN - 1);
      assertThat(seen.add(p)).as("collision at serial %d", i).isTrue();
    }
  }

  @Test
  void permute_isABijectionOnTheWholeDomainPrefixBlock() {
    // a bijection on [0, 31^8) maps distinct inputs to distinct outputs; check a dense block of outputs too
    CodeGenerator g = new CodeGenerator("DC", "AAAAAA", 7, 9);
    BitSet hits = new BitSet();
    int n = 300_000;
    for (long i = CodeGenerator.DOMAIN - n; i < CodeGenerator.DOMAIN; i++) {
      long p = g.permute(i);
      int bucket = (int) (p % (1L << 30));
      hits.set(bucket);
    }
    assertThat(hits.cardinality()).isGreaterThan(n - 100); // near-uniform spread, no clustering
  }

  @Test
  void differentKeys_giveUnrelatedCodes() {
    CodeGenerator a = new CodeGenerator("TH", "K7PXQ2", 1, 2);
    CodeGenerator b = new CodeGenerator("TH", "K7PXQ2", 1, 3);
    int same = 0;
    for (long i = 0; i < 10_000; i++) {
      if (a.code(i).equals(b.code(i))) {
        same++;
      }
    }
    assertThat(same).isLessThan(2);
  }

  @Test
  void consecutiveSerials_doNotGiveConsecutiveBodies() {
    CodeGenerator g = new CodeGenerator("TH", "K7PXQ2", 5, 6);
    int close = 0;
    for (long i = 0; i < 10_000; i++) {
      if (Math.abs(g.permute(i + 1) - g.permute(i)) < 1_000_000) {
        close++;
      }
    }
    assertThat(close).isLessThan(5);
  }

  @Test
  void codesOfDifferentTemplates_neverCollide() {
    CodeGenerator a = new CodeGenerator("TH", "AAAAAA", 1, 2);
    CodeGenerator b = new CodeGenerator("TH", "AAAAAB", 1, 2);
    Set<String> seen = new HashSet<>();
    for (long i = 0; i < 50_000; i++) {
      assertThat(seen.add(a.code(i))).isTrue();
      assertThat(seen.add(b.code(i))).isTrue();
    }
  }

  @Test
  void code_equalsTheSlowFormatPath() {
    CodeGenerator g = new CodeGenerator("SPR", "K7PXQ2", 3, 4);
    for (long i = 0; i < 5_000; i++) {
      long v = g.permute(i);
      char[] body = new char[CodeFormat.BODY_LENGTH];
      for (int k = CodeFormat.BODY_LENGTH - 1; k >= 0; k--) {
        body[k] = CodeFormat.ALPHABET.charAt((int) (v % CodeFormat.RADIX));
        v /= CodeFormat.RADIX;
      }
      String expected = CodeFormat.format("SPR", "K7PXQ2", new String(body));
      assertThat(g.code(i)).isEqualTo(expected);
      assertThat(CodeFormat.canonicalize(expected)).isEqualTo(expected);
    }
  }

  @Test
  void sipHash_matchesReferenceVector() {
    // SipHash-2-4 reference key 00..0f, message 00..07 -> 0x93f5f5799a932462 (paper, appendix A, 8-byte input)
    long k0 = 0x0706050403020100L;
    long k1 = 0x0f0e0d0c0b0a0908L;
    long m = 0x0706050403020100L;
    assertThat(SipHash.hash(k0, k1, m)).isEqualTo(0x93f5f5799a932462L);
  }
}
