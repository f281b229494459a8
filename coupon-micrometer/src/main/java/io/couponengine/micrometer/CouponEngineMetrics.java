package io.couponengine.micrometer;

import com.github.benmanes.caffeine.cache.Cache;
import io.couponengine.cache.NearCachedStore;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.event.EngineObserver;
import io.couponengine.event.SweepKind;
import io.couponengine.spi.CouponStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Micrometer meters for a coupon engine. One instance is both the engine's {@link EngineObserver} and a
 * {@link MeterBinder}: give it to the engine's builder and bind it to one or more registries, in either order.
 *
 * <pre>{@code
 * CouponEngineMetrics metrics = CouponEngineMetrics.builder().build();
 * CouponEngine engine = CouponEngine.builder().store(store).observer(metrics).build();
 * metrics.bindTo(registry);   // Spring Boot binds a MeterBinder bean by itself
 * }</pre>
 *
 * <h2>Meters</h2>
 * <table>
 *   <caption>Meters (tag {@code template} only with {@link Builder#templateTag(boolean) templateTag(true)})</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code coupon.claims}</td><td>counter</td><td>{@code outcome}, {@code template}</td>
 *       <td>claims ({@code claim}, {@code claimByCode}) by {@link ClaimOutcome} name, or {@code ERROR} when the
 *       call threw</td></tr>
 *   <tr><td>{@code coupon.claim}</td><td>timer</td><td>{@code template}</td><td>claim latency</td></tr>
 *   <tr><td>{@code coupon.grants}</td><td>counter</td><td>{@code outcome}, {@code template}</td>
 *       <td>users of operator grants by {@link ClaimOutcome} name</td></tr>
 *   <tr><td>{@code coupon.reservations}</td><td>counter</td><td>{@code outcome}</td>
 *       <td>reservations (plain and priced) by {@link RedemptionOutcome} name, or {@code ERROR}</td></tr>
 *   <tr><td>{@code coupon.reserve}</td><td>timer</td><td></td><td>reservation latency</td></tr>
 *   <tr><td>{@code coupon.settle}</td><td>timer</td><td></td>
 *       <td>{@code settle} and {@code bestCombination} latency</td></tr>
 *   <tr><td>{@code coupon.errors}</td><td>counter</td><td>{@code operation}, {@code error}</td>
 *       <td>calls that threw, by operation ({@code claim}, {@code reserve}, {@code settle}) and
 *       {@link ErrorCode} name</td></tr>
 *   <tr><td>{@code coupon.generation.codes}</td><td>counter</td><td>{@code template}</td>
 *       <td>codes generated and loaded</td></tr>
 *   <tr><td>{@code coupon.generations}</td><td>counter</td><td>{@code template}</td>
 *       <td>generations (first ones and {@code addCodes}) that loaded their last code</td></tr>
 *   <tr><td>{@code coupon.sweep}</td><td>counter</td><td>{@code kind}</td>
 *       <td>templates and coupons expired, reservations released by sweeps, by {@link SweepKind} name</td></tr>
 *   <tr><td>{@code coupon.sweep.runs}</td><td>counter</td><td>{@code kind}</td><td>sweep runs</td></tr>
 *   <tr><td>{@code cache.*}</td><td>Caffeine</td><td>{@code cache}</td>
 *       <td>with a {@link NearCachedStore}: Micrometer's {@link CaffeineCacheMetrics} for each of its caches,
 *       {@code cache=coupon.templates}, {@code coupon.users} (and {@code coupon.catalog},
 *       {@code coupon.remaining} with a catalog TTL)</td></tr>
 *   <tr><td>{@code coupon.cache.stale.reads}</td><td>counter</td><td></td>
 *       <td>with a {@link NearCachedStore}: reads answered stale because the store failed</td></tr>
 * </table>
 *
 * <h2>Defaults and cardinality</h2>
 * By default no meter has a {@code template} tag, so the number of time series does not grow with the number of
 * templates; {@link Builder#templateTag(boolean) templateTag(true)} adds it (one series per template and outcome
 * that occurred; ids of templates that do not exist are tagged {@value #UNKNOWN_TEMPLATE}). Timers publish no percentiles and no histogram unless {@link Builder#percentiles(double...)} or
 * {@link Builder#percentileHistogram(boolean)} is set.
 *
 * <h2>Binding</h2>
 * The meters live in an internal {@link CompositeMeterRegistry}; {@link #bindTo(MeterRegistry)} adds a registry to
 * it, so the instance may be bound to several registries, before or after the engine is built. Counters count from
 * the first event whether or not a registry is bound yet (a registry bound later sees the whole count); timers
 * record from the first {@code bindTo} on (samples taken before are dropped, never failed on).
 *
 * <p>Use one instance per engine (an observer given to two engines adds both engines' events up; the caches of the
 * second engine's near-cache are then not reported). This class is thread-safe; its observer methods are cheap (an
 * array index, a {@link LongAdder} increment and a timer record) and never throw.
 */
public final class CouponEngineMetrics implements EngineObserver, MeterBinder {
  /** The outcome tag of a call that threw instead of returning an outcome. */
  public static final String ERROR_OUTCOME = "ERROR";
  /**
   * The template tag (with {@code templateTag(true)}) of a claim of a template that does not exist
   * (TEMPLATE_NOT_FOUND), of a claim by a code that matches no template, and of a claim that threw before its
   * template was ever seen by these metrics: ids callers make up never become series of their own.
   */
  public static final String UNKNOWN_TEMPLATE = "unknown";

  private static final ClaimOutcome[] CLAIM_OUTCOMES = ClaimOutcome.values();
  private static final RedemptionOutcome[] REDEMPTION_OUTCOMES = RedemptionOutcome.values();
  private static final ErrorCode[] ERROR_CODES = ErrorCode.values();
  private static final String[] OPERATIONS = {"claim", "reserve", "settle"};
  private static final int CLAIM = 0;
  private static final int RESERVE = 1;
  private static final int SETTLE = 2;

  private final boolean templateTag;
  private final double[] percentiles;
  private final boolean percentileHistogram;
  private final CompositeMeterRegistry meters = new CompositeMeterRegistry();

  /** Claim and grant counters and the claim timer without a template tag (null with templateTag). */
  private final PerTemplate untagged;
  /** The same per template (templateTag only). */
  private final Map<String, PerTemplate> byTemplate = new ConcurrentHashMap<>();
  private final LongAdder[] reservations;
  private final Timer reserveTimer;
  private final Timer settleTimer;
  private final AtomicReferenceArray<LongAdder> errors =
      new AtomicReferenceArray<>(OPERATIONS.length * ERROR_CODES.length);
  /** Codes loaded so far by each generation in progress, to count what each progress call adds. */
  private final Map<String, Long> generating = new ConcurrentHashMap<>();
  private final LongAdder[] swept = new LongAdder[SweepKind.values().length];
  private final LongAdder[] sweepRuns = new LongAdder[SweepKind.values().length];

  private CouponEngineMetrics(Builder b) {
    this.templateTag = b.templateTag;
    this.percentiles = b.percentiles;
    this.percentileHistogram = b.percentileHistogram;
    this.untagged = templateTag ? null : new PerTemplate(Tags.empty(), false);
    this.reservations = new LongAdder[REDEMPTION_OUTCOMES.length + 1];
    for (int i = 0; i < reservations.length; i++) {
      String outcome = i < REDEMPTION_OUTCOMES.length ? REDEMPTION_OUTCOMES[i].name() : ERROR_OUTCOME;
      reservations[i] = counter("coupon.reservations", "reservations by outcome", Tags.of("outcome", outcome));
    }
    this.reserveTimer = timer("coupon.reserve", "reservation latency", Tags.empty());
    this.settleTimer = timer("coupon.settle", "settlement (settle, bestCombination) latency", Tags.empty());
    for (SweepKind kind : SweepKind.values()) {
      swept[kind.ordinal()] = counter("coupon.sweep", "templates and coupons expired and reservations released "
          + "by sweeps", Tags.of("kind", kind.name()));
      sweepRuns[kind.ordinal()] = counter("coupon.sweep.runs", "sweep runs", Tags.of("kind", kind.name()));
    }
  }

  /**
   * Starts a builder. With nothing set: no {@code template} tag, no percentiles, no histogram.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Adds {@code registry} to the registries these meters are published to (may be called for several registries;
   * binding one twice is harmless). Every meter registered so far appears in it at once, counters with their whole
   * count.
   *
   * @param registry the registry
   * @throws CouponException INVALID_ARGUMENT when null
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    if (registry == null) {
      throw CouponException.invalidField("registry", "must not be null");
    }
    if (registry != meters) {
      meters.add(registry);
    }
  }

  /**
   * Registers the Caffeine statistics of the engine's near-cache when its store is a {@link NearCachedStore}.
   *
   * @param store the engine's store
   */
  @Override
  public void onEngineStarted(CouponStore store) {
    if (store instanceof NearCachedStore near) {
      for (Map.Entry<String, Cache<?, ?>> e : near.caches().entrySet()) {
        monitor(e.getValue(), "coupon." + e.getKey());
      }
      FunctionCounter.builder("coupon.cache.stale.reads", near, NearCachedStore::staleReads)
          .description("near-cache reads answered with a stale value because the store failed")
          .register(meters);
    }
  }

  private <K, V> void monitor(Cache<K, V> cache, String name) {
    new CaffeineCacheMetrics<K, V, Cache<K, V>>(cache, name, Tags.empty()).bindTo(meters);
  }

  /**
   * Counts the claim in {@code coupon.claims} and records its latency in {@code coupon.claim}.
   *
   * @param templateId the template, or null
   * @param outcome the outcome
   * @param nanos the latency
   */
  @Override
  public void onClaim(String templateId, ClaimOutcome outcome, long nanos) {
    PerTemplate t = outcome == ClaimOutcome.TEMPLATE_NOT_FOUND ? of(null) : of(templateId);
    t.claim(outcome.ordinal()).increment();
    t.claimTimer.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Counts the failed claim in {@code coupon.claims} (outcome {@code ERROR}) and {@code coupon.errors}, and records
   * its latency in {@code coupon.claim}.
   *
   * @param templateId the template, or null
   * @param error the error code
   * @param nanos the latency
   */
  @Override
  public void onClaimFailed(String templateId, ErrorCode error, long nanos) {
    PerTemplate t = templateTag && templateId != null && byTemplate.containsKey(templateId) ? of(templateId)
        : of(null);
    t.claim(CLAIM_OUTCOMES.length).increment();
    t.claimTimer.record(nanos, TimeUnit.NANOSECONDS);
    error(CLAIM, error);
  }

  /**
   * Counts the grant's users in {@code coupon.grants}.
   *
   * @param templateId the template
   * @param outcome the outcome
   * @param users how many users got it
   */
  @Override
  public void onGrant(String templateId, ClaimOutcome outcome, long users) {
    of(templateId).grant(outcome.ordinal()).add(users);
  }

  /**
   * Counts the reservation in {@code coupon.reservations} and records its latency in {@code coupon.reserve}.
   *
   * @param outcome the outcome
   * @param nanos the latency
   */
  @Override
  public void onReserve(RedemptionOutcome outcome, long nanos) {
    reservations[outcome.ordinal()].increment();
    reserveTimer.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Counts the failed reservation in {@code coupon.reservations} (outcome {@code ERROR}) and
   * {@code coupon.errors}, and records its latency in {@code coupon.reserve}.
   *
   * @param error the error code
   * @param nanos the latency
   */
  @Override
  public void onReserveFailed(ErrorCode error, long nanos) {
    reservations[REDEMPTION_OUTCOMES.length].increment();
    reserveTimer.record(nanos, TimeUnit.NANOSECONDS);
    error(RESERVE, error);
  }

  /**
   * Records the settlement's latency in {@code coupon.settle}.
   *
   * @param nanos the latency
   */
  @Override
  public void onSettle(long nanos) {
    settleTimer.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Records the failed settlement's latency in {@code coupon.settle} and counts it in {@code coupon.errors}.
   *
   * @param error the error code
   * @param nanos the latency
   */
  @Override
  public void onSettleFailed(ErrorCode error, long nanos) {
    settleTimer.record(nanos, TimeUnit.NANOSECONDS);
    error(SETTLE, error);
  }

  /**
   * Counts the codes loaded since the generation's last report in {@code coupon.generation.codes}, and a finished
   * generation in {@code coupon.generations}.
   *
   * @param templateId the template
   * @param generated codes loaded so far
   * @param total codes to load
   */
  @Override
  public void onGenerationProgress(String templateId, long generated, long total) {
    Long before = generated >= total ? generating.remove(templateId) : generating.put(templateId, generated);
    long added = before == null ? 0 : generated - before;
    PerTemplate t = of(templateId);
    if (added > 0) {
      t.generated().add(added);
    }
    if (generated >= total && before != null) {
      t.generations().increment();
    }
  }

  /**
   * Counts the sweep run in {@code coupon.sweep.runs} and what it expired or released in {@code coupon.sweep}.
   *
   * @param kind what was swept
   * @param count how many
   */
  @Override
  public void onSweep(SweepKind kind, int count) {
    sweepRuns[kind.ordinal()].increment();
    if (count > 0) {
      swept[kind.ordinal()].add(count);
    }
  }

  @Override
  public String toString() {
    return "CouponEngineMetrics[templateTag=" + templateTag + ", percentiles=" + Arrays.toString(percentiles)
        + ", percentileHistogram=" + percentileHistogram + "]";
  }

  // ---- meters -----------------------------------------------------------------------------------------------------

  private PerTemplate of(String templateId) {
    if (!templateTag) {
      return untagged;
    }
    String id = templateId == null ? UNKNOWN_TEMPLATE : templateId;
    PerTemplate t = byTemplate.get(id);
    return t != null ? t : byTemplate.computeIfAbsent(id, k -> new PerTemplate(Tags.of("template", k), true));
  }

  private void error(int operation, ErrorCode code) {
    int i = operation * ERROR_CODES.length + code.ordinal();
    LongAdder a = errors.get(i);
    if (a == null) {
      synchronized (errors) {
        a = errors.get(i);
        if (a == null) {
          a = counter("coupon.errors", "engine calls that threw, by operation and error code",
              Tags.of("operation", OPERATIONS[operation], "error", code.name()));
          errors.set(i, a);
        }
      }
    }
    a.increment();
  }

  /** A LongAdder published as a function counter: its count survives registries bound later. */
  private LongAdder counter(String name, String description, Tags tags) {
    LongAdder adder = new LongAdder();
    FunctionCounter.builder(name, adder, LongAdder::doubleValue).description(description).tags(tags)
        .register(meters);
    return adder;
  }

  private Timer timer(String name, String description, Tags tags) {
    Timer.Builder b = Timer.builder(name).description(description).tags(tags)
        .publishPercentileHistogram(percentileHistogram);
    if (percentiles.length > 0) {
      b.publishPercentiles(percentiles);
    }
    return b.register(meters);
  }

  /** The claim and grant counters, the claim timer and the generation counters of one template tag (or none). */
  private final class PerTemplate {
    private final Tags tags;
    private final Timer claimTimer;
    /** By claim outcome ordinal; the last one is ERROR. Registered when first used. */
    private final AtomicReferenceArray<LongAdder> claims = new AtomicReferenceArray<>(CLAIM_OUTCOMES.length + 1);
    private final AtomicReferenceArray<LongAdder> grants = new AtomicReferenceArray<>(CLAIM_OUTCOMES.length);
    private volatile LongAdder generated;
    private volatile LongAdder generations;

    PerTemplate(Tags tags, boolean perTemplate) {
      this.tags = tags;
      this.claimTimer = timer("coupon.claim", "claim latency", tags);
      if (!perTemplate) {
        // without a template tag every outcome is registered up front: rates of zero instead of missing series
        for (int i = 0; i <= CLAIM_OUTCOMES.length; i++) {
          claim(i);
        }
      }
    }

    LongAdder claim(int i) {
      LongAdder a = claims.get(i);
      return a != null ? a : register(claims, i, "coupon.claims", "claims by outcome",
          i < CLAIM_OUTCOMES.length ? CLAIM_OUTCOMES[i].name() : ERROR_OUTCOME);
    }

    LongAdder grant(int i) {
      LongAdder a = grants.get(i);
      return a != null ? a : register(grants, i, "coupon.grants", "users of operator grants by outcome",
          CLAIM_OUTCOMES[i].name());
    }

    LongAdder generated() {
      LongAdder a = generated;
      if (a == null) {
        synchronized (this) {
          if (generated == null) {
            generated = counter("coupon.generation.codes", "codes generated and loaded", tags);
          }
          a = generated;
        }
      }
      return a;
    }

    LongAdder generations() {
      LongAdder a = generations;
      if (a == null) {
        synchronized (this) {
          if (generations == null) {
            generations = counter("coupon.generations", "code generations that loaded their last code", tags);
          }
          a = generations;
        }
      }
      return a;
    }

    private LongAdder register(AtomicReferenceArray<LongAdder> array, int i, String name, String description,
        String outcome) {
      synchronized (this) {
        LongAdder a = array.get(i);
        if (a == null) {
          a = counter(name, description, tags.and("outcome", outcome));
          array.set(i, a);
        }
        return a;
      }
    }
  }

  // ---- builder ----------------------------------------------------------------------------------------------------

  /**
   * Builds a {@link CouponEngineMetrics}. Each setter may be called once. Not thread-safe.
   *
   * <pre>{@code
   * CouponEngineMetrics metrics = CouponEngineMetrics.builder()
   *     .templateTag(true)              // one series per template: only with a bounded number of templates
   *     .percentiles(0.5, 0.99)
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private boolean templateTag;
    private boolean templateTagSet;
    private double[] percentiles = new double[0];
    private boolean percentilesSet;
    private boolean percentileHistogram;
    private boolean percentileHistogramSet;

    private Builder() {}

    /**
     * Adds a {@code template} tag (the template id) to the claim, grant and generation meters (default false). Each
     * template then has series of its own: turn it on only when the number of templates is bounded.
     *
     * @param enabled whether to tag by template
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder templateTag(boolean enabled) {
      requireUnset(!templateTagSet, "templateTag", templateTag);
      this.templateTag = enabled;
      this.templateTagSet = true;
      return this;
    }

    /**
     * Makes the timers publish these client-side percentiles (default none), for example {@code 0.5, 0.95, 0.99}.
     * Each timer keeps a sliding histogram per percentile set: this costs memory and time on every record.
     *
     * @param percentiles each from 0 to 1 (inclusive); none is the default
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when null, when one is out of range or NaN, or when already set
     */
    public Builder percentiles(double... percentiles) {
      requireUnset(!percentilesSet, "percentiles", Arrays.toString(this.percentiles));
      if (percentiles == null) {
        throw CouponException.invalidField("percentiles", "must not be null");
      }
      for (int i = 0; i < percentiles.length; i++) {
        double p = percentiles[i];
        if (!(p >= 0 && p <= 1)) {
          throw CouponException.invalidField("percentiles[" + i + "]", "must be from 0 to 1 but was %s", p);
        }
      }
      this.percentiles = percentiles.clone();
      this.percentilesSet = true;
      return this;
    }

    /**
     * Makes the timers publish a percentile histogram (default false), for percentiles aggregated on the server
     * side (Prometheus {@code histogram_quantile}); adds a few dozen buckets per timer.
     *
     * @param enabled whether to publish the histogram
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder percentileHistogram(boolean enabled) {
      requireUnset(!percentileHistogramSet, "percentileHistogram", percentileHistogram);
      this.percentileHistogram = enabled;
      this.percentileHistogramSet = true;
      return this;
    }

    /**
     * Builds the metrics; give the result to {@code CouponEngine.Builder.observer} and bind it to a registry.
     *
     * @return new metrics, bound to no registry yet
     */
    public CouponEngineMetrics build() {
      return new CouponEngineMetrics(this);
    }

    private static void requireUnset(boolean unset, String name, Object current) {
      if (!unset) {
        throw CouponException.invalidField(name, "was already set to %s", current);
      }
    }
  }
}
