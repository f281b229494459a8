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

  /** Races in memory are cheap and their windows narrow: run many rounds. */
  @Override
  protected int raceRounds() {
    return 20_000;
  }
}
