package io.couponengine;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.spi.CouponStore;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The code generations of one engine: starts a template's {@link CodeGenerationJob} on the generation executor and
 * answers {@code generation(id)}, from the local future when this engine runs the job, else by polling the store
 * until another engine's job moves the template out of CREATING.
 */
final class Generations {
  private static final long POLL_MILLIS = 50;

  private final CouponStore store;
  private final Clock clock;
  private final EventBus events;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final int batchSize;
  private final Map<String, CompletableFuture<Template>> local = new ConcurrentHashMap<>();
  /** Futures completed by polling; the scheduler stops at close, so close completes them. */
  private final Set<CompletableFuture<Template>> polled = ConcurrentHashMap.newKeySet();

  /**
   * Creates the generations of one engine.
   *
   * @param store the store
   * @param clock the clock
   * @param events where progress goes
   * @param executor runs the jobs
   * @param scheduler runs the polls
   * @param batchSize codes per store call
   */
  Generations(CouponStore store, Clock clock, EventBus events, Executor executor, ScheduledExecutorService scheduler,
      int batchSize) {
    this.store = store;
    this.clock = clock;
    this.events = events;
    this.executor = executor;
    this.scheduler = scheduler;
    this.batchSize = batchSize;
  }

  /**
   * Starts generating a template's codes; a refused execution fails the template at once.
   *
   * @param template the template, stored in CREATING
   */
  void start(Template template) {
    CompletableFuture<Template> future = new CompletableFuture<>();
    local.put(template.id(), future);
    run(new CodeGenerationJob(template, store, events, clock, batchSize, future, 0, template.totalCount()));
  }

  /**
   * Loads the codes of a template's grown total, from {@code loaded} on, while claims go on.
   *
   * @param template the template with its grown total
   * @param loaded codes loaded when the total grew
   * @return completed with the template once the codes are loaded, or exceptionally (GENERATION_FAILED)
   */
  CompletableFuture<Template> addCodes(Template template, long loaded) {
    CompletableFuture<Template> future = new CompletableFuture<>();
    run(new CodeGenerationJob(template, store, events, clock, batchSize, future, loaded, template.totalCount()));
    return future;
  }

  private void run(CodeGenerationJob job) {
    try {
      executor.execute(job);
    } catch (RuntimeException e) {
      job.fail(e);
    }
  }

  /**
   * The template's generation: this engine's own future, or one completed by polling the store.
   *
   * @param templateId a well-formed id
   * @return the future
   */
  CompletableFuture<Template> of(String templateId) {
    CompletableFuture<Template> mine = local.get(templateId);
    if (mine != null) {
      return mine;
    }
    CompletableFuture<Template> result = new CompletableFuture<>();
    polled.add(result);
    result.whenComplete((t, e) -> polled.remove(result));
    poll(templateId, result);
    return result;
  }

  /**
   * The engine is closing: jobs its own pool never started fail their templates (FAILED, with the reason), so no
   * template stays CREATING with nobody generating it, and every future of this engine completes.
   *
   * @param neverStarted the tasks the engine's own pool handed back at shutdown
   */
  void close(List<Runnable> neverStarted) {
    for (Runnable task : neverStarted) {
      if (task instanceof CodeGenerationJob job) {
        job.fail(CouponException.of(ErrorCode.GENERATION_FAILED,
            "the engine closed before generation of template '%s' started", job.templateId()));
      }
    }
    for (CompletableFuture<Template> f : List.copyOf(polled)) {
      f.completeExceptionally(CouponException.of(ErrorCode.ENGINE_CLOSED,
          "engine closed while waiting for another engine's generation"));
    }
  }

  private void poll(String templateId, CompletableFuture<Template> result) {
    try {
      Optional<Template> t = store.findTemplate(templateId);
      if (t.isEmpty()) {
        result.completeExceptionally(
            CouponException.of(ErrorCode.TEMPLATE_NOT_FOUND, "template '%s' does not exist", templateId));
      } else if (t.get().status() == TemplateStatus.CREATING) {
        scheduler.schedule(() -> poll(templateId, result), POLL_MILLIS, TimeUnit.MILLISECONDS);
      } else if (t.get().status() == TemplateStatus.FAILED) {
        result.completeExceptionally(CouponException.of(ErrorCode.GENERATION_FAILED,
            "generation of template '%s' failed: %s", templateId, t.get().failureReason()));
      } else {
        result.complete(t.get());
      }
    } catch (RuntimeException e) {
      result.completeExceptionally(StoreCalls.translate("find template", e));
    }
  }
}
