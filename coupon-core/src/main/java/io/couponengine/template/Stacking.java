package io.couponengine.template;

import io.couponengine.code.CodeFormat;
import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
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

  /**
   * Checks and copies both sets; null becomes empty.
   *
   * @param templateIds ids of templates this one combines with
   * @param categories categories this one combines with
   * @throws CouponException INVALID_ARGUMENT naming the element ({@code templateIds[i]}, {@code categories[i]}, in
   *     iteration order) that is null, or a template id that is not six characters of the code alphabet (it could
   *     never match a template)
   */
  public Stacking {
    templateIds = templateIds == null ? Set.of() : Set.copyOf(templateIds(templateIds, "templateIds"));
    categories = categories == null ? Set.of() : Set.copyOf(Preconditions.requireElements(categories, "categories"));
  }

  /** Checks every id with {@link CodeFormat#isValidTemplateId}; field {@code name[i]}. */
  private static List<String> templateIds(Collection<String> ids, String name) {
    List<String> list = Preconditions.requireElements(ids, name);
    for (int i = 0; i < list.size(); i++) {
      if (!CodeFormat.isValidTemplateId(list.get(i))) {
        throw CouponException.invalidField(name + "[" + i + "]", "must be a template id: %d characters of %s",
            CodeFormat.TEMPLATE_ID_LENGTH, CodeFormat.ALPHABET);
      }
    }
    return list;
  }

  private static List<String> templateIds(String[] ids, String name) {
    Preconditions.requireArg(ids, name);
    return templateIds(Arrays.asList(ids), name);
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
   * @throws CouponException INVALID_ARGUMENT naming {@code categories} when the array is null, or
   *     {@code categories[i]} when one is null
   */
  public static Stacking withCategories(CouponCategory... categories) {
    Preconditions.requireArg(categories, "categories");
    List<CouponCategory> list = Preconditions.requireElements(Arrays.asList(categories), "categories");
    return new Stacking(Set.of(), list.isEmpty() ? Set.of() : EnumSet.copyOf(list));
  }

  /**
   * Combines with coupons of the given templates.
   *
   * @param templateIds the template ids, each six characters of the code alphabet
   * @return the rule
   * @throws CouponException INVALID_ARGUMENT naming {@code templateIds} when the array is null, or
   *     {@code templateIds[i]} when one is null or not a well-formed template id
   */
  public static Stacking withTemplates(String... templateIds) {
    return new Stacking(new LinkedHashSet<>(templateIds(templateIds, "templateIds")), Set.of());
  }

  /**
   * This rule, also allowing the given templates.
   *
   * @param ids template ids to add, each six characters of the code alphabet
   * @return a new rule
   * @throws CouponException INVALID_ARGUMENT naming {@code ids} when the array is null, or {@code ids[i]} when one
   *     is null or not a well-formed template id
   */
  public Stacking andTemplates(String... ids) {
    Set<String> all = new LinkedHashSet<>(templateIds);
    all.addAll(templateIds(ids, "ids"));
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
