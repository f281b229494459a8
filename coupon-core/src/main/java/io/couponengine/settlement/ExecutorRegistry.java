package io.couponengine.settlement;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.template.CouponCategory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Picks the {@link SettlementExecutor} for a combination of coupon categories.
 *
 * <pre>{@code
 * ExecutorRegistry defaults = ExecutorRegistry.ofDefaults();          // the built-ins only
 * ExecutorRegistry custom = ExecutorRegistry.builder()
 *     .discovered(ExecutorRegistry.discover(getClass().getClassLoader()))  // META-INF/services providers
 *     .register(new MyThresholdExecutor())                           // replaces the built-in "threshold"
 *     .build();
 * custom.find(EnumSet.of(CouponCategory.THRESHOLD));
 * }</pre>
 *
 * <p>Executors come in three layers, in this order: the {@linkplain BuiltInExecutors built-ins}, then those
 * {@linkplain #discover(ClassLoader) discovered} through {@link ServiceLoader}, then those registered explicitly.
 * <ul>
 *   <li>A discovered executor may add a combination but not replace a built-in one: a jar on the classpath must not
 *       change prices silently; {@link Builder#build()} fails instead.</li>
 *   <li>An explicitly registered executor may replace a built-in or a discovered executor of the same combination
 *       (the one replaced is dropped).</li>
 *   <li>Two executors of the same combination in one layer, or two executors with the same {@linkplain
 *       SettlementExecutor#name() name} anywhere (a replacement needs a name of its own), fail with
 *       {@code CouponException(INVALID_ARGUMENT)}.</li>
 * </ul>
 * The built-ins settle every combination of the three categories, so today a discovered executor always meets a
 * built-in of its combination and {@link Builder#build()} refuses it: to use a provider, register it explicitly
 * (which replaces the built-in). A combination no executor settles is not an error: {@link #find} answers empty
 * and the calculator leaves that combination out, rejecting a coupon that only fits it with
 * {@link RejectionReason#NO_EXECUTOR}. A registry never discovers anything by itself: discovery runs
 * only when {@link #discover(ClassLoader)} is called. Immutable and thread-safe.
 */
public final class ExecutorRegistry {
  private static final int MAX_NAME = 64;
  private static final ExecutorRegistry DEFAULTS = new Builder().build();

  /** Executors by category mask (bit = ordinal). */
  private final SettlementExecutor[] byMask;
  private final List<SettlementExecutor> executors;

  private ExecutorRegistry(SettlementExecutor[] byMask) {
    this.byMask = byMask;
    List<SettlementExecutor> all = new ArrayList<>();
    for (SettlementExecutor e : byMask) {
      if (e != null) {
        all.add(e);
      }
    }
    this.executors = List.copyOf(all);
  }

  /**
   * The registry of the built-in executors only.
   *
   * @return the shared default registry
   */
  public static ExecutorRegistry ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Starts a builder holding the built-in executors.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads every {@link SettlementExecutor} provider visible to {@code classLoader} through {@link ServiceLoader}
   * ({@code META-INF/services/io.couponengine.settlement.SettlementExecutor} on the classpath, {@code provides} in a
   * module). Not cached: each call loads and instantiates the providers again, so call it once at start-up and pass
   * the list to {@link Builder#discovered(Collection)}.
   *
   * @param classLoader where to look
   * @return the providers found, in the order the loader lists them
   * @throws CouponException INVALID_ARGUMENT when the class loader is null or a provider cannot be loaded
   */
  public static List<SettlementExecutor> discover(ClassLoader classLoader) {
    Checks.notNull(classLoader, "classLoader");
    List<SettlementExecutor> found = new ArrayList<>();
    try {
      for (SettlementExecutor e : ServiceLoader.load(SettlementExecutor.class, classLoader)) {
        found.add(e);
      }
    } catch (ServiceConfigurationError e) {
      throw CouponException.withCause(ErrorCode.INVALID_ARGUMENT,
          "a settlement executor provider could not be loaded: " + e.getMessage(), e);
    }
    return List.copyOf(found);
  }

  /**
   * The executor for a combination of categories.
   *
   * @param categories the categories of the chosen coupons, one coupon per category
   * @return the executor, or empty when none settles this combination
   * @throws CouponException INVALID_ARGUMENT when the set or an element is null
   */
  public Optional<SettlementExecutor> find(Set<CouponCategory> categories) {
    Checks.notNull(categories, "categories");
    for (CouponCategory c : categories) {
      Checks.notNull(c, "category");
    }
    return Optional.ofNullable(byMask[mask(categories)]);
  }

  /**
   * A registry of exactly these executors, without the built-ins and unchecked, so that tests can reach
   * combinations no executor settles (every combination has a built-in, and a builder never drops one).
   */
  static ExecutorRegistry withoutBuiltIns(SettlementExecutor... executors) {
    SettlementExecutor[] byMask = new SettlementExecutor[1 << CouponCategory.values().length];
    for (SettlementExecutor e : executors) {
      byMask[mask(e.categories())] = e;
    }
    return new ExecutorRegistry(byMask);
  }

  /** Lookup by category mask, for the calculator's hot path. */
  SettlementExecutor byMask(int mask) {
    return byMask[mask];
  }

  /**
   * Every executor in effect (after replacements), ordered by combination.
   *
   * @return an immutable list
   */
  public List<SettlementExecutor> executors() {
    return executors;
  }

  static int mask(Set<CouponCategory> categories) {
    int mask = 0;
    for (CouponCategory c : categories) {
      mask |= 1 << c.ordinal();
    }
    return mask;
  }

  /**
   * Builds an {@link ExecutorRegistry}; starts with the built-ins. Not thread-safe.
   *
   * <pre>{@code
   * ExecutorRegistry registry = ExecutorRegistry.builder().register(new MyExecutor()).build();
   * }</pre>
   */
  public static final class Builder {
    private final List<SettlementExecutor> discovered = new ArrayList<>();
    private final List<SettlementExecutor> registered = new ArrayList<>();

    private Builder() {}

    /**
     * Adds executors found by {@link ExecutorRegistry#discover(ClassLoader)}; they may add combinations but not
     * replace a built-in one.
     *
     * @param executors the discovered executors
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when the collection or an element is null
     */
    public Builder discovered(Collection<? extends SettlementExecutor> executors) {
      Checks.notNull(executors, "executors");
      for (SettlementExecutor e : executors) {
        discovered.add(Checks.notNull(e, "executor"));
      }
      return this;
    }

    /**
     * Registers an executor explicitly; it replaces a built-in or discovered executor of the same combination.
     *
     * @param executor the executor
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when null
     */
    public Builder register(SettlementExecutor executor) {
      registered.add(Checks.notNull(executor, "executor"));
      return this;
    }

    /**
     * Registers several executors explicitly, as {@link #register} does.
     *
     * @param executors the executors
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when the collection or an element is null
     */
    public Builder registerAll(Collection<? extends SettlementExecutor> executors) {
      Checks.notNull(executors, "executors");
      executors.forEach(this::register);
      return this;
    }

    /**
     * Checks the layers and builds the registry.
     *
     * @return a new immutable registry
     * @throws CouponException INVALID_ARGUMENT for an executor with a bad name or no categories, two executors with
     *     the same name, two of one combination in one layer, or a discovered executor of a built-in combination
     */
    public ExecutorRegistry build() {
      Map<String, SettlementExecutor> names = new HashMap<>();
      SettlementExecutor[] byMask = new SettlementExecutor[1 << CouponCategory.values().length];
      layer(BuiltInExecutors.all(), "built-in", byMask, names, false);
      layer(discovered, "discovered", byMask, names, false);
      layer(registered, "registered", byMask, names, true);
      return new ExecutorRegistry(byMask);
    }

    private static void layer(List<SettlementExecutor> executors, String layer, SettlementExecutor[] byMask,
        Map<String, SettlementExecutor> names, boolean mayReplace) {
      SettlementExecutor[] mine = new SettlementExecutor[byMask.length];
      for (SettlementExecutor e : executors) {
        String name = e.name();
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
          throw CouponException.invalidField("executors", "must each have a non-blank name of at most %d characters "
              + "but %s has none", MAX_NAME, e.getClass().getName());
        }
        SettlementExecutor sameName = names.putIfAbsent(name, e);
        if (sameName != null) {
          throw CouponException.invalidField("executors", "must have distinct names but two are named '%s': %s and %s",
              name,
              sameName.getClass().getName(), e.getClass().getName());
        }
        Set<CouponCategory> categories = e.categories();
        if (categories == null || categories.isEmpty() || hasNull(categories)) {
          throw CouponException.invalidField("executors",
              "must each settle at least one category but '%s' settles none", name);
        }
        int mask = mask(EnumSet.copyOf(categories));
        if (mine[mask] != null) {
          throw CouponException.invalidField("executors", "must not both settle one combination: %s executors '%s' "
              + "and '%s' both settle %s", layer,
              mine[mask].name(), name, EnumSet.copyOf(categories));
        }
        if (byMask[mask] != null && !mayReplace) {
          throw CouponException.invalidField("executors",
              "must be registered explicitly to replace a built-in: %s executor '%s' would replace '%s' for %s", layer,
              name,
              byMask[mask].name(), EnumSet.copyOf(categories));
        }
        mine[mask] = e;
      }
      for (int m = 0; m < mine.length; m++) {
        if (mine[m] != null) {
          byMask[m] = mine[m];
        }
      }
    }

    private static boolean hasNull(Set<CouponCategory> categories) {
      for (CouponCategory c : categories) {
        if (c == null) {
          return true;
        }
      }
      return false;
    }
  }
}
