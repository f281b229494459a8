package io.couponengine.resilience4j;

import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.CouponEventListener;
import io.couponengine.event.EventType;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CodeClaimCommand;
import io.couponengine.spi.CouponStore;
import io.couponengine.spi.ReserveCommand;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStats;
import io.couponengine.template.TemplateStatus;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CouponStore} decorator that degrades instead of collapsing when its store fails: every call passes a
 * Resilience4j {@link Bulkhead} (a semaphore bounding the calls in flight) and then a {@link CircuitBreaker} before it
 * reaches the delegate. When the store keeps failing or hanging, the breaker opens and calls are answered
 * {@link ErrorCode#STORE_UNAVAILABLE} at once instead of each holding a request thread for the client's timeout.
 *
 * <pre>{@code
 * ResilientCouponStore store = ResilientCouponStore.builder(redisStore)
 *     .name("redis")
 *     .listener(e -> log.warn("{} {} -> {}", e.details().get("store"), e.details().get("from"), e.details().get("to")))
 *     .build();
 * CouponEngine engine = CouponEngine.builder().store(store).build();
 * ...
 * store.circuitBreaker().getState();   // CLOSED, OPEN, HALF_OPEN
 * store.refusedCalls();                // calls answered STORE_UNAVAILABLE without reaching the store
 * }</pre>
 *
 * <h2>What counts as a failure</h2>
 * Only failures of the store count against the breaker: a {@link CouponException} with code
 * {@link ErrorCode#STORE_UNAVAILABLE} (what adapters throw when their backend times out or is unreachable) and any
 * other {@link RuntimeException} that is not a {@code CouponException} (an adapter bug or an untranslated client
 * error). Every other {@code CouponException} ({@code INVALID_ARGUMENT}, {@code TEMPLATE_NOT_FOUND},
 * {@code CONFLICT}, {@code INVALID_TEMPLATE}, ...) is the answer of a healthy store and counts as a success, as do all
 * refusals returned as results ({@code SOLD_OUT}, {@code LIMIT_REACHED}, {@code ORDER_CONFLICT}, ...). Exceptions
 * pass through unchanged. A call slower than the config's {@code slowCallDurationThreshold} counts as slow, whether it
 * succeeded or failed, except for the bulk calls ({@link #appendCodes}, {@link #importCodes}, {@link #grant},
 * {@link #scanPool}), which move thousands of codes per call and are long by design: their failures count, their
 * duration does not, so an import can never open the breaker for claims. A {@code scanPool} sink that throws is the
 * caller's failure, not the store's: it counts as a success.
 *
 * <h2>Refusals</h2>
 * A call the bulkhead (all permits taken) or the breaker (OPEN, or HALF_OPEN with its probes taken) does not let
 * through throws {@code CouponException} {@code STORE_UNAVAILABLE} without touching the delegate, so a refused write
 * changes nothing. Its cause is the Resilience4j {@link BulkheadFullException} or {@link CallNotPermittedException},
 * which tells a refusal from a store failure; {@link #refusedCalls()} counts them. With the default bulkhead (no wait)
 * a refusal is answered in microseconds. A thread that is already interrupted is refused by the bulkhead (Resilience4j
 * takes its permit interruptibly), as it would be by most clients' blocking I/O.
 *
 * <h2>Defaults</h2>
 * Without {@link Builder#circuitBreaker(CircuitBreakerConfig)} the breaker uses {@link #defaultCircuitBreakerConfig()}:
 * <ul>
 *   <li>a count-based sliding window of the last {@value #DEFAULT_SLIDING_WINDOW_SIZE} calls, judged once it holds
 *       {@value #DEFAULT_MINIMUM_NUMBER_OF_CALLS}: enough calls that a handful of timeouts during a deploy do not open
 *       it, few enough that a dead store is detected after about 20 failed calls, within one timeout's worth of time
 *       under load;</li>
 *   <li>it opens at a failure rate of {@value #DEFAULT_FAILURE_RATE_THRESHOLD}% or when
 *       {@value #DEFAULT_SLOW_CALL_RATE_THRESHOLD}% of the calls took longer than one second (a healthy Redis or SQL
 *       store answers a claim in about a millisecond: a second is a store in trouble, and 80% tolerates the odd slow
 *       statement);</li>
 *   <li>it stays OPEN for five seconds (long enough to stop hammering a restarting store, short enough that users
 *       barely notice), then lets {@value #DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE} probe calls through in
 *       HALF_OPEN: they close it when under the thresholds, else it opens again;</li>
 *   <li>the move from OPEN to HALF_OPEN is automatic (Resilience4j's one daemon thread,
 *       {@code CircuitBreakerAutoTransitionThread}), so {@link #circuitBreaker()}'s state and the events tell the truth
 *       even when no call comes; without it the first call after the wait would make the move.</li>
 * </ul>
 * The bulkhead admits {@value #DEFAULT_MAX_CONCURRENT_CALLS} concurrent calls and refuses the next one at once
 * (no wait): size it to what the store's connection pool can serve plus headroom; a wait only delays refusals while
 * the store hangs.
 *
 * <h2>Events</h2>
 * Each breaker state transition is published to the {@linkplain Builder#listener listeners} as
 * {@link EventType#STORE_STATE_CHANGED} ({@link CouponEvent#ofStore}) with details {@code store} (the name),
 * {@code from} and {@code to} (Resilience4j state names: {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, ...), on
 * the thread whose call caused it (OPEN to HALF_OPEN: Resilience4j's auto-transition thread); keep listeners fast. A
 * listener that throws is logged and skipped.
 *
 * <p>This class is thread-safe; share one instance per process and delegate. {@link #close()} does not close the
 * delegate unless {@link Builder#closeDelegate()} was set.
 */
public final class ResilientCouponStore implements CouponStore {
  private static final Logger LOG = LoggerFactory.getLogger(ResilientCouponStore.class);

  /** Default {@link Builder#name(String)}. */
  public static final String DEFAULT_NAME = "store";
  /** Default sliding window: the last this many calls (count-based). */
  public static final int DEFAULT_SLIDING_WINDOW_SIZE = 50;
  /** Default number of calls the window must hold before the breaker judges the rates. */
  public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 20;
  /** Default failure rate, in percent, at which the breaker opens. */
  public static final int DEFAULT_FAILURE_RATE_THRESHOLD = 50;
  /** Default slow-call rate, in percent, at which the breaker opens. */
  public static final int DEFAULT_SLOW_CALL_RATE_THRESHOLD = 80;
  /** Default duration from which a call counts as slow. */
  public static final Duration DEFAULT_SLOW_CALL_DURATION_THRESHOLD = Duration.ofSeconds(1);
  /** Default time the breaker stays OPEN before it lets probes through. */
  public static final Duration DEFAULT_WAIT_DURATION_IN_OPEN_STATE = Duration.ofSeconds(5);
  /** Default number of probe calls in HALF_OPEN. */
  public static final int DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE = 5;
  /** Default {@link Builder#bulkhead(int, Duration)} {@code maxConcurrentCalls}. */
  public static final int DEFAULT_MAX_CONCURRENT_CALLS = 64;
  /** Default {@link Builder#bulkhead(int, Duration)} {@code maxWait}: refuse at once. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ZERO;
  /** Largest {@link Builder#bulkhead(int, Duration)} {@code maxConcurrentCalls}. */
  public static final int MAX_CONCURRENT_CALLS_LIMIT = 100_000;
  /** Longest {@link Builder#bulkhead(int, Duration)} {@code maxWait}. */
  public static final Duration MAX_WAIT_LIMIT = Duration.ofSeconds(10);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final CouponStore delegate;
  private final String name;
  private final CircuitBreaker circuitBreaker;
  private final Bulkhead bulkhead;
  private final List<CouponEventListener> listeners;
  private final boolean closeDelegate;
  private final LongAdder refused = new LongAdder();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ResilientCouponStore(Builder b) {
    this.delegate = b.delegate;
    this.name = b.name != null ? b.name : DEFAULT_NAME;
    this.listeners = List.copyOf(b.listeners);
    this.closeDelegate = b.closeDelegate;
    this.circuitBreaker = CircuitBreaker.of(name,
        b.circuitBreakerConfig != null ? b.circuitBreakerConfig : defaultCircuitBreakerConfig());
    this.bulkhead = Bulkhead.of(name, BulkheadConfig.custom()
        .maxConcurrentCalls(b.maxConcurrentCalls > 0 ? b.maxConcurrentCalls : DEFAULT_MAX_CONCURRENT_CALLS)
        .maxWaitDuration(b.maxWait != null ? b.maxWait : DEFAULT_MAX_WAIT)
        .writableStackTraceEnabled(false) // the cause of a refusal; its stack says nothing
        .build());
    if (!listeners.isEmpty()) {
      circuitBreaker.getEventPublisher().onStateTransition(this::publish);
    }
  }

  /**
   * The breaker configuration used when the builder gets none; see the class documentation for the values and why.
   * Derive a variant with {@code CircuitBreakerConfig.from(defaultCircuitBreakerConfig())}.
   *
   * @return the default configuration
   */
  public static CircuitBreakerConfig defaultCircuitBreakerConfig() {
    return CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(DEFAULT_SLIDING_WINDOW_SIZE)
        .minimumNumberOfCalls(DEFAULT_MINIMUM_NUMBER_OF_CALLS)
        .failureRateThreshold(DEFAULT_FAILURE_RATE_THRESHOLD)
        .slowCallRateThreshold(DEFAULT_SLOW_CALL_RATE_THRESHOLD)
        .slowCallDurationThreshold(DEFAULT_SLOW_CALL_DURATION_THRESHOLD)
        .waitDurationInOpenState(DEFAULT_WAIT_DURATION_IN_OPEN_STATE)
        .permittedNumberOfCallsInHalfOpenState(DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE)
        .automaticTransitionFromOpenToHalfOpenEnabled(true)
        .writableStackTraceEnabled(false)
        .build();
  }

  /**
   * Starts a builder for a resilient store in front of {@code delegate}. With nothing else set: the name
   * {@value #DEFAULT_NAME}, {@link #defaultCircuitBreakerConfig()}, a bulkhead of
   * {@value #DEFAULT_MAX_CONCURRENT_CALLS} calls without waiting, no listeners, and {@link #close()} leaves the
   * delegate open.
   *
   * @param delegate the store every permitted call goes to
   * @return a new builder
   * @throws CouponException INVALID_ARGUMENT naming {@code delegate} when it is null
   */
  public static Builder builder(CouponStore delegate) {
    if (delegate == null) {
      throw CouponException.invalidField("delegate", "must not be null");
    }
    return new Builder(delegate);
  }

  // ---- resilience ----------------------------------------------------------------------------------------------

  /**
   * The circuit breaker every call passes, for its state ({@code getState()}), metrics ({@code getMetrics()}),
   * events ({@code getEventPublisher()}) and manual transitions. Its name is this store's name.
   *
   * @return the circuit breaker
   */
  public CircuitBreaker circuitBreaker() {
    return circuitBreaker;
  }

  /**
   * The bulkhead every call passes first, for its metrics ({@code getMetrics().getAvailableConcurrentCalls()}).
   * Its name is this store's name.
   *
   * @return the bulkhead
   */
  public Bulkhead bulkhead() {
    return bulkhead;
  }

  /**
   * How many calls were answered {@code STORE_UNAVAILABLE} without reaching the delegate since this store was
   * built: refused by the bulkhead (full) or the breaker (OPEN, or HALF_OPEN with its probes taken).
   *
   * @return the count of refused calls
   */
  public long refusedCalls() {
    return refused.sum();
  }

  /**
   * The name given to the builder (default {@value #DEFAULT_NAME}), used for the breaker, the bulkhead and events.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  private <T> T call(String operation, boolean bulk, Supplier<T> call) {
    if (!bulkhead.tryAcquirePermission()) {
      throw refuse(operation, BulkheadFullException.createBulkheadFullException(bulkhead));
    }
    try {
      if (!circuitBreaker.tryAcquirePermission()) {
        throw refuse(operation, CallNotPermittedException.createCallNotPermittedException(circuitBreaker));
      }
      long start = System.nanoTime();
      T result;
      try {
        result = call.get();
      } catch (CouponException e) {
        long nanos = bulk ? 0 : System.nanoTime() - start;
        if (e.code() == ErrorCode.STORE_UNAVAILABLE) {
          circuitBreaker.onError(nanos, TimeUnit.NANOSECONDS, e);
        } else {
          circuitBreaker.onSuccess(nanos, TimeUnit.NANOSECONDS); // the store answered; the request was wrong
        }
        throw e;
      } catch (SinkFailure e) {
        circuitBreaker.onSuccess(0, TimeUnit.NANOSECONDS);
        throw e.getCause();
      } catch (RuntimeException e) {
        circuitBreaker.onError(bulk ? 0 : System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
        throw e;
      } catch (Error e) {
        circuitBreaker.releasePermission(); // neither the store's success nor its failure
        throw e;
      }
      circuitBreaker.onSuccess(bulk ? 0 : System.nanoTime() - start, TimeUnit.NANOSECONDS);
      return result;
    } finally {
      bulkhead.onComplete();
    }
  }

  private CouponException refuse(String operation, RuntimeException cause) {
    refused.increment();
    return CouponException.withCause(ErrorCode.STORE_UNAVAILABLE,
        "store '" + name + "' refused " + operation + ": " + cause.getMessage(), cause);
  }

  private void publish(CircuitBreakerOnStateTransitionEvent e) {
    CircuitBreaker.StateTransition t = e.getStateTransition();
    CouponEvent event = CouponEvent.ofStore(EventType.STORE_STATE_CHANGED, Instant.now(), name,
        Map.of("store", name, "from", t.getFromState().name(), "to", t.getToState().name()));
    for (CouponEventListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException ex) {
        LOG.warn("listener {} failed on {}", l, event.id(), ex);
      }
    }
  }

  /** Carries an exception thrown by a {@code scanPool} sink past the accounting: it is not the store's. */
  private static final class SinkFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SinkFailure(RuntimeException cause) {
      super(null, cause, false, false);
    }

    @Override
    public synchronized RuntimeException getCause() {
      return (RuntimeException) super.getCause();
    }
  }

  // ---- templates -----------------------------------------------------------------------------------------------

  @Override
  public boolean insertTemplate(Template template) {
    return call("insertTemplate", false, () -> delegate.insertTemplate(template));
  }

  /**
   * Pings the delegate directly, past the circuit breaker and the bulkhead: a health check reports the store, not
   * the breaker's memory of it, and is not counted as a call.
   */
  @Override
  public void ping() {
    delegate.ping();
  }

  @Override
  public Optional<String> findTemplateIdByCode(String code) {
    return call("findTemplateIdByCode", false, () -> delegate.findTemplateIdByCode(code));
  }

  @Override
  public Optional<Template> findTemplate(String templateId) {
    return call("findTemplate", false, () -> delegate.findTemplate(templateId));
  }

  @Override
  public List<Template> findTemplates(TemplateStatus status) {
    return call("findTemplates", false, () -> delegate.findTemplates(status));
  }

  @Override
  public boolean updateTemplateStatus(String templateId, TemplateStatus expected, TemplateStatus next,
      String reason) {
    return call("updateTemplateStatus", false,
        () -> delegate.updateTemplateStatus(templateId, expected, next, reason));
  }

  // ---- code pool -----------------------------------------------------------------------------------------------

  @Override
  public long appendCodes(String templateId, long offset, List<String> codes) {
    return call("appendCodes", true, () -> delegate.appendCodes(templateId, offset, codes));
  }

  @Override
  public String codeKey(String templateId, String proposedKey) {
    return call("codeKey", false, () -> delegate.codeKey(templateId, proposedKey));
  }

  @Override
  public long addToTotal(String templateId, long count) {
    return call("addToTotal", false, () -> delegate.addToTotal(templateId, count));
  }

  @Override
  public Optional<TemplateStats> stats(String templateId) {
    return call("stats", false, () -> delegate.stats(templateId));
  }

  @Override
  public long remainingCodes(String templateId) {
    return call("remainingCodes", false, () -> delegate.remainingCodes(templateId));
  }

  @Override
  public long importCodes(String templateId, List<String> codes) {
    return call("importCodes", true, () -> delegate.importCodes(templateId, codes));
  }

  @Override
  public void scanPool(String templateId, int batchSize, Consumer<List<String>> sink) {
    Consumer<List<String>> guarded = sink == null ? null : batch -> {
      try {
        sink.accept(batch);
      } catch (RuntimeException e) {
        throw new SinkFailure(e);
      }
    };
    call("scanPool", true, () -> {
      delegate.scanPool(templateId, batchSize, guarded);
      return null;
    });
  }

  // ---- claims --------------------------------------------------------------------------------------------------

  @Override
  public ClaimResult claim(ClaimCommand command) {
    return call("claim", false, () -> delegate.claim(command));
  }

  @Override
  public ClaimResult claimCode(CodeClaimCommand command) {
    return call("claimCode", false, () -> delegate.claimCode(command));
  }

  @Override
  public List<ClaimResult> grant(List<ClaimCommand> commands) {
    return call("grant", true, () -> delegate.grant(commands));
  }

  // ---- coupons -------------------------------------------------------------------------------------------------

  @Override
  public List<Coupon> findCouponsByUser(String userId) {
    return call("findCouponsByUser", false, () -> delegate.findCouponsByUser(userId));
  }

  @Override
  public Optional<Coupon> findCouponByCode(String code) {
    return call("findCouponByCode", false, () -> delegate.findCouponByCode(code));
  }

  @Override
  public Optional<Coupon> expireCoupon(Coupon coupon, Instant now) {
    return call("expireCoupon", false, () -> delegate.expireCoupon(coupon, now));
  }

  @Override
  public List<Coupon> expireDueCoupons(Instant now, int limit) {
    return call("expireDueCoupons", false, () -> delegate.expireDueCoupons(now, limit));
  }

  // ---- redemption ----------------------------------------------------------------------------------------------

  @Override
  public RedemptionResult reserve(ReserveCommand command) {
    return call("reserve", false, () -> delegate.reserve(command));
  }

  @Override
  public RedemptionResult commit(String orderId, Instant now) {
    return call("commit", false, () -> delegate.commit(orderId, now));
  }

  @Override
  public RedemptionResult release(String orderId, Instant now) {
    return call("release", false, () -> delegate.release(orderId, now));
  }

  @Override
  public RedemptionResult revert(String orderId, Instant now) {
    return call("revert", false, () -> delegate.revert(orderId, now));
  }

  @Override
  public List<String> findStaleReservations(Instant now, int limit) {
    return call("findStaleReservations", false, () -> delegate.findStaleReservations(now, limit));
  }

  // ---- lifecycle -----------------------------------------------------------------------------------------------

  /**
   * Closes the delegate only if {@link Builder#closeDelegate()} was set; otherwise does nothing (the application
   * owns its store). Calls after {@code close()} still pass to the delegate. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && closeDelegate) {
      delegate.close();
    }
  }

  @Override
  public String toString() {
    return "ResilientCouponStore[name=" + name + ", state=" + circuitBreaker.getState() + ", maxConcurrentCalls="
        + bulkhead.getBulkheadConfig().getMaxConcurrentCalls() + ", delegate=" + delegate + "]";
  }

  // ---- builder -------------------------------------------------------------------------------------------------

  /**
   * Builds a {@link ResilientCouponStore}. Each setter may be called once, except {@link #listener}. Not
   * thread-safe; {@link #build()} may be called several times, each time making a store with its own breaker and
   * bulkhead over the same delegate.
   *
   * <pre>{@code
   * ResilientCouponStore store = ResilientCouponStore.builder(jdbcStore)
   *     .name("postgres")                                    // default "store"
   *     .circuitBreaker(CircuitBreakerConfig.from(ResilientCouponStore.defaultCircuitBreakerConfig())
   *         .waitDurationInOpenState(Duration.ofSeconds(10))
   *         .build())                                        // default: defaultCircuitBreakerConfig()
   *     .bulkhead(32, Duration.ofMillis(2))                  // default: 64 calls, no wait
   *     .listener(alerts::onStoreEvent)                      // any number
   *     .closeDelegate()                                     // default: close() leaves the delegate open
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private final CouponStore delegate;
    private String name;
    private CircuitBreakerConfig circuitBreakerConfig;
    private int maxConcurrentCalls;
    private Duration maxWait;
    private final List<CouponEventListener> listeners = new ArrayList<>();
    private boolean closeDelegate;

    private Builder(CouponStore delegate) {
      this.delegate = delegate;
    }

    /**
     * Sets the name of the breaker, the bulkhead and the {@code store} of events (default {@value ResilientCouponStore#DEFAULT_NAME}).
     *
     * @param name 1 to 64 characters of {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT naming {@code name} when null, malformed, or already set
     */
    public Builder name(String name) {
      requireUnset(this.name == null, "name", this.name);
      if (name == null) {
        throw CouponException.invalidField("name", "must not be null");
      }
      if (!NAME.matcher(name).matches()) {
        throw CouponException.invalidField("name",
            "must be 1 to 64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit, but was '%s'",
            name.length() > 80 ? name.substring(0, 80) + "..." : name);
      }
      this.name = name;
      return this;
    }

    /**
     * Sets the breaker's configuration (default {@link ResilientCouponStore#defaultCircuitBreakerConfig()}). Which
     * outcomes are failures is decided by this store (see the class documentation); the config's
     * {@code recordExceptions}/{@code ignoreExceptions} further filter those failures, and its result predicate is
     * not consulted.
     *
     * @param config the configuration
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT naming {@code circuitBreaker} when null or already set
     */
    public Builder circuitBreaker(CircuitBreakerConfig config) {
      requireUnset(this.circuitBreakerConfig == null, "circuitBreaker", this.circuitBreakerConfig);
      if (config == null) {
        throw CouponException.invalidField("circuitBreaker", "must not be null");
      }
      this.circuitBreakerConfig = config;
      return this;
    }

    /**
     * Sets the bulkhead: at most {@code maxConcurrentCalls} calls in the delegate at once; a further call waits up
     * to {@code maxWait} for a permit, then is refused (default {@value ResilientCouponStore#DEFAULT_MAX_CONCURRENT_CALLS}
     * calls, no wait).
     *
     * @param maxConcurrentCalls from 1 to {@value ResilientCouponStore#MAX_CONCURRENT_CALLS_LIMIT}
     * @param maxWait from zero to 10 seconds
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT naming {@code maxConcurrentCalls} or {@code maxWait} when out of
     *     range or null, or {@code bulkhead} when already set
     */
    public Builder bulkhead(int maxConcurrentCalls, Duration maxWait) {
      requireUnset(this.maxWait == null, "bulkhead", this.maxConcurrentCalls + " calls, " + this.maxWait);
      if (maxConcurrentCalls < 1 || maxConcurrentCalls > MAX_CONCURRENT_CALLS_LIMIT) {
        throw CouponException.invalidField("maxConcurrentCalls", "must be in [1, %d] but was %d",
            MAX_CONCURRENT_CALLS_LIMIT, maxConcurrentCalls);
      }
      if (maxWait == null) {
        throw CouponException.invalidField("maxWait", "must not be null");
      }
      if (maxWait.isNegative() || maxWait.compareTo(MAX_WAIT_LIMIT) > 0) {
        throw CouponException.invalidField("maxWait", "must be from 0 to %s but was %s", MAX_WAIT_LIMIT, maxWait);
      }
      this.maxConcurrentCalls = maxConcurrentCalls;
      this.maxWait = maxWait;
      return this;
    }

    /**
     * Adds a listener for {@link EventType#STORE_STATE_CHANGED}; may be called several times, listeners are called
     * in the order added.
     *
     * @param listener the listener
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT naming {@code listener} when null
     */
    public Builder listener(CouponEventListener listener) {
      if (listener == null) {
        throw CouponException.invalidField("listener", "must not be null");
      }
      listeners.add(listener);
      return this;
    }

    /**
     * Makes {@link ResilientCouponStore#close()} close the delegate too (default: it does not).
     *
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT naming {@code closeDelegate} when already set
     */
    public Builder closeDelegate() {
      requireUnset(!closeDelegate, "closeDelegate", true);
      this.closeDelegate = true;
      return this;
    }

    /**
     * Builds the store. The builder may be reused; each store has its own breaker, bulkhead and refusal count.
     *
     * @return a new resilient store
     */
    public ResilientCouponStore build() {
      return new ResilientCouponStore(this);
    }

    private static void requireUnset(boolean unset, String field, Object current) {
      if (!unset) {
        throw CouponException.invalidField(field, "was already set to %s", current);
      }
    }
  }
}
