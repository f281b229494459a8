package io.couponengine.settlement;

import io.couponengine.coupon.Coupon;
import io.couponengine.error.CouponException;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Stacking;
import io.couponengine.template.Template;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the allowed combination of a user's coupons that gives a cart the lowest price.
 *
 * <pre>{@code
 * BestCombination optimizer = new BestCombination(SettlementCalculator.ofDefaults());
 * BestCombinationResult best = optimizer.find(cart, usableCoupons, templatesById, Instant.now());
 * best.result().finalPrice();
 * }</pre>
 *
 * <p><b>Exact, without enumerating 2^n subsets.</b> A combination is allowed only when every pair stacks and it
 * holds at most one coupon per category, so an allowed combination is a clique of the stackability graph with one
 * vertex per category, and it is worth settling only when the registry has an executor for its set of categories.
 * The search therefore groups the usable coupons by category and, for each executor's combination, extends
 * one coupon per category at a time, keeping only coupons that stack with all those already chosen (category
 * grouping, a special case of clique enumeration). Coupons of one template are interchangeable (same discount, same
 * scope, never combinable with each other), so only one per template takes part: the one expiring first. The
 * built-in executors settle every combination, so that is at most {@code n} single coupons, the stackable pairs
 * and the stackable triples ({@code |THRESHOLD| x |DISCOUNT| x |DIRECT|} at most), each settled once by the
 * {@link SettlementCalculator}: for 20 coupons of 20 templates that all stack, under five hundred settlements.
 *
 * <p><b>Order of preference</b>: the lowest final price; on a tie, fewer coupons (a coupon that saves nothing is
 * left for another order); then the combination whose earliest-expiring coupon expires first (use coupons before
 * they lapse); then the smallest sorted list of codes, so the answer is deterministic. The empty combination (no
 * coupon) takes part, so a coupon never makes the answer worse. Immutable and thread-safe.
 */
public final class BestCombination {

  /** The most coupons one search accepts (after that, the caller should pre-filter). */
  public static final int MAX_COUPONS = 1_000;

