package io.couponengine.template;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which goods a coupon applies to: a set of goods types and, optionally, a set of regions. An empty set means "no
 * restriction" on that dimension.
 *
 * <pre>{@code
 * Scope.goodsTypes("digital", "books");
 * Scope.goodsTypes("fresh").withRegions("shanghai");
 * Scope.all();
 * }</pre>
 *
 * @param goodsTypes goods types the coupon covers; empty for all
 * @param regions regions the coupon covers; empty for all
 */
public record Scope(Set<String> goodsTypes, Set<String> regions) {

  private static final Scope ALL = new Scope(Set.of(), Set.of());

  /**
   * Checks and copies both sets; null becomes empty.
   *
   * @param goodsTypes goods types the coupon covers; empty for all
   * @param regions regions the coupon covers; empty for all
   * @throws CouponException INVALID_ARGUMENT naming the element ({@code goodsTypes[i]}, {@code regions[i]}, in
   *     iteration order) that is null or not an id: blank, invisible only, longer than 128 characters or holding
   *     control characters
   */
  public Scope {
    goodsTypes = goodsTypes == null ? Set.of() : Set.copyOf(ids(goodsTypes, "goodsTypes"));
    regions = regions == null ? Set.of() : Set.copyOf(ids(regions, "regions"));
  }

  /** The values as a list, each checked with {@link Preconditions#requireId}; field {@code name[i]}. */
  private static List<String> ids(Collection<String> values, String name) {
    List<String> list = Preconditions.requireElements(values, name);
    for (int i = 0; i < list.size(); i++) {
      Preconditions.requireId(list.get(i), name + "[" + i + "]");
    }
    return list;
  }

  /** The arguments of a varargs factory: at least one, each an id; field {@code name[i]} by argument position. */
  private static Set<String> nonEmpty(String[] values, String name) {
    Preconditions.requireArg(values, name);
    if (values.length == 0) {
      throw CouponException.invalidField(name, "must name at least one");
    }
    return new LinkedHashSet<>(ids(Arrays.asList(values), name));
  }

  /**
   * A scope over every goods type and region.
   *
   * @return the unrestricted scope
   */
  public static Scope all() {
    return ALL;
  }

  /**
   * A scope over the given goods types, in every region.
   *
   * @param goodsTypes at least one goods type
   * @return the scope
   * @throws CouponException INVALID_ARGUMENT naming {@code goodsTypes} when none is given, or
   *     {@code goodsTypes[i]} when one is null or not an id
   */
  public static Scope goodsTypes(String... goodsTypes) {
    return new Scope(nonEmpty(goodsTypes, "goodsTypes"), Set.of());
  }

  /**
   * This scope restricted to the given regions.
   *
   * @param regions the regions; none leaves the scope unrestricted by region
   * @return a new scope
   * @throws CouponException INVALID_ARGUMENT naming {@code regions} when the array is null, or {@code regions[i]}
   *     when one is null or not an id
   */
  public Scope withRegions(String... regions) {
    Preconditions.requireArg(regions, "regions");
    return new Scope(goodsTypes, new LinkedHashSet<>(ids(Arrays.asList(regions), "regions")));
  }

  /**
   * Whether a line of goods of this type, sold in this region, is in scope.
   *
   * @param goodsType the goods type of the line
   * @param region the region of the line, or null when the cart has none
   * @return true when the coupon applies to the line
   */
  public boolean covers(String goodsType, String region) {
    boolean typeOk = goodsTypes.isEmpty() || goodsTypes.contains(goodsType);
    boolean regionOk = regions.isEmpty() || (region != null && regions.contains(region));
    return typeOk && regionOk;
  }

  /**
   * Whether this scope restricts nothing.
   *
   * @return true when both sets are empty
   */
  @JsonIgnore
  public boolean isUnrestricted() {
    return goodsTypes.isEmpty() && regions.isEmpty();
  }
}
