package io.couponengine.template;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Arrays;
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

  /** Copies both sets; null becomes empty. */
  public Scope {
    goodsTypes = goodsTypes == null ? Set.of() : Set.copyOf(goodsTypes);
    regions = regions == null ? Set.of() : Set.copyOf(regions);
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
   */
  public static Scope goodsTypes(String... goodsTypes) {
    return new Scope(Set.copyOf(Arrays.asList(goodsTypes)), Set.of());
  }

  /**
   * This scope restricted to the given regions.
   *
   * @param regions the regions
   * @return a new scope
   */
  public Scope withRegions(String... regions) {
    return new Scope(goodsTypes, Set.copyOf(Arrays.asList(regions)));
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
