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
 * Generates a template's codes in batches and loads them into the store: the first generation moves the template
 * CREATING → AVAILABLE (or FAILED); added stock loads serials up to the grown total while claims go on. Codes come
 * from the template's stored permutation key, so a job that starts where another stopped (another engine, a batch
 * size of its own) loads the same code for each serial; when the store answers CONFLICT (another job loaded past
 * or short of this job's offset) the job re-reads the loaded count and continues from there. Memory is one batch
 * at a time, whatever the total. A batch that fails with STORE_UNAVAILABLE is retried; anything else fails the job.
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
  /** Serial to start from (codes loaded when the job was made), and the total to reach. */
  private final long from;
  private final long to;

  /**
   * Creates the job.
   *
   * @param template the template: CREATING for its first generation, else AVAILABLE or PAUSED with a grown total
   * @param store the store
   * @param events where progress goes
   * @param clock the clock
   * @param batchSize codes per store call
   * @param future completed with the template once its codes are loaded, or exceptionally
   * @param from codes loaded when the job was made
   * @param to the total to reach
   */
  CodeGenerationJob(Template template, CouponStore store, EventBus events, Clock clock, int batchSize,
      CompletableFuture<Template> future, long from, long to) {
    this.from = from;
    this.to = to;
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
      long total = to;
      String key = StoreCalls.call("code key", () -> store.codeKey(template.id(), CodeGenerator.newKey()));
      CodeGenerator generator = CodeGenerator.withKey(template.spec().effectiveCodePrefix(), template.id(), key);
      List<String> batch = new ArrayList<>(batchSize);
      long offset = from;
      events.observers().onGenerationProgress(template.id(), offset, total);
      while (offset < total) {
        batch.clear();
        long end = Math.min(total, offset + batchSize);
        for (long serial = offset; serial < end; serial++) {
          batch.add(generator.code(serial));
        }
        if (!load(offset, batch)) {
          // another job loaded past this offset, or not up to it: continue from what is loaded now
          offset = StoreCalls.call("loaded codes", () -> store.addToTotal(template.id(), 0));
          continue;
        }
        offset = end;
        events.observers().onGenerationProgress(template.id(), end, total);
        events.publish(CouponEvent.ofTemplate(EventType.GENERATION_PROGRESS, clock.instant(), template.id(),
            Map.of("generated", Long.toString(end), "total", Long.toString(total))));
        if (Thread.currentThread().isInterrupted()) {
          throw CouponException.of(ErrorCode.GENERATION_FAILED, "generation was interrupted");
        }
      }
      if (template.status() != TemplateStatus.CREATING) {
        Template now = StoreCalls.call("find template", () -> store.findTemplate(template.id())).orElseThrow(
            () -> CouponException.of(ErrorCode.TEMPLATE_NOT_FOUND, "template '%s' is gone", template.id()));
        events.publish(CouponEvent.ofTemplate(EventType.CODES_ADDED, clock.instant(), template.id(),
            Map.of("added", Long.toString(total - from), "total", Long.toString(now.totalCount()))));
        future.complete(now);
        return;
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

  /** Appends one batch; false when the store's loaded count does not fit the offset (CONFLICT). */
  private boolean load(long offset, List<String> batch) {
    for (int attempt = 1; ; attempt++) {
      try {
        store.appendCodes(template.id(), offset, batch);
        return true;
      } catch (RuntimeException e) {
        CouponException ce = StoreCalls.translate("append codes", e);
        if (ce.code() == ErrorCode.CONFLICT && template.status() != TemplateStatus.CREATING) {
          return false;
        }
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
    if (template.status() == TemplateStatus.CREATING) {
      events.publish(CouponEvent.ofTemplate(EventType.TEMPLATE_FAILED, clock.instant(), template.id(),
          Map.of("reason", reason)));
    }
    future.completeExceptionally(CouponException.withCause(ErrorCode.GENERATION_FAILED,
        "generation of template '" + template.id() + "' failed: " + reason, cause));
  }
}
