package io.couponengine;

import io.couponengine.code.CodeGenerator;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.EventType;
import io.couponengine.spi.CouponStore;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates a template's codes in batches, loads them into the store and moves the template CREATING → AVAILABLE,
 * or CREATING → FAILED. Memory is one batch at a time, whatever the total. A batch that fails with
 * STORE_UNAVAILABLE is retried (loading is idempotent by offset); anything else fails the template.
 */
final class CodeGenerationJob implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(CodeGenerationJob.class);
  private static final int ATTEMPTS_PER_BATCH = 3;

  private final Template template;
  private final CouponStore store;
  private final EventBus events;
  private final Clock clock;
  private final int batchSize;
  private final CompletableFuture<Template> future;

  /**
   * Creates the job.
   *
   * @param template the template, in CREATING
   * @param store the store
   * @param events where progress goes
   * @param clock the clock
   * @param batchSize codes per store call
   * @param future completed with the AVAILABLE template, or exceptionally
   */
  CodeGenerationJob(Template template, CouponStore store, EventBus events, Clock clock, int batchSize,
      CompletableFuture<Template> future) {
    this.template = template;
    this.store = store;
    this.events = events;
    this.clock = clock;
    this.batchSize = batchSize;
    this.future = future;
  }

  /** The template this job generates. */
  String templateId() {
    return template.id();
  }

  @Override
  public void run() {
    try {
      long total = template.spec().totalCount();
      CodeGenerator generator = CodeGenerator.withRandomKey(template.spec().effectiveCodePrefix(), template.id());
      List<String> batch = new ArrayList<>(batchSize);
      for (long offset = 0; offset < total; offset += batch.size()) {
        batch.clear();
        long end = Math.min(total, offset + batchSize);
        for (long serial = offset; serial < end; serial++) {
          batch.add(generator.code(serial));
        }
        load(offset, batch);
        events.publish(CouponEvent.ofTemplate(EventType.GENERATION_PROGRESS, clock.instant(), template.id(),
            Map.of("generated", Long.toString(end), "total", Long.toString(total))));
        if (Thread.currentThread().isInterrupted()) {
          throw CouponException.of(ErrorCode.GENERATION_FAILED, "generation was interrupted");
        }
      }
      if (!store.updateTemplateStatus(template.id(), TemplateStatus.CREATING, TemplateStatus.AVAILABLE, null)) {
        throw CouponException.of(ErrorCode.CONFLICT, "template '%s' left CREATING during generation",
            template.id());
      }
      Template ready = template.withStatus(TemplateStatus.AVAILABLE, null);
      events.publish(CouponEvent.ofTemplate(EventType.TEMPLATE_READY, clock.instant(), template.id(), Map.of()));
      future.complete(ready);
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  private void load(long offset, List<String> batch) {
    for (int attempt = 1; ; attempt++) {
      try {
        store.appendCodes(template.id(), offset, batch);
        return;
      } catch (RuntimeException e) {
        CouponException ce = StoreCalls.translate("append codes", e);
        if (ce.code() != ErrorCode.STORE_UNAVAILABLE || attempt >= ATTEMPTS_PER_BATCH) {
          throw ce;
        }
        log.debug("retrying code batch at offset {} of template {}", offset, template.id(), e);
      }
    }
  }

  /**
   * Marks the template FAILED and fails the future.
   *
   * @param cause why
   */
  void fail(Throwable cause) {
    String reason = String.valueOf(cause.getMessage());
    log.warn("code generation of template {} failed: {}", template.id(), reason, cause);
    // an interrupt (the engine closing) must not stop this last write: clients refuse I/O on interrupted threads
    boolean interrupted = Thread.interrupted();
    try {
      store.updateTemplateStatus(template.id(), TemplateStatus.CREATING, TemplateStatus.FAILED, reason);
    } catch (RuntimeException e) {
      log.warn("could not mark template {} FAILED", template.id(), e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    events.publish(CouponEvent.ofTemplate(EventType.TEMPLATE_FAILED, clock.instant(), template.id(),
        Map.of("reason", reason)));
    future.completeExceptionally(CouponException.withCause(ErrorCode.GENERATION_FAILED,
        "generation of template '" + template.id() + "' failed: " + reason, cause));
  }
}
