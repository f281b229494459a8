package io.couponengine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.code.CodeGenerator;
import io.couponengine.error.CouponException;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CouponStore;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import io.couponengine.testing.CouponStoreContractTest;
import io.couponengine.testing.Specs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The storage contract on the embedded default store. */
class InMemoryCouponStoreTest extends CouponStoreContractTest {
  @Override
  protected CouponStore newStore() {
    return new InMemoryCouponStore();
  }

  @Test
  void idempotencyKeys_areForgottenAfterTheirTtl_soMemoryIsBounded() {
    InMemoryCouponStore s = InMemoryCouponStore.withIdempotencyTtl(Duration.ofHours(1));
    Template t = new Template("TTKSTR", Specs.threshold(10_000, 5), TemplateStatus.AVAILABLE, T0, null);
    s.insertTemplate(t);
    List<String> codes = new ArrayList<>();
    CodeGenerator g = CodeGenerator.withRandomKey("TH", t.id());
    for (int i = 0; i < 10_000; i++) {
      codes.add(g.code(i));
    }
    s.appendCodes(t.id(), 0, codes);
    Instant at = T0;
    for (int i = 0; i < 1_000; i++) {
      s.claim(new ClaimCommand(t.id(), "u" + i, "k", "c" + i, 5, at, at.plus(Duration.ofDays(7))));
    }
    assertThat(s.rememberedIdempotencyKeys()).isEqualTo(1_000);
    assertThat(s.claim(new ClaimCommand(t.id(), "u0", "k", "again", 5, at, at.plus(Duration.ofDays(7)))).outcome())
        .isEqualTo(ClaimOutcome.DUPLICATE);
    // an hour later the old keys go as new claims come in, and all of them at the next sweep
    Instant later = T0.plus(Duration.ofHours(1));
    for (int i = 0; i < 10; i++) {
      s.claim(new ClaimCommand(t.id(), "v" + i, "k", "d" + i, 5, later, later.plus(Duration.ofDays(7))));
    }
    assertThat(s.rememberedIdempotencyKeys()).isLessThan(1_010);
    s.expireDueCoupons(later, 100);
    assertThat(s.rememberedIdempotencyKeys()).isEqualTo(10);
    // a key retried after its TTL is a new claim (the limit still holds)
    assertThat(s.claim(new ClaimCommand(t.id(), "u0", "k", "again", 5, later, later.plus(Duration.ofDays(7))))
        .outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(s.findCouponsByUser("u0")).hasSize(2);
  }

  @Test
  void idempotencyTtl_outOfRange_isRefused() {
    assertThatThrownBy(() -> InMemoryCouponStore.withIdempotencyTtl(Duration.ZERO))
        .isInstanceOf(CouponException.class).hasMessageContaining("idempotencyTtl");
    assertThatThrownBy(() -> InMemoryCouponStore.withIdempotencyTtl(null)).isInstanceOf(CouponException.class);
  }

  @Test
  void keyBytes_areGivenBack_afterTheTtl() {
    InMemoryCouponStore s = InMemoryCouponStore.withIdempotencyTtl(Duration.ofHours(1));
    Template t = loaded(s, "TTKBYT", 60_000);
    for (int i = 0; i < 50_000; i++) {
      s.claim(new ClaimCommand(t.id(), "u" + (i % 500), "key-number-" + i, "c" + i, 1_000, T0,
          T0.plus(Duration.ofDays(7))));
    }
    assertThat(s.retainedKeyBytes()).isGreaterThan(50_000L * 10);
    s.expireDueCoupons(T0.plus(Duration.ofHours(1)), 1);
    assertThat(s.rememberedIdempotencyKeys()).isZero();
    assertThat(s.retainedKeyBytes()).isLessThanOrEqualTo(16_384); // at most the block the last key was in
  }

  @Test
  void claims_overManyChunksAndUsers_readBackExactly() {
    InMemoryCouponStore s = new InMemoryCouponStore();
    Template t = loaded(s, "TTCHNK", 20_000); // 4,096 serials a chunk: five chunks
    Template other = loaded(s, "TTCHNM", 100);
    java.util.Map<String, List<io.couponengine.coupon.Coupon>> model = new java.util.HashMap<>();
    java.util.Map<String, String> keys = new java.util.HashMap<>();
    java.util.SplittableRandom r = new java.util.SplittableRandom(11);
    for (int i = 0; i < 15_000; i++) {
      Instant at = T0.plusNanos(1_000L * i + 7);
      String user = "u" + r.nextInt(700);
      // the engine's ids are kept as 64 bits; any other id is kept as given
      String id = i % 3 == 0 ? "coupon-" + i : io.couponengine.internal.CouponIds.format(at.toEpochMilli(), r.nextLong());
      Instant expires = i % 5 == 0 ? Instant.parse("3000-01-01T00:00:00.000000001Z") : at.plus(Duration.ofDays(7));
      Template target = i % 150 == 0 ? other : t;
      var result = s.claim(new ClaimCommand(target.id(), user, "k" + i, id, 1_000, at, expires,
          i % 7 == 0 ? at : null, null, null));
      assertThat(result.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
      assertThat(result.couponOrNull().id()).isEqualTo(id);
      model.computeIfAbsent(user, u -> new ArrayList<>()).add(result.couponOrNull());
      keys.put(id, "k" + i);
    }
    model.forEach((user, coupons) -> {
      assertThat(s.findCouponsByUser(user)).containsExactlyElementsOf(coupons);
      for (var c : coupons) {
        assertThat(s.findCouponByCode(c.code())).contains(c);
      }
    });
    // a retried key answers the very coupon, rebuilt from the arrays
    var first = model.get("u0").get(0);
    assertThat(s.claim(new ClaimCommand(first.templateId(), "u0", keys.get(first.id()), "again", 1_000, T0,
        T0.plusSeconds(1))).couponOrNull()).isEqualTo(first);
  }

  @Test
  void appendedCodes_withoutTheTemplateId_areFoundByCode() {
    InMemoryCouponStore s = new InMemoryCouponStore();
    Template t = new Template("TTPLAN", Specs.threshold(3, 5), TemplateStatus.AVAILABLE, T0, null);
    s.insertTemplate(t);
    s.appendCodes(t.id(), 0, List.of("PLAIN1", "A-TTPLAX-1", "PLAIN3"));
    for (int i = 0; i < 3; i++) {
      s.claim(new ClaimCommand(t.id(), "u" + i, "k", "c" + i, 5, T0, T0.plus(Duration.ofDays(1))));
    }
    assertThat(s.findCouponByCode("PLAIN1").orElseThrow().userId()).isEqualTo("u0");
    assertThat(s.findCouponByCode("A-TTPLAX-1").orElseThrow().userId()).isEqualTo("u1");
    assertThat(s.findCouponByCode("PLAIN3").orElseThrow().userId()).isEqualTo("u2");
    assertThat(s.findCouponByCode("PLAIN4")).isEmpty();
  }

  private static Template loaded(InMemoryCouponStore s, String id, int codes) {
    Template t = new Template(id, Specs.threshold(codes, 1_000), TemplateStatus.AVAILABLE, T0, null);
    s.insertTemplate(t);
    CodeGenerator g = CodeGenerator.withRandomKey("TH", id);
    List<String> batch = new ArrayList<>();
    for (int i = 0; i < codes; i++) {
      batch.add(g.code(i));
    }
    s.appendCodes(id, 0, batch);
    return t;
  }

  /** Races in memory are cheap and their windows narrow: run many rounds. */
  @Override
  protected int raceRounds() {
    return 20_000;
  }
}
