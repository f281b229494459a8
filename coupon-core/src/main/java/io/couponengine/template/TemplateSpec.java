package io.couponengine.template;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.internal.Json;
import io.couponengine.internal.Preconditions;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * What an operator submits to create a coupon template. Immutable; built with {@link #builder()}; round-trips
 * through JSON with {@link #toJson()} and {@link #fromJson(String)}.
 *
 * <pre>{@code
 * TemplateSpec spec = TemplateSpec.builder()
 *     .name("Spring sale: 20 off 100")
 *     .category(CouponCategory.THRESHOLD)
 *     .productLine("mall")
 *     .totalCount(1_000)
 *     .perUserLimit(2)
 *     .validity(Validity.rolling(Duration.ofDays(7)))
 *     .discount(Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")))
 *     .scope(Scope.goodsTypes("digital", "books"))
 *     .minimumQuantity(2)                        // and at least two of those goods in the cart
 *     .build();
 * }</pre>
 *
 * <p>Construction validates every field in one pass and throws {@link CouponException} with
 * {@link ErrorCode#INVALID_TEMPLATE} listing all violations; a spec that exists is valid. Defaults: no description,
 * per-user limit 1, {@link Scope#all()}, {@link Stacking#none()}, no operator, the category's code prefix, no
 * minimums, one pool ({@link #shards()} 1).
 *
 * <p><b>Minimums</b> (any category): a coupon applies only when the cart's lines in its scope, at their undiscounted
 * prices, reach {@code minimumSubtotal} and hold at least {@code minimumQuantity} items (the sum of their
 * quantities); otherwise settlement rejects it with {@code MINIMUM_NOT_MET}.
 *
 * @param name display name, 1 to 100 characters
 * @param description optional text, at most 1000 characters
 * @param category THRESHOLD, DISCOUNT or DIRECT
 * @param productLine the business line the template belongs to, 1 to 64 characters
 * @param totalCount how many coupons exist, 1 to {@value #MAX_TOTAL_COUNT}; 0 with {@code externalCodes}
 * @param perUserLimit how many coupons of this template one user may claim, 1 to {@value #MAX_PER_USER_LIMIT}
 * @param validity when claimed coupons can be used
 * @param discount what a coupon takes off; its kind must match the category
 * @param scope which goods the coupon applies to
 * @param stacking which other coupons it may combine with
 * @param operatorId optional id of the operator who created it, at most 64 characters
 * @param codePrefix optional 1 to 4 characters of the code alphabet that start every code (the family mark)
 * @param minimumSubtotal optional: the in-scope subtotal a cart must reach for the coupon to apply; null for none,
 *     otherwise 0 to 100,000,000 with at most two decimals
 * @param minimumQuantity the number of in-scope items a cart must hold for the coupon to apply; 0 for none,
 *     otherwise 1 to {@value #MAX_MINIMUM_QUANTITY}
 * @param claimWindow optional: when the template can be claimed; null for "from creation until the pool is empty
 *     or a fixed use window ends"
 * @param sharedCode optional: one public code many users claim with ({@code engine.claimByCode}), each getting a
 *     coupon of their own; 3 to 32 letters, digits, {@code -} or {@code _}, case-insensitive (stored upper-cased),
 *     unique across the store's templates, not the shape of a generated code; {@code totalCount} is then the number
 *     of uses
 * @param distribution how codes leave the pool (default {@link Distribution#CLAIM}); {@link Distribution#CODE_ENTRY}
 *     binds a code to whoever enters it first and takes no shared code
 * @param externalCodes optional: the template's codes are imported ({@code engine.importCodes}) under these rules
 *     instead of generated; {@code totalCount} must then be 0 (the total is what was imported)
 * @param shards into how many sub-pools a store may split the template's pool, 1 (default) to {@value #MAX_SHARDS}:
 *     a hint for stores that spread one hot template over several servers (Redis Cluster: each sub-pool in its own
 *     hash slot, a user always served by the same one, codes moved between them when one runs dry); stores with one
 *     pool (in-memory, JDBC) ignore it, with the same semantics. Above 1 only for a generated {@link
 *     Distribution#CLAIM} template without a shared code
 */
public record TemplateSpec(
    String name,
    String description,
    CouponCategory category,
    String productLine,
    long totalCount,
    int perUserLimit,
    Validity validity,
    Discount discount,
    Scope scope,
    Stacking stacking,
    String operatorId,
    String codePrefix,
    BigDecimal minimumSubtotal,
    int minimumQuantity,
    ClaimWindow claimWindow,
    String sharedCode,
    Distribution distribution,
    CodeRules externalCodes,
    int shards) {

  /** The largest number of coupons one template may have. */
  public static final long MAX_TOTAL_COUNT = 100_000_000L;
  /** The shortest shared code. */
  public static final int MIN_SHARED_CODE = 3;
  /** The longest shared code. */
  public static final int MAX_SHARED_CODE = 32;
  /** The largest per-user limit. */
  public static final int MAX_PER_USER_LIMIT = 1_000;
  /** The largest minimum quantity. */
  public static final int MAX_MINIMUM_QUANTITY = 1_000_000;
  /** The most sub-pools a template's pool may be split into ({@link #shards()}). */
  public static final int MAX_SHARDS = 64;

  /**
   * Applies defaults, then validates every field at once.
   *
   * @param name display name, 1 to 100 characters
   * @param description optional text, at most 1000 characters
   * @param category THRESHOLD, DISCOUNT or DIRECT
   * @param productLine the business line the template belongs to, 1 to 64 characters
   * @param totalCount how many coupons exist, 1 to {@value #MAX_TOTAL_COUNT}; 0 with {@code externalCodes}
   * @param perUserLimit how many coupons of this template one user may claim, 1 to {@value #MAX_PER_USER_LIMIT}
   * @param validity when claimed coupons can be used
   * @param discount what a coupon takes off; its kind must match the category
   * @param scope which goods the coupon applies to
   * @param stacking which other coupons it may combine with
   * @param operatorId optional id of the operator who created it, at most 64 characters
   * @param codePrefix optional 1 to 4 characters of the code alphabet that start every code (the family mark)
   * @param minimumSubtotal optional: the in-scope subtotal a cart must reach for the coupon to apply; null for none,
   *     otherwise 0 to 100,000,000 with at most two decimals
   * @param minimumQuantity the number of in-scope items a cart must hold for the coupon to apply; 0 for none,
   *     otherwise 1 to {@value #MAX_MINIMUM_QUANTITY}
   * @param claimWindow optional: when the template can be claimed; null for "from creation until the pool is empty
   *     or a fixed use window ends"
   * @param sharedCode optional: one public code many users claim with ({@code engine.claimByCode}), each getting a
   *     coupon of their own; 3 to 32 letters, digits, {@code -} or {@code _}, case-insensitive (stored upper-cased),
   *     unique across the store's templates, not the shape of a generated code; {@code totalCount} is then the number
   *     of uses
   * @param distribution how codes leave the pool (default {@link Distribution#CLAIM}); {@link Distribution#CODE_ENTRY}
   *     binds a code to whoever enters it first and takes no shared code
   * @param externalCodes optional: the template's codes are imported ({@code engine.importCodes}) under these rules
   *     instead of generated; {@code totalCount} must then be 0 (the total is what was imported)
   * @param shards into how many sub-pools a store may split the template's pool, 1 (default) to {@value #MAX_SHARDS}:
   *     a hint for stores that spread one hot template over several servers (Redis Cluster: each sub-pool in its own
   *     hash slot, a user always served by the same one, codes moved between them when one runs dry); stores with one
   *     pool (in-memory, JDBC) ignore it, with the same semantics. Above 1 only for a generated {@link
   *     Distribution#CLAIM} template without a shared code
   * @throws CouponException INVALID_ARGUMENT naming {@code minimumSubtotal} when it has more than
   *     {@value Discount#MAX_INTEGER_DIGITS} integer digits or {@value Discount#MAX_WRITTEN_DECIMALS} decimal places
   *     (refused before any arithmetic); INVALID_TEMPLATE listing every broken field rule
   */
  public TemplateSpec {
    scope = scope == null ? Scope.all() : scope;
    stacking = stacking == null ? Stacking.none() : stacking;
    distribution = distribution == null ? Distribution.CLAIM : distribution;
    sharedCode = sharedCode == null ? null : sharedCode.strip().toUpperCase(java.util.Locale.ROOT);
    Discount.bounded(minimumSubtotal, "minimumSubtotal");
    TemplateSpecValidator.requireValid(name, description, category, productLine, totalCount, perUserLimit,
        validity, discount, scope, stacking, operatorId, codePrefix, minimumSubtotal, minimumQuantity, claimWindow,
        sharedCode, distribution, externalCodes, shards);
  }

  /**
   * A spec in one pool ({@link #shards()} 1): the form before sharding existed.
   *
   * @param name display name
   * @param description optional text
   * @param category the category
   * @param productLine the business line
   * @param totalCount how many coupons exist
   * @param perUserLimit how many one user may claim
   * @param validity when claimed coupons can be used
   * @param discount what a coupon takes off
   * @param scope which goods it applies to
   * @param stacking which other coupons it combines with
   * @param operatorId optional operator id
   * @param codePrefix optional code prefix
   * @param minimumSubtotal optional in-scope subtotal
   * @param minimumQuantity in-scope items, 0 for none
   * @param claimWindow optional claim window
   * @param sharedCode optional shared code
   * @param distribution how codes leave the pool, null for CLAIM
   * @param externalCodes optional rules of imported codes
   * @throws CouponException INVALID_TEMPLATE listing every broken field rule, as the canonical constructor
   */
  public TemplateSpec(String name, String description, CouponCategory category, String productLine,
      long totalCount, int perUserLimit, Validity validity, Discount discount, Scope scope, Stacking stacking,
      String operatorId, String codePrefix, BigDecimal minimumSubtotal, int minimumQuantity,
      ClaimWindow claimWindow, String sharedCode, Distribution distribution, CodeRules externalCodes) {
    this(name, description, category, productLine, totalCount, perUserLimit, validity, discount, scope, stacking,
        operatorId, codePrefix, minimumSubtotal, minimumQuantity, claimWindow, sharedCode, distribution,
        externalCodes, 1);
  }

  /**
   * A spec whose codes are generated and claimed from the pool: no shared code, {@link Distribution#CLAIM}, no
   * external codes (the form before distribution existed).
   *
   * @param name display name
   * @param description optional text
   * @param category the category
   * @param productLine the business line
   * @param totalCount how many coupons exist
   * @param perUserLimit how many one user may claim
   * @param validity when claimed coupons can be used
   * @param discount what a coupon takes off
   * @param scope which goods it applies to
   * @param stacking which other coupons it combines with
   * @param operatorId optional operator id
   * @param codePrefix optional code prefix
   * @param minimumSubtotal optional in-scope subtotal
   * @param minimumQuantity in-scope items, 0 for none
   * @param claimWindow optional claim window
   * @throws CouponException INVALID_TEMPLATE listing every broken field rule, as the canonical constructor
   */
  public TemplateSpec(String name, String description, CouponCategory category, String productLine,
      long totalCount, int perUserLimit, Validity validity, Discount discount, Scope scope, Stacking stacking,
      String operatorId, String codePrefix, BigDecimal minimumSubtotal, int minimumQuantity,
      ClaimWindow claimWindow) {
    this(name, description, category, productLine, totalCount, perUserLimit, validity, discount, scope, stacking,
        operatorId, codePrefix, minimumSubtotal, minimumQuantity, claimWindow, null, null, null);
  }

  /**
   * Whether the codes are imported rather than generated.
   *
   * @return true with {@link #externalCodes()}
   */
  public boolean importsCodes() {
    return externalCodes != null;
  }

  /**
   * A spec without a claim window.
   *
   * @param name display name
   * @param description optional text
   * @param category the category
   * @param productLine the business line
   * @param totalCount how many coupons exist
   * @param perUserLimit how many one user may claim
   * @param validity when claimed coupons can be used
   * @param discount what a coupon takes off
   * @param scope which goods it applies to
   * @param stacking which other coupons it combines with
   * @param operatorId optional operator id
   * @param codePrefix optional code prefix
   * @param minimumSubtotal optional in-scope subtotal
   * @param minimumQuantity in-scope items, 0 for none
   * @throws CouponException INVALID_TEMPLATE listing every broken field rule, as the canonical constructor
   */
  public TemplateSpec(String name, String description, CouponCategory category, String productLine,
      long totalCount, int perUserLimit, Validity validity, Discount discount, Scope scope, Stacking stacking,
      String operatorId, String codePrefix, BigDecimal minimumSubtotal, int minimumQuantity) {
    this(name, description, category, productLine, totalCount, perUserLimit, validity, discount, scope, stacking,
        operatorId, codePrefix, minimumSubtotal, minimumQuantity, null);
  }

  /**
   * A spec without minimums: the form before minimums existed.
   *
   * @param name display name
   * @param description optional text
   * @param category the category
   * @param productLine the business line
   * @param totalCount how many coupons exist
   * @param perUserLimit how many one user may claim
   * @param validity when claimed coupons can be used
   * @param discount what a coupon takes off
   * @param scope which goods it applies to
   * @param stacking which other coupons it combines with
   * @param operatorId optional operator id
   * @param codePrefix optional code prefix
   * @throws CouponException INVALID_TEMPLATE listing every broken field rule, as the canonical constructor
   */
  public TemplateSpec(String name, String description, CouponCategory category, String productLine,
      long totalCount, int perUserLimit, Validity validity, Discount discount, Scope scope, Stacking stacking,
      String operatorId, String codePrefix) {
    this(name, description, category, productLine, totalCount, perUserLimit, validity, discount, scope, stacking,
        operatorId, codePrefix, null, 0, null);
  }

  /**
   * The JSON creator: every component by name, so {@link #fromJson} stays strict about unknown fields. A missing
   * {@code minimumSubtotal} or {@code minimumQuantity} (JSON written before minimums existed) means none; a missing
   * {@code shards} (JSON written before sharding existed) means 1.
   */
  @JsonCreator
  private static TemplateSpec json(@JsonProperty("name") String name,
      @JsonProperty("description") String description,
      @JsonProperty("category") CouponCategory category,
      @JsonProperty("productLine") String productLine,
      @JsonProperty("totalCount") long totalCount,
      @JsonProperty("perUserLimit") int perUserLimit,
      @JsonProperty("validity") Validity validity,
      @JsonProperty("discount") Discount discount,
      @JsonProperty("scope") Scope scope,
      @JsonProperty("stacking") Stacking stacking,
      @JsonProperty("operatorId") String operatorId,
      @JsonProperty("codePrefix") String codePrefix,
      @JsonProperty("minimumSubtotal") BigDecimal minimumSubtotal,
      @JsonProperty("minimumQuantity") Integer minimumQuantity,
      @JsonProperty("claimWindow") ClaimWindow claimWindow,
      @JsonProperty("sharedCode") String sharedCode,
      @JsonProperty("distribution") Distribution distribution,
      @JsonProperty("externalCodes") CodeRules externalCodes,
      @JsonProperty("shards") Integer shards) {
    return new TemplateSpec(name, description, category, productLine, totalCount, perUserLimit, validity, discount,
        scope, stacking, operatorId, codePrefix, minimumSubtotal, minimumQuantity == null ? 0 : minimumQuantity,
        claimWindow, sharedCode, distribution, externalCodes, shards == null ? 1 : shards);
  }

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The prefix every code of this template starts with: {@link #codePrefix()} or the category default.
   *
   * @return 1 to 4 characters of the code alphabet
   */
  public String effectiveCodePrefix() {
    return codePrefix != null ? codePrefix : category.defaultCodePrefix();
  }

  /**
   * Serializes this spec to JSON.
   *
   * @return the JSON text
   */
  public String toJson() {
    return Json.write(this);
  }

  /**
   * Reads a spec from JSON, validating it.
   *
   * @param json the JSON text produced by {@link #toJson()} or written by hand
   * @return the spec
   * @throws CouponException INVALID_TEMPLATE when the spec breaks a rule; INVALID_ARGUMENT naming {@code json}
   *     when it is null, malformed, a bare {@code null}, has an unknown field or a fraction where an integer belongs,
   *     or naming the field of a value ({@link Scope}, {@link Stacking}, {@link Discount}, {@link Validity}) that
   *     refuses its input
   */
  public static TemplateSpec fromJson(String json) {
    return Json.readInput(json, TemplateSpec.class, "json");
  }

  /**
   * Builds a {@link TemplateSpec}. Not thread-safe; every setter may be called once: a second call throws
   * {@code CouponException(INVALID_ARGUMENT)} naming the setter.
   *
   * <p>{@link #build()} validates the whole spec and reports every problem at once.
   */
  public static final class Builder {
    private String name;
    private String description;
    private CouponCategory category;
    private String productLine;
    private long totalCount;
    private int perUserLimit = 1;
    private Validity validity;
    private Discount discount;
    private Scope scope;
    private Stacking stacking;
    private String operatorId;
    private String codePrefix;
    private BigDecimal minimumSubtotal;
    private int minimumQuantity;
    private ClaimWindow claimWindow;
    private String sharedCode;
    private Distribution distribution;
    private CodeRules externalCodes;
    private int shards = 1;

    /** The setters already called. */
    private final Set<String> assigned = new HashSet<>();

    private Builder() {}

    private void once(String setter, Object current) {
      Preconditions.requireUnset(assigned.add(setter), setter, current);
    }

    /**
     * Sets the display name.
     *
     * @param name 1 to 100 characters
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder name(String name) {
      once("name", this.name);
      this.name = name;
      return this;
    }

    /**
     * Sets the optional description.
     *
     * @param description at most 1000 characters
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder description(String description) {
      once("description", this.description);
      this.description = description;
      return this;
    }

    /**
     * Sets the category.
     *
     * @param category THRESHOLD, DISCOUNT or DIRECT
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder category(CouponCategory category) {
      once("category", this.category);
      this.category = category;
      return this;
    }

    /**
     * Sets the product line.
     *
     * @param productLine 1 to 64 characters
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder productLine(String productLine) {
      once("productLine", this.productLine);
      this.productLine = productLine;
      return this;
    }

    /**
     * Sets how many coupons exist.
     *
     * @param totalCount 1 to {@value TemplateSpec#MAX_TOTAL_COUNT}
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder totalCount(long totalCount) {
      once("totalCount", this.totalCount);
      this.totalCount = totalCount;
      return this;
    }

    /**
     * Sets how many coupons one user may claim (default 1).
     *
     * @param perUserLimit 1 to {@value TemplateSpec#MAX_PER_USER_LIMIT}
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder perUserLimit(int perUserLimit) {
      once("perUserLimit", this.perUserLimit);
      this.perUserLimit = perUserLimit;
      return this;
    }

    /**
     * Sets the validity.
     *
     * @param validity fixed window or rolling duration
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder validity(Validity validity) {
      once("validity", this.validity);
      this.validity = validity;
      return this;
    }

    /**
     * Sets the discount.
     *
     * @param discount its kind must match the category
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder discount(Discount discount) {
      once("discount", this.discount);
      this.discount = discount;
      return this;
    }

    /**
     * Sets the scope (default {@link Scope#all()}).
     *
     * @param scope goods types and regions
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder scope(Scope scope) {
      once("scope", this.scope);
      this.scope = scope;
      return this;
    }

    /**
     * Sets the stacking rule (default {@link Stacking#none()}).
     *
     * @param stacking which coupons this one combines with
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder stacking(Stacking stacking) {
      once("stacking", this.stacking);
      this.stacking = stacking;
      return this;
    }

    /**
     * Sets the optional operator id.
     *
     * @param operatorId at most 64 characters
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder operatorId(String operatorId) {
      once("operatorId", this.operatorId);
      this.operatorId = operatorId;
      return this;
    }

    /**
     * Sets the code prefix (default by category: TH, DC, DR).
     *
     * @param codePrefix 1 to 4 characters of the code alphabet {@code 23456789ABCDEFGHJKMNPQRSTUVWXYZ}
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder codePrefix(String codePrefix) {
      once("codePrefix", this.codePrefix);
      this.codePrefix = codePrefix;
      return this;
    }

    /**
     * Sets the minimum in-scope subtotal (default none): the cart's lines in the coupon's scope, at their
     * undiscounted prices, must add up to at least this for the coupon to apply.
     *
     * @param minimumSubtotal 0 to 100,000,000, at most two decimals; null for none
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder minimumSubtotal(BigDecimal minimumSubtotal) {
      once("minimumSubtotal", this.minimumSubtotal);
      this.minimumSubtotal = minimumSubtotal;
      return this;
    }

    /**
     * Sets the minimum in-scope quantity (default none): the cart's lines in the coupon's scope must hold at least
     * this many items (the sum of their quantities) for the coupon to apply.
     *
     * @param minimumQuantity 1 to {@value TemplateSpec#MAX_MINIMUM_QUANTITY}; 0 for none
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder minimumQuantity(int minimumQuantity) {
      once("minimumQuantity", this.minimumQuantity);
      this.minimumQuantity = minimumQuantity;
      return this;
    }

    /**
     * Sets when the template can be claimed (default: from creation until the pool is empty or a fixed use window
     * ends). ROLLING templates get a claim end this way.
     *
     * @param from the first instant a claim is accepted
     * @param until the first instant claims are refused again; after {@code from}, and for a fixed validity not
     *     after its end
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when {@code from} or {@code until} is null or when already set; the
     *     order of the instants is checked by {@link #build()} (INVALID_TEMPLATE)
     */
    public Builder claimWindow(Instant from, Instant until) {
      once("claimWindow", this.claimWindow);
      this.claimWindow = new ClaimWindow(from, until);
      return this;
    }

    /**
     * Makes the template claimable with one public code: {@code engine.claimByCode(user, "SUMMER20", key)} gives the
     * user a coupon of their own; {@code totalCount} is the number of uses and the per-user limit holds.
     *
     * @param sharedCode 3 to 32 letters, digits, {@code -} or {@code _}; case-insensitive; unique in the store
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder sharedCode(String sharedCode) {
      once("sharedCode", this.sharedCode);
      this.sharedCode = sharedCode;
      return this;
    }

    /**
     * Sets how codes leave the pool (default {@link Distribution#CLAIM}).
     *
     * @param distribution CLAIM or CODE_ENTRY
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder distribution(Distribution distribution) {
      once("distribution", this.distribution);
      this.distribution = distribution;
      return this;
    }

    /**
     * Makes the template take imported codes ({@code engine.importCodes}) instead of generated ones; leave
     * {@code totalCount} unset (0): the total is what is imported.
     *
     * @param rules what an imported code may look like
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder externalCodes(CodeRules rules) {
      once("externalCodes", this.externalCodes);
      this.externalCodes = rules;
      return this;
    }

    /**
     * Splits the template's pool into {@code shards} sub-pools (default 1) in stores that can spread one hot template
     * over several servers: on Redis Cluster each sub-pool has its own hash slot, chosen so that the sub-pools land
     * on different masters of an evenly split cluster; a user is always served by the same sub-pool (so the per-user
     * limit stays one atomic step) and codes move to a sub-pool that ran dry while others still hold some, so
     * SOLD_OUT still means no code is left anywhere. Stores with one pool (in-memory, JDBC) ignore it. Only for a
     * generated {@link Distribution#CLAIM} template without a shared code: {@link #build()} refuses it with
     * {@link #distribution(Distribution) CODE_ENTRY}, a {@link #sharedCode(String) shared code} or
     * {@link #externalCodes(CodeRules) external codes}.
     *
     * @param shards 1 to {@value TemplateSpec#MAX_SHARDS}; checked by {@link #build()} (INVALID_TEMPLATE)
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder shards(int shards) {
      once("shards", this.shards);
      this.shards = shards;
      return this;
    }

    /**
     * Validates and builds the spec.
     *
     * @return the immutable spec
     * @throws CouponException INVALID_TEMPLATE listing every violation
     */
    public TemplateSpec build() {
      return new TemplateSpec(name, description, category, productLine, totalCount, perUserLimit, validity,
          discount, scope, stacking, operatorId, codePrefix, minimumSubtotal, minimumQuantity, claimWindow,
          sharedCode, distribution, externalCodes, shards);
    }
  }
}
