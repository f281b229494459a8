package io.couponengine.code;

import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.CouponEngine;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import io.couponengine.testing.ForwardingStore;
import io.couponengine.testing.Specs;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Ten million codes go through the generator one batch at a time: it never holds more than a batch. */
class GenerationMemoryTest {

  @Test
  void generation_ofTenMillionCodes_holdsOneBatchAtATime() {
    AtomicLong appended = new AtomicLong();
    AtomicLong largestBatch = new AtomicLong();
    AtomicLong checksum = new AtomicLong();
    // a real store for the template, but the codes are only counted and checked, not kept: the point is what the
    // generator itself holds
    ForwardingStore store = new ForwardingStore(new InMemoryCouponStore()) {
      @Override
      public long appendCodes(String templateId, long offset, List<String> codes) {
        if (offset != appended.get()) {
          throw new IllegalStateException("gap at " + offset);
        }
        largestBatch.accumulateAndGet(codes.size(), Math::max);
        for (String code : codes) {
          checksum.addAndGet(code.hashCode());
          if (code.length() != 20) {
            throw new IllegalStateException("bad code " + code);
          }
        }
        return appended.addAndGet(codes.size());
      }
    };
    try (CouponEngine engine = CouponEngine.builder().store(store).executor(Runnable::run)
        .generationBatchSize(10_000).build()) {
      Template t = engine.createTemplate(Specs.threshold(10_000_000, 1));
      assertThat(engine.generation(t.id()).join().status()).isEqualTo(TemplateStatus.AVAILABLE);
    }
    assertThat(appended.get()).isEqualTo(10_000_000);
    assertThat(largestBatch.get()).isEqualTo(10_000);
  }
}