  private static final Comparator<Candidate> PREFERENCE = Comparator
      .comparing((Candidate c) -> c.result.finalPrice())
      .thenComparingInt(c -> c.coupons.size())
      .thenComparing(c -> c.earliestExpiry, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(c -> c.sortedCodes);

  private final SettlementCalculator calculator;

  /**
   * Creates an optimizer settling with {@code calculator}.
   *
   * @param calculator the calculator (policy and executors)
   * @throws CouponException INVALID_ARGUMENT when null
   */
  public BestCombination(SettlementCalculator calculator) {
    this.calculator = Checks.notNull(calculator, "calculator");
  }

  /**
   * An optimizer over {@link SettlementCalculator#ofDefaults()}.
   *
   * @return a new optimizer
   */
  public static BestCombination ofDefaults() {
    return new BestCombination(SettlementCalculator.ofDefaults());
  }

  /**
   * Finds the best allowed combination. Coupons that cannot apply to this cart at {@code now} (another user's,
   * expired, reserved, unknown template, out of scope, threshold or minimum missed) are ignored.
   *
   * @param cart the cart
   * @param coupons the user's coupons, at most {@value #MAX_COUPONS}
   * @param templates templates by id
   * @param now the instant expiry is judged at
   * @return the best combination (possibly empty) and its settlement
   * @throws CouponException INVALID_ARGUMENT for null arguments, a coupon given twice or too many coupons
   */
  public BestCombinationResult find(Cart cart, List<Coupon> coupons, Map<String, Template> templates, Instant now) {
    SettlementCalculator.requireArguments(cart, coupons, templates, now, MAX_COUPONS);
    PricedCart priced = PricedCart.of(cart);
    Map<String, SelectedCoupon> byTemplate = new HashMap<>();
    for (Coupon c : coupons) {
      Template t = templates.get(c.templateId());
      if (calculator.precheck(priced, c, t, now) == null) {
        byTemplate.merge(t.id(), new SelectedCoupon(c, t), BestCombination::expiringFirst);
      }
    }
    List<List<SelectedCoupon>> groups = new ArrayList<>();
    for (int i = 0; i < CouponCategory.values().length; i++) {
      groups.add(new ArrayList<>());
    }
    for (SelectedCoupon s : byTemplate.values()) {
      groups.get(s.category().ordinal()).add(s);
    }
    for (List<SelectedCoupon> g : groups) {
      g.sort(Comparator.comparing((SelectedCoupon s) -> s.coupon().code())); // deterministic order
    }
    Search search = new Search(priced, templates, now);
    search.considerNone();
    for (SettlementExecutor e : calculator.registry().executors()) {
      List<List<SelectedCoupon>> pick = new ArrayList<>();
      boolean possible = true;
      for (CouponCategory c : CouponCategory.values()) {
        if (e.categories().contains(c)) {
          List<SelectedCoupon> g = groups.get(c.ordinal());
          possible &= !g.isEmpty();
          pick.add(g);
        }
      }
      if (possible) {
        search.extend(pick, ExecutorRegistry.mask(e.categories()), 0, new ArrayList<>());
      }
    }
    Candidate best = search.best;
    Map<String, Coupon> byId = new HashMap<>();
    for (Coupon c : best.coupons) {
      byId.put(c.id(), c);
    }
    List<Coupon> applied = new ArrayList<>(best.coupons.size());
    best.result.applied().forEach(a -> applied.add(byId.get(a.couponId())));
    return new BestCombinationResult(applied, best.result);
  }

  private static SelectedCoupon expiringFirst(SelectedCoupon a, SelectedCoupon b) {
    int byExpiry = a.coupon().expiresAt().compareTo(b.coupon().expiresAt());
    if (byExpiry != 0) {
      return byExpiry < 0 ? a : b;
    }
    return a.coupon().code().compareTo(b.coupon().code()) <= 0 ? a : b;
  }

  /** One search: the cart priced once, the best candidate so far. Not thread-safe. */
  private final class Search {
    private final PricedCart priced;
    private final Map<String, Template> templates;
    private final Instant now;
    private Candidate best;

    Search(PricedCart priced, Map<String, Template> templates, Instant now) {
      this.priced = priced;
      this.templates = templates;
      this.now = now;
    }

    /** Picks one coupon of each remaining group that stacks with every coupon chosen so far. */
    void extend(List<List<SelectedCoupon>> groups, int mask, int depth, List<SelectedCoupon> chosen) {
      if (depth == groups.size()) {
        consider(chosen, calculator.settleChosen(priced, chosen, mask));
        return;
      }
      for (SelectedCoupon s : groups.get(depth)) {
        if (stacksWithAll(s, chosen)) {
          chosen.add(s);
          extend(groups, mask, depth + 1, chosen);
          chosen.remove(chosen.size() - 1);
        }
      }
    }

    void considerNone() {
      consider(List.of(), calculator.settlePriced(priced, List.of(), templates, now));
    }

    private void consider(List<SelectedCoupon> chosen, SettlementResult r) {
      if (best != null && r.finalPrice().compareTo(best.result.finalPrice()) > 0) {
        return; // worse on price: no need to build the tie-break keys
      }
      List<Coupon> coupons = new ArrayList<>(chosen.size());
      chosen.forEach(s -> coupons.add(s.coupon()));
      Candidate c = new Candidate(coupons, r);
      if (best == null || PREFERENCE.compare(c, best) < 0) {
        best = c;
      }
    }
  }

  private static boolean stacksWithAll(SelectedCoupon s, List<SelectedCoupon> chosen) {
    for (SelectedCoupon o : chosen) {
      if (!Stacking.mayStack(s.template(), o.template())) {
        return false;
      }
    }
    return true;
  }

  /** A settled combination with its tie-break keys. */
  private static final class Candidate {
    final List<Coupon> coupons;
    final SettlementResult result;
    final Instant earliestExpiry;
    final String sortedCodes;

    Candidate(List<Coupon> coupons, SettlementResult result) {
      this.coupons = coupons;
      this.result = result;
      Instant earliest = null;
      List<String> codes = new ArrayList<>(coupons.size());
      for (Coupon c : coupons) {
        earliest = earliest == null || c.expiresAt().isBefore(earliest) ? c.expiresAt() : earliest;
        codes.add(c.code());
      }
      codes.sort(null);
      this.earliestExpiry = earliest;
      this.sortedCodes = String.join(",", codes);
    }
  }
}
