package io.couponengine.template;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which other coupons a coupon of this template may be combined with in one order. A pair of coupons combines only
 * when <em>each</em> allows the other (by template id or by category). Two coupons of the same template never
 * combine.
 *
 * <pre>{@code
 * Stacking.none();                                      // the default: used alone
 * Stacking.withCategories(CouponCategory.DISCOUNT);     // with any 折扣 coupon that allows us back
 * Stacking.withTemplates("K7PXQ2");
 * }</pre>
 *
 * @param templateIds ids of templates this one combines with
 * @param categories categories this one combines with
 */
public record Stacking(Set<String> templateIds, Set<CouponCategory> categories) {

  private static final Stacking NONE = new Stacking(Set.of(), Set.of());

  /** Copies both sets; null becomes empty. */
  public Stacking {
    templateIds = templateIds == null ? Set.of() : Set.copyOf(templateIds);
    categories = categories == null ? Set.of() : Set.copyOf(categories);
  }

  /**
   * Combines with nothing.
   *
   * @return the empty stacking rule
   */
  public static Stacking none() {
    return NONE;
  }

  /**
   * Combines with coupons of the given categories.
   *
   * @param categories the categories
   * @return the rule
   */
  public static Stacking withCategories(CouponCategory... categories) {
    return new Stacking(Set.of(), categories.length == 0 ? Set.of() : EnumSet.copyOf(Arrays.asList(categories)));
  }

  /**
   * Combines with coupons of the given templates.
   *
   * @param templateIds the template ids
   * @return the rule
   */
  public static Stacking withTemplates(String... templateIds) {
    return new Stacking(Set.copyOf(Arrays.asList(templateIds)), Set.of());
  }

  /**
   * This rule, also allowing the given templates.
   *
   * @param ids template ids to add
   * @return a new rule
   */
  public Stacking andTemplates(String... ids) {
    Set<String> all = new java.util.HashSet<>(templateIds);
    all.addAll(Arrays.asList(ids));
    return new Stacking(all, categories);
  }

  /**
   * Whether this side allows combining with a coupon of {@code other}.
   *
   * @param other the other template
   * @return true when the other template's id or category is allowed
   */
  public boolean allows(Template other) {
    return templateIds.contains(other.id()) || categories.contains(other.spec().category());
  }

  /**
   * Whether two templates may be combined: both must allow each other, and they must differ.
   *
   * @param a one template
   * @param b the other template
   * @return true when the pair may stack
   */
  public static boolean mayStack(Template a, Template b) {
    return !a.id().equals(b.id()) && a.spec().stacking().allows(b) && b.spec().stacking().allows(a);
  }
}
