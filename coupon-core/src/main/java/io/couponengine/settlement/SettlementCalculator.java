package io.couponengine.settlement;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.Stacking;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes the price of a cart with chosen coupons. Pure: it reads only its arguments and never touches storage,
 * so it can run anywhere (the engine resolves codes to coupons and templates first).
 *
 * <pre>{@code
 * SettlementCalculator calculator = new SettlementCalculator(SettlementPolicy.defaults(),
 *     ExecutorRegistry.ofDefaults());
 * SettlementResult r = calculator.settle(cart, List.of(thresholdCoupon, discountCoupon),
 *     Map.of(t1.id(), t1, t2.id(), t2), Instant.now());
 * r.finalPrice();
 * }</pre>
 *
 * <p>A settlement always answers; only malformed input throws ({@code CouponException(INVALID_ARGUMENT)}). Steps:
 * <ol>
 *   <li><b>Pre-checks</b>, per coupon, in this order: another user's coupon → {@link RejectionReason#NOT_OWNER};
 *       past its validity at {@code now} → {@code EXPIRED}; before it → {@code NOT_YET_VALID}; RESERVED or USED → {@code NOT_USABLE}; template not in
 *       the map → {@code UNKNOWN_COUPON}; no cart line in its scope → {@code OUT_OF_SCOPE}; a 满减 whose
 *       threshold the in-scope subtotal (at full price) misses → {@code THRESHOLD_NOT_MET}; an in-scope subtotal
 *       (at full price) below the template's minimum subtotal, or fewer in-scope items than its minimum quantity →
 *       {@code MINIMUM_NOT_MET}.</li>
 *   <li><b>The best allowed subset</b> of the coupons that passed: a subset is allowed when it holds <em>at most
 *       one coupon per category</em> (the executors and their registry are keyed by the set of categories), every
 *       pair in it {@linkplain Stacking#mayStack stacks}, and the {@link ExecutorRegistry} has an executor for its
 *       set of categories. The calculator applies the allowed subset with the <b>lowest final price</b>; where
 *       prices are equal, the one that <b>keeps the earlier coupons</b> of the list (at the first coupon that one
 *       subset holds and the other does not, the one holding it wins — so with equal prices the answer is the
 *       coupons taken in order, each kept unless it conflicts with one kept before it). A buyer who enters a code
 *       that does not combine with the earlier ones keeps their discount; the new code is refused, or it replaces
 *       them when it alone gives the lower price. Every other coupon is rejected with {@code NOT_STACKABLE} (it
 *       conflicts with an applied coupon: same category or stacking refused) or {@code NO_EXECUTOR} (it stacks
 *       with them but no executor settles the combination). The search is exact and cheap: only subsets of at most
 *       one coupon per category are formed, only the first coupon of each template takes part (later ones are
 *       interchangeable with it and lose every tie), and a subset settled by a built-in executor is not priced
 *       when even the most each of its coupons could save alone cannot beat the best price found.</li>
 *   <li><b>Executor</b>: the executor of the subset's categories computes the savings (see
 *       {@link BuiltInExecutors} for the order the built-ins apply coupons in).</li>
 *   <li><b>Price floor</b>: when the savings would bring the price below {@link SettlementPolicy#priceFloor()},
 *       the excess is taken back from the <em>last</em> coupon the executor applied (from its last allocated line
 *       backwards), then from the one before it if the last saving is not enough. A cart whose total is below the
 *       floor gets no discount.</li>
 * </ol>
 * Invariants of every result: {@code finalPrice == originalTotal - sum(savings)} exactly; {@code finalPrice >=
 * min(floor, originalTotal)}; each saving equals the sum of its line allocations; no line loses more than its
 * total. Immutable and thread-safe.
 */
public final class SettlementCalculator {

  /** The most coupons one settlement accepts. */
  public static final int MAX_COUPONS = 100;

  private static final SettlementCalculator DEFAULTS =
      new SettlementCalculator(SettlementPolicy.defaults(), ExecutorRegistry.ofDefaults());

  private final SettlementPolicy policy;
  private final ExecutorRegistry registry;

  /**
   * Creates a calculator.
   *
   * @param policy floor, scale and rounding
   * @param registry the executors
   * @throws CouponException INVALID_ARGUMENT when either is null
   */
  public SettlementCalculator(SettlementPolicy policy, ExecutorRegistry registry) {
    this.policy = Checks.notNull(policy, "policy");
    this.registry = Checks.notNull(registry, "registry");
  }

  /**
   * A calculator with {@link SettlementPolicy#defaults()} and {@link ExecutorRegistry#ofDefaults()}.
   *
   * @return the shared default calculator
   */
  public static SettlementCalculator ofDefaults() {
    return DEFAULTS;
  }

  /**
   * The policy.
   *
   * @return the policy
   */
  public SettlementPolicy policy() {
    return policy;
  }

  /**
   * The executor registry.
   *
   * @return the registry
   */
  public ExecutorRegistry registry() {
    return registry;
  }

  /**
   * Settles a request.
   *
   * @param request the cart and the chosen coupons
   * @param templates templates by id; must hold the coupons' templates (a missing one rejects the coupon)
   * @param now the instant expiry is judged at
   * @return the result
   * @throws CouponException INVALID_ARGUMENT for null arguments or a coupon given twice
   */
  public SettlementResult settle(SettlementRequest request, Map<String, Template> templates, Instant now) {
    Checks.notNull(request, "request");
    return settle(request.cart(), request.coupons(), templates, now);
  }

  /**
   * Settles a cart with the chosen coupons.
   *
   * @param cart the cart
   * @param coupons the chosen coupons, at most {@value #MAX_COUPONS}, in priority order: among subsets of equal
   *     price, the one keeping the earlier coupons is applied
   * @param templates templates by id; must hold the coupons' templates (a missing one rejects the coupon)
   * @param now the instant expiry is judged at
   * @return the result: final price, what each applied coupon saved (the best allowed subset of the coupons), why
   *     others were not applied
   * @throws CouponException INVALID_ARGUMENT for null arguments, too many coupons or a coupon given twice;
   *     INTERNAL when a custom executor breaks its contract
   */
  public SettlementResult settle(Cart cart, List<Coupon> coupons, Map<String, Template> templates, Instant now) {
    requireArguments(cart, coupons, templates, now, MAX_COUPONS);
    return settlePriced(PricedCart.of(cart), coupons, templates, now);
  }

  /** The checks {@link #settle} and {@link BestCombination#find} share: no nulls, at most {@code max}, distinct. */
  static void requireArguments(Cart cart, List<Coupon> coupons, Map<String, Template> templates, Instant now,
      int max) {
    Checks.notNull(cart, "cart");
    Checks.notNull(coupons, "coupons");
    Checks.notNull(templates, "templates");
    Checks.notNull(now, "now");
    if (coupons.size() > max) {
      throw CouponException.invalidField("coupons", "must hold at most %d coupons but held %d", max,
          coupons.size());
    }
    requireDistinct(coupons);
  }

  /** The arguments are checked. */
  SettlementResult settlePriced(PricedCart priced, List<Coupon> coupons, Map<String, Template> templates, Instant now) {
    int n = coupons.size();
    RejectionReason[] reasons = new RejectionReason[n];
    SelectedCoupon[] selected = new SelectedCoupon[n];
    BestSubset search = new BestSubset(n);
    BigDecimal[] full = new BigDecimal[1];
    for (int i = 0; i < n; i++) {
      Coupon c = coupons.get(i);
      Template t = templates.get(c.templateId());
      reasons[i] = precheck(priced, c, t, now, full);
      if (reasons[i] == null) {
        selected[i] = new SelectedCoupon(c, t);
        search.offer(selected[i], ChainExecutor.upperBound(t.spec().discount(), full[0], policy));
      }
    }
    List<SelectedCoupon> chosen = search.run(priced);
    int mask = 0;
    for (SelectedCoupon s : chosen) {
      mask |= bit(s);
    }
    for (int i = 0; i < n; i++) {
      if (reasons[i] == null && !chosen.contains(selected[i])) {
        reasons[i] = (mask & bit(selected[i])) != 0 || !stacksWithAll(selected[i].template(), chosen)
            || registry.byMask(mask | bit(selected[i])) != null
            ? RejectionReason.NOT_STACKABLE
            : RejectionReason.NO_EXECUTOR;
      }
    }
    List<RejectedCoupon> rejected = rejections(coupons, reasons);
    if (chosen.isEmpty()) {
      BigDecimal original = priced.total(policy);
      return new SettlementResult(original, BigDecimal.ZERO.setScale(policy.scale()), original, List.of(), rejected);
    }
    return search.best.withRejected(rejected);
  }

  private static int bit(SelectedCoupon s) {
    return 1 << s.category().ordinal();
  }

  /**
   * The search for the best allowed subset of the coupons offered to one settlement: lowest final price, then the
   * subset holding the earlier offered coupons. Not thread-safe: one settlement only.
   */
  private final class BestSubset {
    /** The coupons that passed the pre-checks, first of each template only, in the order offered. */
    private final List<SelectedCoupon> candidates;
    /** For each candidate, the most it can save alone (a bound for the built-in executors). */
    private final List<BigDecimal> bounds;
    /** The allowed subsets: candidate positions, ascending. */
    private final List<int[]> subsets = new ArrayList<>();
    private int[] bestSubset;
    private SettlementResult best;

    BestSubset(int n) {
      candidates = new ArrayList<>(Math.min(n, 8));
      bounds = new ArrayList<>(Math.min(n, 8));
    }

    /** Offers a coupon that passed the pre-checks; a later coupon of a template already offered is left out. */
    void offer(SelectedCoupon s, BigDecimal bound) {
      for (SelectedCoupon c : candidates) {
        if (c.template().id().equals(s.template().id())) {
          return; // the same price as the earlier one, which wins every tie: it can never be better
        }
      }
      candidates.add(s);
      bounds.add(bound);
    }

    /** Runs the search; answers the best subset in the order offered (empty when no coupon applies). */
    List<SelectedCoupon> run(PricedCart priced) {
      enumerate(0, 0, new int[Math.min(candidates.size(), CouponCategory.values().length)], 0);
      BigDecimal original = priced.total(policy);
      List<Bounded> bounded = new ArrayList<>(subsets.size());
      for (int[] subset : subsets) {
        int mask = mask(subset);
        SettlementExecutor executor = registry.byMask(mask);
        if (BuiltInExecutors.isBuiltIn(executor)) {
          BigDecimal sum = BigDecimal.ZERO;
          for (int k : subset) {
            sum = sum.add(bounds.get(k));
          }
          bounded.add(new Bounded(original.subtract(sum), subset));
        } else {
          consider(subset, priced, executor, mask); // a custom executor's savings have no known bound
        }
      }
      bounded.sort((a, b) -> a.lowest().compareTo(b.lowest()));
      for (Bounded b : bounded) {
        if (best != null && b.lowest().compareTo(best.finalPrice()) > 0) {
          break; // this and every later subset cannot reach the best price
        }
        int mask = mask(b.subset());
        consider(b.subset(), priced, registry.byMask(mask), mask);
      }
      if (best == null) {
        return List.of();
      }
      List<SelectedCoupon> out = new ArrayList<>(bestSubset.length);
      for (int k : bestSubset) {
        out.add(candidates.get(k));
      }
      return out;
    }

    /** Collects every subset of at most one coupon per category whose pairs stack and that has an executor. */
    private void enumerate(int from, int mask, int[] members, int size) {
      if (size == 0 || registry.byMask(mask) != null) {
        subsets.add(Arrays.copyOf(members, size));
      }
      if (size == members.length) {
        return;
      }
      for (int k = from; k < candidates.size(); k++) {
        SelectedCoupon s = candidates.get(k);
        if ((mask & bit(s)) == 0 && stacksWithAll(s, members, size)) {
          members[size] = k;
          enumerate(k + 1, mask | bit(s), members, size + 1);
        }
      }
    }

    private boolean stacksWithAll(SelectedCoupon s, int[] members, int size) {
      for (int j = 0; j < size; j++) {
        if (!Stacking.mayStack(s.template(), candidates.get(members[j]).template())) {
          return false;
        }
      }
      return true;
    }

    private int mask(int[] subset) {
      int mask = 0;
      for (int k : subset) {
        mask |= bit(candidates.get(k));
      }
      return mask;
    }

    private void consider(int[] subset, PricedCart priced, SettlementExecutor executor, int mask) {
      SettlementResult r;
      if (subset.length == 0) {
        BigDecimal original = priced.total(policy);
        r = new SettlementResult(original, BigDecimal.ZERO.setScale(policy.scale()), original, List.of(), List.of());
      } else {
        List<SelectedCoupon> chosen = new ArrayList<>(subset.length);
        for (int k : subset) {
          chosen.add(candidates.get(k));
        }
        r = price(priced, executor, chosen, List.of());
      }
      int byPrice = best == null ? -1 : r.finalPrice().compareTo(best.finalPrice());
      if (byPrice < 0 || byPrice == 0 && keepsEarlier(subset, bestSubset)) {
        best = r;
        bestSubset = subset;
      }
    }
  }

  /** A subset settled by a built-in executor, with the lowest price it could reach. */
  private record Bounded(BigDecimal lowest, int[] subset) {}

  /**
   * Whether subset {@code a} keeps the earlier offered coupons: at the first candidate that one holds and the other
   * does not, {@code a} holds it. (Positions ascend; a subset extending the other keeps more.)
   */
  static boolean keepsEarlier(int[] a, int[] b) {
    int n = Math.min(a.length, b.length);
    for (int i = 0; i < n; i++) {
      if (a[i] != b[i]) {
        return a[i] < b[i];
      }
    }
    return a.length > b.length;
  }

  /**
   * Settles coupons that passed the pre-checks, stack pairwise and hold one per category, whose combination has
   * an executor ({@link BestCombination} has checked all that already).
   */
  SettlementResult settleChosen(PricedCart priced, List<SelectedCoupon> chosen, int mask) {
    return price(priced, registry.byMask(mask), new ArrayList<>(chosen), List.of());
  }

  private SettlementResult price(PricedCart priced, SettlementExecutor executor, List<SelectedCoupon> chosen,
      List<RejectedCoupon> rejected) {
    chosen.sort((a, b) -> a.category().compareTo(b.category()));
    List<CouponSaving> savings = executor instanceof ChainExecutor builtIn
        ? builtIn.settle(priced, chosen, policy)
        : run(executor, priced.cart(), chosen);
    if (!BuiltInExecutors.isBuiltIn(executor)) {
      verify(executor, priced, chosen, savings);
    }
    return result(priced, chosen, savings, rejected);
  }

  static void requireDistinct(List<Coupon> coupons) {
    int n = coupons.size();
    if (n <= 16) {
      for (int i = 0; i < n; i++) {
        Coupon c = Checks.notNull(coupons.get(i), "coupons[" + i + "]");
        for (int j = 0; j < i; j++) {
          if (coupons.get(j).id().equals(c.id())) {
            throw CouponException.invalidField("coupons", "must not hold coupon '%s' twice", c.code());
          }
        }
      }
      return;
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < n; i++) {
      Coupon c = Checks.notNull(coupons.get(i), "coupons[" + i + "]");
      if (!ids.add(c.id())) {
        throw CouponException.invalidField("coupons", "must not hold coupon '%s' twice", c.code());
      }
    }
  }

  /** The pre-check reason, or null when the coupon may apply. */
  RejectionReason precheck(PricedCart priced, Coupon c, Template t, Instant now) {
    return precheck(priced, c, t, now, null);
  }

  /**
   * The pre-check reason, or null when the coupon may apply; then {@code full[0]} (when given) is its in-scope
   * subtotal at undiscounted prices.
   */
  private RejectionReason precheck(PricedCart priced, Coupon c, Template t, Instant now, BigDecimal[] full) {
    if (!c.userId().equals(priced.cart().userId())) {
      return RejectionReason.NOT_OWNER;
    }
    CouponStatus status = c.statusAt(now);
    if (status == CouponStatus.EXPIRED) {
      return RejectionReason.EXPIRED;
    }
    if (status == CouponStatus.PENDING) {
      return RejectionReason.NOT_YET_VALID;
    }
    if (status != CouponStatus.USABLE) {
      return RejectionReason.NOT_USABLE;
    }
    if (t == null) {
      return RejectionReason.UNKNOWN_COUPON;
    }
    if (!t.id().equals(c.templateId())) {
      throw CouponException.invalidField("templates", "must map '%s' to its template, not to '%s'", c.templateId(),
          t.id());
    }
    TemplateSpec spec = t.spec();
    Scope scope = spec.scope();
    Discount d = spec.discount();
    boolean needSubtotal = full != null || d.kind() == Discount.Kind.THRESHOLD || spec.minimumSubtotal() != null
        || spec.minimumQuantity() > 0;
    List<CartLine> lines = priced.cart().lines();
    boolean any = false;
    BigDecimal subtotal = BigDecimal.ZERO;
    long quantity = 0;
    for (int i = 0; i < lines.size(); i++) {
      CartLine line = lines.get(i);
      if (scope.covers(line.goodsType(), line.region())) {
        any = true;
        if (!needSubtotal) {
          break; // only the threshold, the minimums and the search need the subtotal
        }
        subtotal = subtotal.add(priced.lineTotal(i));
        quantity += line.quantity();
      }
    }
    if (!any) {
      return RejectionReason.OUT_OF_SCOPE;
    }
    if (d.kind() == Discount.Kind.THRESHOLD && subtotal.compareTo(d.threshold()) < 0) {
      return RejectionReason.THRESHOLD_NOT_MET;
    }
    if (!ChainExecutor.minimumsMet(spec, subtotal, quantity)) {
      return RejectionReason.MINIMUM_NOT_MET;
    }
    if (full != null) {
      full[0] = subtotal;
    }
    return null;
  }

  private static boolean stacksWithAll(Template t, List<SelectedCoupon> chosen) {
    if (chosen.isEmpty()) {
      return true;
    }
    for (SelectedCoupon s : chosen) {
      if (!Stacking.mayStack(t, s.template())) {
        return false;
      }
    }
    return true;
  }

  private List<CouponSaving> run(SettlementExecutor executor, Cart cart, List<SelectedCoupon> chosen) {
    List<CouponSaving> savings;
    try {
      savings = executor.settle(cart, List.copyOf(chosen), policy);
    } catch (RuntimeException e) {
      throw CouponException.withCause(ErrorCode.INTERNAL,
          "settlement executor '" + executor.name() + "' failed: " + e, e);
    }
    if (savings == null) {
      throw broken(executor, "it returned null");
    }
    return savings;
  }

  private void verify(SettlementExecutor executor, PricedCart priced, List<SelectedCoupon> chosen,
      List<CouponSaving> savings) {
    if (savings.size() != chosen.size()) {
      throw broken(executor, "it returned " + savings.size() + " savings for " + chosen.size() + " coupons");
    }
    Map<String, SelectedCoupon> byId = new HashMap<>();
    for (SelectedCoupon s : chosen) {
      byId.put(s.coupon().id(), s);
    }
    Map<String, BigDecimal> lost = new HashMap<>();
    for (CouponSaving saving : savings) {
      if (saving == null) {
        throw broken(executor, "it returned a null saving");
      }
      SelectedCoupon s = byId.remove(saving.couponId());
      if (s == null) {
        throw broken(executor, "it returned a saving for coupon '" + saving.couponId() + "' twice or unasked");
      }
      if (saving.saved().stripTrailingZeros().scale() > policy.scale()) {
        throw broken(executor, "saving " + saving.saved() + " has more than " + policy.scale() + " decimals");
      }
      Scope scope = s.template().spec().scope();
      for (Map.Entry<String, BigDecimal> e : saving.allocations().entrySet()) {
        int i = priced.indexOf(e.getKey());
        if (i < 0) {
          throw broken(executor, "it allocated to goods '" + e.getKey() + "' which is not in the cart");
        }
        CartLine line = priced.cart().lines().get(i);
        if (!scope.covers(line.goodsType(), line.region())) {
          throw broken(executor, "it allocated coupon '" + s.coupon().code() + "' to out-of-scope goods '"
              + e.getKey() + "'");
        }
        if (e.getValue().signum() < 0) {
          throw broken(executor, "it allocated a negative amount to goods '" + e.getKey() + "'");
        }
        lost.merge(e.getKey(), e.getValue(), BigDecimal::add);
      }
    }
    for (Map.Entry<String, BigDecimal> e : lost.entrySet()) {
      if (e.getValue().compareTo(priced.lineTotal(priced.indexOf(e.getKey()))) > 0) {
        throw broken(executor, "goods '" + e.getKey() + "' lost " + e.getValue() + ", more than its line total");
      }
    }
  }

  private static CouponException broken(SettlementExecutor executor, String what) {
    return CouponException.of(ErrorCode.INTERNAL, "settlement executor '%s' broke its contract: %s",
        executor.name(), what);
  }

  private SettlementResult result(PricedCart priced, List<SelectedCoupon> chosen, List<CouponSaving> savings,
      List<RejectedCoupon> rejected) {
    int scale = policy.scale();
    BigDecimal original = priced.total(policy);
    BigDecimal[] saved = new BigDecimal[savings.size()];
    BigDecimal total = BigDecimal.ZERO.setScale(scale);
    for (int j = 0; j < saved.length; j++) {
      saved[j] = savings.get(j).saved().setScale(scale);
      total = total.add(saved[j]);
    }
    List<Map<String, BigDecimal>> allocations = new ArrayList<>(saved.length);
    for (CouponSaving s : savings) {
      allocations.add(s.allocations());
    }
    BigDecimal excess = policy.priceFloor().subtract(original.subtract(total));
    if (excess.signum() > 0 && total.signum() > 0) {
      if (excess.compareTo(total) > 0) {
        excess = total; // the cart is below the floor already: no discount at all
      }
      for (int j = saved.length - 1; j >= 0 && excess.signum() > 0; j--) {
        BigDecimal take = excess.min(saved[j]);
        saved[j] = saved[j].subtract(take);
        allocations.set(j, reduceFromLast(allocations.get(j), take));
        total = total.subtract(take);
        excess = excess.subtract(take);
      }
    }
    List<AppliedCoupon> applied = new ArrayList<>(saved.length);
    for (int j = 0; j < saved.length; j++) {
      SelectedCoupon s = find(chosen, savings.get(j).couponId());
      applied.add(new AppliedCoupon(s.coupon().code(), s.coupon().id(), s.template().id(), s.category(), saved[j],
          scaled(allocations.get(j), scale)));
    }
    return new SettlementResult(original, total, original.subtract(total), applied, rejected);
  }

  private static SelectedCoupon find(List<SelectedCoupon> chosen, String couponId) {
    for (SelectedCoupon s : chosen) {
      if (s.coupon().id().equals(couponId)) {
        return s;
      }
    }
    throw CouponException.of(ErrorCode.INTERNAL, "no chosen coupon has id '%s'", couponId);
  }

  /** Takes {@code take} off the allocations, starting at the last line and moving backwards. */
  private static Map<String, BigDecimal> reduceFromLast(Map<String, BigDecimal> allocations, BigDecimal take) {
    List<Map.Entry<String, BigDecimal>> entries = new ArrayList<>(allocations.entrySet());
    BigDecimal[] values = new BigDecimal[entries.size()];
    for (int k = entries.size() - 1; k >= 0; k--) {
      BigDecimal v = entries.get(k).getValue();
      BigDecimal t = take.min(v);
      values[k] = v.subtract(t);
      take = take.subtract(t);
    }
    LinkedHashMap<String, BigDecimal> out = new LinkedHashMap<>(entries.size() * 2);
    for (int k = 0; k < values.length; k++) {
      out.put(entries.get(k).getKey(), values[k]);
    }
    return out;
  }

  private static Map<String, BigDecimal> scaled(Map<String, BigDecimal> allocations, int scale) {
    for (BigDecimal v : allocations.values()) {
      if (v.scale() != scale) {
        LinkedHashMap<String, BigDecimal> out = new LinkedHashMap<>(allocations.size() * 2);
        allocations.forEach((k, x) -> out.put(k, x.setScale(scale)));
        return out;
      }
    }
    return allocations;
  }

  private static List<RejectedCoupon> rejections(List<Coupon> coupons, RejectionReason[] reasons) {
    List<RejectedCoupon> out = null;
    for (int i = 0; i < reasons.length; i++) {
      if (reasons[i] != null) {
        if (out == null) {
          out = new ArrayList<>();
        }
        Coupon c = coupons.get(i);
        out.add(new RejectedCoupon(c.code(), c.id(), reasons[i]));
      }
    }
    return out == null ? List.of() : out;
  }
}
