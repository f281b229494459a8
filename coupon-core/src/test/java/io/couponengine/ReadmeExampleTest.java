package io.couponengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStatus;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's Java snippet, verbatim between the markers: if this stops compiling, fix the README too. */
class ReadmeExampleTest {

  @Test
  void readmeSnippet_compilesAndRuns() {
    // README-SNIPPET-START
    CouponEngine engine = CouponEngine.builder().build();            // in-memory store
    Template t = engine.createTemplate(TemplateSpec.builder()
            .name("Spring sale: 20 off 100")
            .category(CouponCategory.THRESHOLD)
            .productLine("mall")
            .totalCount(1_000)
            .perUserLimit(2)
            .validity(Validity.rolling(Duration.ofDays(7)))
            .discount(Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")))
            .scope(Scope.goodsTypes("digital", "books"))
            .build());
    engine.generation(t.id()).join();                                 // codes ready: status AVAILABLE
    ClaimResult r = engine.claim(new ClaimRequest("user-1", t.id(), "request-1"));
    if (r.outcome() == ClaimOutcome.CLAIMED) System.out.println(r.coupon().orElseThrow().code());
    List<Coupon> usable = engine.coupons("user-1", CouponStatus.USABLE);
    // README-SNIPPET-END

    assertThat(engine.template(t.id()).orElseThrow().status()).isEqualTo(TemplateStatus.AVAILABLE);
    assertThat(r.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(usable).containsExactly(r.coupon().orElseThrow());
    engine.close();
  }
}
