package io.couponengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.couponengine.cache.NearCachedStore;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.code.CodeFormat;
import io.couponengine.code.CodeGenerator;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.OrderStatus;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.error.Violation;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.EventType;
import io.couponengine.internal.Preconditions;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.settlement.Allocations;
import io.couponengine.settlement.AppliedCoupon;
import io.couponengine.settlement.BestCombination;
import io.couponengine.settlement.BestCombinationResult;
import io.couponengine.settlement.BuiltInExecutors;
import io.couponengine.settlement.Cart;
import io.couponengine.settlement.CartLine;
import io.couponengine.settlement.CouponSaving;
import io.couponengine.settlement.ExecutorRegistry;
import io.couponengine.settlement.RejectedCoupon;
import io.couponengine.settlement.RejectionReason;
import io.couponengine.settlement.SelectedCoupon;
import io.couponengine.settlement.SettlementCalculator;
import io.couponengine.settlement.SettlementPolicy;
import io.couponengine.settlement.SettlementRequest;
import io.couponengine.settlement.SettlementResult;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.ReserveCommand;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.Stacking;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStatus;
import io.couponengine.template.Validity;
import io.couponengine.testing.Specs;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Walks the public constructors, factories and builder methods of the value and model types, the public methods of
 * {@link CouponEngine}, {@link NearCachedStore}'s builder and {@link InMemoryCouponStore} with bad arguments (null,
 * blank, invisible only, oversized, control characters, out of range) and checks that each answers
 * {@link CouponException} with {@code INVALID_ARGUMENT} (or {@code INVALID_CODE} for codes, {@code INVALID_TEMPLATE}
 * for a spec's field rules, which {@code build()} reports all at once) naming the field, and that nothing the store
 * holds changed.
 *
 * <p>Every case runs against a fresh engine over an {@link InMemoryCouponStore} holding one AVAILABLE template and
 * one coupon of user {@code u1}; the store's templates (per status), the user's coupons and the remaining codes are
 * compared before and after.
 */
class PublicApiValidationTest {

  private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
  private static final String USER = "u1";

  /** The bad ids, by kind; each must be refused by an id check. */
  private static final Map<String, String> BAD_IDS = badIds(Preconditions.MAX_ID_LENGTH + 1);

  private static Map<String, String> badIds(int oversized) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("null", null);
    m.put("empty", "");
    m.put("blank", "   ");
    m.put("no-break spaces only", "\u00a0\u00a0");
    m.put("zero-width space only", "\u200b");
    m.put("ideographic space and tab", "\u3000\t");
    m.put(oversized + " chars", "x".repeat(oversized));
    m.put("NUL inside", "a\u0000b");
    m.put("newline inside", "a\nb");
    return Collections.unmodifiableMap(m);
  }

  /** What a case needs: the engine, its store and what was set up in it. */
  static final class Env {
    final InMemoryCouponStore store = new InMemoryCouponStore();
    final CouponEngine engine = CouponEngine.builder().store(store).executor(Runnable::run).build();
    final Template template;
    final Coupon coupon;

    Env() {
      template = engine.generation(engine.createTemplate(Specs.threshold(10, 2)).id()).join();
      coupon = engine.claim(new ClaimRequest(USER, template.id(), "k0")).coupon().orElseThrow();
    }

    List<Object> snapshot() {
      List<Object> s = new ArrayList<>();
      for (TemplateStatus status : TemplateStatus.values()) {
        List<Template> ts = new ArrayList<>(store.findTemplates(status));
        ts.sort((a, b) -> a.id().compareTo(b.id()));
        s.add(ts);
      }
      s.add(store.findCouponsByUser(USER));
      s.add(store.remainingCodes(template.id()));
      s.add(store.findStaleReservations(T0.plus(Duration.ofDays(3650)), 1000));
      return s;
    }

    Cart cart() {
      return new Cart(USER, List.of(line("g1")));
    }
  }

  /** One bad call and what it must answer. */
  record Case(String name, ErrorCode code, String field, Consumer<Env> call) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<Case> CASES = new ArrayList<>();

  private static void invalid(String name, String field, Consumer<Env> call) {
    CASES.add(new Case(name, ErrorCode.INVALID_ARGUMENT, field, call));
  }

  private static void invalidCode(String name, Consumer<Env> call) {
    CASES.add(new Case(name, ErrorCode.INVALID_CODE, null, call));
  }

  private static void invalidTemplate(String name, String field, Consumer<Env> call) {
    CASES.add(new Case(name, ErrorCode.INVALID_TEMPLATE, field, call));
  }

  /** One case per bad id: {@code call} receives the bad value. */
  private static void ids(String target, String field, Function<String, Consumer<Env>> call) {
    ids(target, field, call, BAD_IDS);
  }

  private static void ids(String target, String field, Function<String, Consumer<Env>> call,
      Map<String, String> values) {
    values.forEach((kind, value) -> invalid(target + " " + field + ": " + kind, field, call.apply(value)));
  }

  /** The bad ids that are not null, for optional fields. */
  private static Map<String, String> nonNullBadIds() {
    Map<String, String> m = new LinkedHashMap<>(BAD_IDS);
    m.remove("null");
    return m;
  }

  static Stream<Arguments> cases() {
    CASES.clear();
    engineCases();
    templateCases();
    claimAndCouponCases();
    eventAndCommandCases();
    codeCases();
    settlementCases();
    cacheAndStoreCases();
    return CASES.stream().map(c -> Arguments.of(Named.of(c.name(), c)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @Timeout(10)
  void refusesBadInput(Case c) {
    Env env = new Env();
    try {
      List<Object> before = env.snapshot();
      try {
        c.call().accept(env);
        fail("expected CouponException(%s) naming %s", c.code(), c.field());
      } catch (CouponException e) {
        assertThat(e.code()).as("code; message: %s", e.getMessage()).isEqualTo(c.code());
        if (c.field() == null) {
          assertThat(e.violations()).isEmpty();
        } else if (c.code() == ErrorCode.INVALID_TEMPLATE) {
          assertThat(e.violations()).extracting(Violation::field).contains(c.field());
        } else {
          assertThat(e.violations()).as("violations of '%s'", e.getMessage()).extracting(Violation::field)
              .containsExactly(c.field());
          assertThat(e.getMessage()).startsWith(c.field() + " ");
        }
      }
      assertThat(env.snapshot()).as("what the store holds").isEqualTo(before);
    } finally {
      env.engine.close();
    }
  }

  @Test
  void walksManyCases() {
    assertThat(cases().count()).isGreaterThanOrEqualTo(200);
  }

  // ---- engine ----------------------------------------------------------------------------------------------------

  private static void engineCases() {
    invalid("createTemplate(null)", "spec", env -> env.engine.createTemplate(null));
    ids("generation", "templateId", v -> env -> env.engine.generation(v));
    ids("template", "templateId", v -> env -> env.engine.template(v));
    ids("claimableTemplates", "userId", v -> env -> env.engine.claimableTemplates(v));
    invalid("claim(null)", "request", env -> env.engine.claim(null));
    ids("claim", "userId", v -> env -> env.engine.claim(new ClaimRequest(v, env.template.id(), "k")));
    ids("claim", "templateId", v -> env -> env.engine.claim(new ClaimRequest(USER, v, "k")));
    ids("claim", "idempotencyKey", v -> env -> env.engine.claim(new ClaimRequest(USER, env.template.id(), v)));
    ids("coupons", "userId", v -> env -> env.engine.coupons(v, CouponStatus.USABLE));
    invalid("coupons(u1, null)", "status", env -> env.engine.coupons(USER, null));
    invalidCode("couponByCode(null)", env -> env.engine.couponByCode(null));
    invalidCode("couponByCode(blank)", env -> env.engine.couponByCode("   "));
    invalidCode("couponByCode(no-break spaces)", env -> env.engine.couponByCode("\u00a0\u00a0"));
    invalidCode("couponByCode(65 chars)", env -> env.engine.couponByCode("A".repeat(65)));
    invalidCode("couponByCode(control)", env -> env.engine.couponByCode("TH\u0000"));
    invalidCode("couponByCode(wrong check character)", env -> env.engine.couponByCode(wrongCheck(env)));
    ids("reserve", "userId", v -> env -> env.engine.reserve(v, "o1", List.of(env.coupon.code())));
    ids("reserve", "orderId", v -> env -> env.engine.reserve(USER, v, List.of(env.coupon.code())));
    invalid("reserve codes null", "codes", env -> env.engine.reserve(USER, "o1", null));
    invalid("reserve codes empty", "codes", env -> env.engine.reserve(USER, "o1", List.of()));
    invalid("reserve 101 codes", "codes", env -> env.engine.reserve(USER, "o1", Collections.nCopies(101, "x")));
    invalid("reserve code twice", "codes",
        env -> env.engine.reserve(USER, "o1", List.of(env.coupon.code(), env.coupon.code().toLowerCase())));
    invalidCode("reserve null code", env -> env.engine.reserve(USER, "o1", Arrays.asList(env.coupon.code(), null)));
    invalidCode("reserve malformed code", env -> env.engine.reserve(USER, "o1", List.of("not a code")));
    ids("commit", "orderId", v -> env -> env.engine.commit(v));
    ids("release", "orderId", v -> env -> env.engine.release(v));
    ids("revert", "orderId", v -> env -> env.engine.revert(v));
    ids("pause", "templateId", v -> env -> env.engine.pause(v));
    ids("resume", "templateId", v -> env -> env.engine.resume(v));
    invalid("reserve(null cart)", "cart", env -> env.engine.reserve((Cart) null, "o1", List.of(env.coupon.code())));
    ids("reserve priced", "orderId", v -> env -> env.engine.reserve(env.cart(), v, List.of(env.coupon.code())));
    invalid("reserve priced codes null", "codes", env -> env.engine.reserve(env.cart(), "o1", null));
    invalid("reserve priced codes empty", "codes", env -> env.engine.reserve(env.cart(), "o1", List.of()));
    invalid("reserve priced code twice", "codes",
        env -> env.engine.reserve(env.cart(), "o1", List.of(env.coupon.code(), env.coupon.code())));
    invalidCode("reserve priced malformed code", env -> env.engine.reserve(env.cart(), "o1", List.of("not a code")));
    invalid("spec claimWindow(null, t)", "from", env -> spec().claimWindow(null, T0));
    invalid("spec claimWindow(t, null)", "until", env -> spec().claimWindow(T0, null));
    invalid("spec claimWindow twice", "claimWindow",
        env -> spec().claimWindow(T0, T0.plusSeconds(1)).claimWindow(T0, T0.plusSeconds(2)));
    invalidTemplate("spec claimWindow ends before it starts", "claimWindow.until",
        env -> spec().claimWindow(T0, T0.minusSeconds(1)).build());
    invalid("spec minimumQuantity twice", "minimumQuantity", env -> spec().minimumQuantity(1).minimumQuantity(2));
    invalidTemplate("spec minimumQuantity(-1)", "minimumQuantity", env -> spec().minimumQuantity(-1).build());
    invalid("spec minimumSubtotal 1E+100000000", "minimumSubtotal",
        env -> spec().minimumSubtotal(new BigDecimal("1E+100000000")).build());
    invalid("capped(null)", "cap", env -> Discount.percentOff(BigDecimal.TEN).capped(null));
    invalid("capped on an amount off", "cap", env -> Discount.amountOff(BigDecimal.ONE).capped(BigDecimal.TEN));
    invalid("settle(null cart)", "cart", env -> env.engine.settle(null, List.of()));
    invalid("settle(null codes)", "codes", env -> env.engine.settle(env.cart(), null));
    invalid("settle(null code)", "codes", env -> env.engine.settle(env.cart(), Arrays.asList((String) null)));
    invalid("settle(101 codes)", "codes", env -> env.engine.settle(env.cart(), Collections.nCopies(101, "x")));
    invalid("settle(code twice)", "codes",
        env -> env.engine.settle(env.cart(), List.of(env.coupon.code(), env.coupon.code())));
    invalid("settle(malformed code twice)", "codes", env -> env.engine.settle(env.cart(), List.of("ab-c", "abc")));
    invalid("bestCombination(null)", "cart", env -> env.engine.bestCombination(null));
    ids("settle cart", "userId", v -> env -> env.engine.settle(new Cart(v, List.of(line("g1"))), List.of()));
    ids("bestCombination cart", "userId", v -> env -> env.engine.bestCombination(new Cart(v, List.of(line("g1")))));

    invalid("builder store(null)", "store", env -> CouponEngine.builder().store(null));
    invalid("builder store twice", "store",
        env -> CouponEngine.builder().store(new InMemoryCouponStore()).store(new InMemoryCouponStore()));
    invalid("builder clock(null)", "clock", env -> CouponEngine.builder().clock(null));
    invalid("builder executor(null)", "executor", env -> CouponEngine.builder().executor(null));
    invalid("builder listener(null)", "listener", env -> CouponEngine.builder().listener(null));
    invalid("builder observer(null)", "observer", env -> CouponEngine.builder().observer(null));
    invalid("builder expirySweep(null)", "expirySweep", env -> CouponEngine.builder().expirySweep(null));
    invalid("builder expirySweep(0)", "expirySweep", env -> CouponEngine.builder().expirySweep(Duration.ZERO));
    invalid("builder expirySweep(10000 days)", "expirySweep",
        env -> CouponEngine.builder().expirySweep(Duration.ofDays(10_000)));
    invalid("builder reservationTimeout(null)", "reservationTimeout",
        env -> CouponEngine.builder().reservationTimeout(null));
    invalid("builder reservationTimeout(-1s)", "reservationTimeout",
        env -> CouponEngine.builder().reservationTimeout(Duration.ofSeconds(-1)));
    invalid("builder generationBatchSize(0)", "generationBatchSize",
        env -> CouponEngine.builder().generationBatchSize(0));
    invalid("builder generationBatchSize(max + 1)", "generationBatchSize",
        env -> CouponEngine.builder().generationBatchSize(EngineConfig.MAX_BATCH_SIZE + 1));
    invalid("builder sweepBatchSize(-1)", "sweepBatchSize", env -> CouponEngine.builder().sweepBatchSize(-1));
    invalid("builder settlementExecutor(null)", "settlementExecutor",
        env -> CouponEngine.builder().settlementExecutor(null));
    invalid("builder settlementPolicy(null)", "settlementPolicy",
        env -> CouponEngine.builder().settlementPolicy(null));
  }

  private static String wrongCheck(Env env) {
    String code = env.coupon.code();
    char last = code.charAt(code.length() - 1);
    char other = CodeFormat.ALPHABET.charAt((CodeFormat.ALPHABET.indexOf(last) + 1) % CodeFormat.RADIX);
    return code.substring(0, code.length() - 1) + other;
  }

  // ---- templates -------------------------------------------------------------------------------------------------

  private static TemplateSpec.Builder spec() {
    return TemplateSpec.builder().name("n").category(CouponCategory.DIRECT).productLine("mall").totalCount(10)
        .validity(Validity.rolling(Duration.ofDays(1))).discount(Discount.amountOff(BigDecimal.ONE));
  }

  private static void templateCases() {
    // the builder's setters, each twice
    Map<String, Function<TemplateSpec.Builder, TemplateSpec.Builder>> setters = new LinkedHashMap<>();
    setters.put("name", b -> b.name("n"));
    setters.put("description", b -> b.description("d"));
    setters.put("category", b -> b.category(CouponCategory.DIRECT));
    setters.put("productLine", b -> b.productLine("p"));
    setters.put("totalCount", b -> b.totalCount(5));
    setters.put("perUserLimit", b -> b.perUserLimit(1));
    setters.put("validity", b -> b.validity(Validity.rolling(Duration.ofDays(1))));
    setters.put("discount", b -> b.discount(Discount.amountOff(BigDecimal.ONE)));
    setters.put("scope", b -> b.scope(Scope.all()));
    setters.put("stacking", b -> b.stacking(Stacking.none()));
    setters.put("operatorId", b -> b.operatorId("op"));
    setters.put("codePrefix", b -> b.codePrefix("AB"));
    setters.forEach((name, set) -> invalid("TemplateSpec.Builder." + name + " twice", name,
        env -> set.apply(set.apply(TemplateSpec.builder()))));
    // a spec's field rules are reported together by build(): INVALID_TEMPLATE naming the field
    for (Map.Entry<String, String> bad : BAD_IDS.entrySet()) {
      if (bad.getValue() != null) {
        invalidTemplate("TemplateSpec name: " + bad.getKey(), "name",
            env -> env.engine.createTemplate(TemplateSpec.builder().name(bad.getValue())
                .category(CouponCategory.DIRECT).productLine("mall").totalCount(10)
                .validity(Validity.rolling(Duration.ofDays(1))).discount(Discount.amountOff(BigDecimal.ONE))
                .build()));
        invalidTemplate("TemplateSpec productLine: " + bad.getKey(), "productLine",
            env -> env.engine.createTemplate(TemplateSpec.builder().name("n")
                .category(CouponCategory.DIRECT).productLine(bad.getValue()).totalCount(10)
                .validity(Validity.rolling(Duration.ofDays(1))).discount(Discount.amountOff(BigDecimal.ONE))
                .build()));
      }
    }
    // fromJson: strict
    String good = spec().build().toJson();
    invalid("TemplateSpec.fromJson(null)", "json", env -> TemplateSpec.fromJson(null));
    invalid("TemplateSpec.fromJson(\"null\")", "json", env -> TemplateSpec.fromJson("null"));
    invalid("TemplateSpec.fromJson(unknown field scopes)", "json",
        env -> TemplateSpec.fromJson(good.replace("\"scope\"", "\"scopes\"")));
    invalid("TemplateSpec.fromJson(perUserLimit 2.7)", "json",
        env -> TemplateSpec.fromJson(good.replace("\"perUserLimit\":1", "\"perUserLimit\":2.7")));
    invalid("TemplateSpec.fromJson(totalCount \"10\")", "json",
        env -> TemplateSpec.fromJson(good.replace("\"totalCount\":10", "\"totalCount\":\"10\"")));
    invalid("TemplateSpec.fromJson(trailing text)", "json", env -> TemplateSpec.fromJson(good + " {}"));
    invalid("TemplateSpec.fromJson(malformed)", "json", env -> TemplateSpec.fromJson("{not json"));
    invalid("TemplateSpec.fromJson(amount 1E+100000000)", "amount",
        env -> TemplateSpec.fromJson(good.replace("\"amount\":1", "\"amount\":1E+100000000")));
    invalid("TemplateSpec.fromJson(goods type of no-break spaces)", "goodsTypes[0]",
        env -> TemplateSpec.fromJson(good.replace("\"goodsTypes\":[]", "\"goodsTypes\":[\"\u00a0\"]")));

    // Discount
    invalid("new Discount(null kind)", "kind", env -> new Discount(null, null, BigDecimal.ONE, null));
    for (String n : List.of("1E+100000000", "1000000000000", "-1000000000000", "1E-40", "1E+13")) {
      BigDecimal v = new BigDecimal(n);
      invalid("Discount.threshold(threshold " + n + ")", "threshold", env -> Discount.threshold(v, BigDecimal.ONE));
      invalid("Discount.threshold(amount " + n + ")", "amount", env -> Discount.threshold(BigDecimal.TEN, v));
      invalid("Discount.amountOff(" + n + ")", "amount", env -> Discount.amountOff(v));
      invalid("Discount.percentOff(" + n + ")", "percent", env -> Discount.percentOff(v));
    }
    // Validity
    invalid("new Validity(null kind)", "kind", env -> new Validity(null, T0, T0.plusSeconds(60), null));
    // Scope
    // Scope.goodsTypes() without arguments names the record accessor in Java: an empty array is how it arrives
    invalid("Scope.goodsTypes(no types)", "goodsTypes", env -> Scope.goodsTypes(new String[0]));
    invalid("Scope.goodsTypes((String[]) null)", "goodsTypes", env -> Scope.goodsTypes((String[]) null));
    invalid("Scope.goodsTypes(books, null)", "goodsTypes[1]", env -> Scope.goodsTypes("books", null));
    ids("Scope.goodsTypes", "goodsTypes[1]", v -> env -> Scope.goodsTypes("books", v));
    ids("Scope.withRegions", "regions[0]", v -> env -> Scope.goodsTypes("books").withRegions(v));
    invalid("Scope.withRegions((String[]) null)", "regions", env -> Scope.all().withRegions((String[]) null));
    ids("new Scope", "goodsTypes[1]", v -> env -> new Scope(new LinkedHashSet<>(Arrays.asList("books", v)), null));
    ids("new Scope", "regions[0]", v -> env -> new Scope(null, new LinkedHashSet<>(Arrays.asList(v))));
    // Stacking
    invalid("Stacking.withTemplates((String) null)", "templateIds[0]", env -> Stacking.withTemplates((String) null));
    invalid("Stacking.withTemplates((String[]) null)", "templateIds",
        env -> Stacking.withTemplates((String[]) null));
    for (String id : List.of("not a template!", "ABCDE", "ABCDEFG", "ABCDE0", "abcdef", "ABCDE\u00a0", "")) {
      invalid("Stacking.withTemplates(" + id + ")", "templateIds[1]", env -> Stacking.withTemplates("ABCDEF", id));
      invalid("Stacking.andTemplates(" + id + ")", "ids[0]", env -> Stacking.none().andTemplates(id));
      invalid("new Stacking(" + id + ")", "templateIds[0]", env -> new Stacking(Set.of(id), null));
    }
    invalid("Stacking.withCategories((CouponCategory) null)", "categories[0]",
        env -> Stacking.withCategories((CouponCategory) null));
    invalid("Stacking.withCategories((CouponCategory[]) null)", "categories",
        env -> Stacking.withCategories((CouponCategory[]) null));
    invalid("new Stacking(null category)", "categories[0]",
        env -> new Stacking(null, new LinkedHashSet<>(Arrays.asList((CouponCategory) null))));
    invalid("new Stacking(null template id)", "templateIds[0]",
        env -> new Stacking(new LinkedHashSet<>(Arrays.asList((String) null)), null));
    // Template
    ids("new Template", "id", v -> env -> new Template(v, env.template.spec(), TemplateStatus.CREATING, T0, null));
    invalid("new Template(null spec)", "spec", env -> new Template("ABCDEF", null, TemplateStatus.CREATING, T0, null));
    invalid("new Template(null status)", "status", env -> new Template("ABCDEF", env.template.spec(), null, T0,
        null));
    invalid("new Template(null createdAt)", "createdAt",
        env -> new Template("ABCDEF", env.template.spec(), TemplateStatus.CREATING, null, null));
    invalid("Template.withStatus(null)", "status", env -> env.template.withStatus(null, null));
    // Violation
    invalid("new Violation(null field)", "field", env -> new Violation(null, "m"));
    invalid("new Violation(null message)", "message", env -> new Violation("f", null));
  }

  // ---- claims, coupons, results ----------------------------------------------------------------------------------

  private static Coupon coupon(String id, String code, String templateId, String userId, String orderId) {
    return new Coupon(id, code, templateId, userId, T0, T0.plusSeconds(60),
        orderId == null ? CouponStatus.USABLE : CouponStatus.RESERVED, orderId);
  }

  private static void claimAndCouponCases() {
    ids("new Coupon", "id", v -> env -> coupon(v, "C", "ABCDEF", USER, null));
    ids("new Coupon", "code", v -> env -> coupon("c", v, "ABCDEF", USER, null));
    ids("new Coupon", "templateId", v -> env -> coupon("c", "C", v, USER, null));
    ids("new Coupon", "userId", v -> env -> coupon("c", "C", "ABCDEF", v, null));
    ids("new Coupon", "orderId", v -> env -> coupon("c", "C", "ABCDEF", USER, v), nonNullBadIds());
    invalid("new Coupon(null claimedAt)", "claimedAt",
        env -> new Coupon("c", "C", "T", USER, null, T0, CouponStatus.USABLE, null));
    invalid("new Coupon(null expiresAt)", "expiresAt",
        env -> new Coupon("c", "C", "T", USER, T0, null, CouponStatus.USABLE, null));
    invalid("new Coupon(null status)", "status", env -> new Coupon("c", "C", "T", USER, T0, T0, null, null));
    invalid("Coupon.withStatus(null)", "status", env -> env.coupon.withStatus(null, null));
    invalid("Coupon.withStatus(blank order)", "orderId", env -> env.coupon.withStatus(CouponStatus.RESERVED, " "));

    invalid("new ClaimResult(null outcome)", "outcome", env -> new ClaimResult(null, null));
    invalid("new ClaimResult(CLAIMED without coupon)", "couponOrNull",
        env -> new ClaimResult(ClaimOutcome.CLAIMED, null));
    invalid("new ClaimResult(SOLD_OUT with coupon)", "couponOrNull",
        env -> new ClaimResult(ClaimOutcome.SOLD_OUT, env.coupon));
    invalid("ClaimResult.refused(null)", "outcome", env -> ClaimResult.refused(null));
    invalid("ClaimResult.refused(CLAIMED)", "outcome", env -> ClaimResult.refused(ClaimOutcome.CLAIMED));
    invalid("ClaimResult.claimed(null)", "coupon", env -> ClaimResult.claimed(null));
    invalid("ClaimResult.duplicate(null)", "coupon", env -> ClaimResult.duplicate(null));

    invalid("new RedemptionResult(null outcome)", "outcome",
        env -> new RedemptionResult(null, "o", null, List.of(), null, false));
    ids("new RedemptionResult", "orderId",
        v -> env -> new RedemptionResult(RedemptionOutcome.ORDER_NOT_FOUND, v, null, List.of(), null, false));
    ids("RedemptionResult.refused", "offendingCode",
        v -> env -> RedemptionResult.refused(RedemptionOutcome.UNKNOWN_CODE, "o", null, v), nonNullBadIds());
    invalid("RedemptionResult.success(null coupon)", "coupons[0]", env -> RedemptionResult.success(
        RedemptionOutcome.RESERVED, "o", OrderStatus.RESERVED, Arrays.asList((Coupon) null), false));
  }

  // ---- events and store commands ---------------------------------------------------------------------------------

  private static void eventAndCommandCases() {
    Map<String, String> badEventIds = badIds(CouponEvent.MAX_EVENT_ID_LENGTH + 1);
    ids("new CouponEvent", "id",
        v -> env -> new CouponEvent(v, EventType.CLAIMED, T0, null, null, null, null, null), badEventIds);
    invalid("new CouponEvent(null type)", "type", env -> new CouponEvent("e", null, T0, null, null, null, null, null));
    invalid("new CouponEvent(null occurredAt)", "occurredAt",
        env -> new CouponEvent("e", EventType.CLAIMED, null, null, null, null, null, null));
    ids("new CouponEvent", "templateId",
        v -> env -> new CouponEvent("e", EventType.CLAIMED, T0, v, null, null, null, null), nonNullBadIds());
    ids("new CouponEvent", "userId",
        v -> env -> new CouponEvent("e", EventType.CLAIMED, T0, null, v, null, null, null), nonNullBadIds());
    ids("new CouponEvent", "orderId",
        v -> env -> new CouponEvent("e", EventType.CLAIMED, T0, null, null, v, null, null), nonNullBadIds());
    invalid("new CouponEvent(null coupon)", "coupons[0]", env -> new CouponEvent("e", EventType.CLAIMED, T0, null,
        null, null, Arrays.asList((Coupon) null), null));
    invalid("new CouponEvent(null detail)", "details", env -> new CouponEvent("e", EventType.CLAIMED, T0, null,
        null, null, null, Collections.singletonMap("k", null)));
    invalid("CouponEvent.ofCoupon(null coupon)", "coupon", env -> CouponEvent.ofCoupon(EventType.CLAIMED, T0, null));
    invalid("CouponEvent.ofCoupon(null at)", "occurredAt",
        env -> CouponEvent.ofCoupon(EventType.CLAIMED, null, env.coupon));
    ids("CouponEvent.ofOrder", "orderId", v -> env -> CouponEvent.ofOrder(EventType.RESERVED, T0, v, USER, null));
    ids("CouponEvent.ofTemplate", "templateId",
        v -> env -> CouponEvent.ofTemplate(EventType.TEMPLATE_CREATED, T0, v, Map.of()));
    invalid("CouponEvent.ofTemplate(null details)", "details",
        env -> CouponEvent.ofTemplate(EventType.TEMPLATE_CREATED, T0, "ABCDEF", null));

    ids("new ClaimCommand", "templateId", v -> env -> new ClaimCommand(v, USER, "k", "c", 1, T0, T0));
    ids("new ClaimCommand", "userId", v -> env -> new ClaimCommand("ABCDEF", v, "k", "c", 1, T0, T0));
    ids("new ClaimCommand", "idempotencyKey", v -> env -> new ClaimCommand("ABCDEF", USER, v, "c", 1, T0, T0));
    ids("new ClaimCommand", "couponId", v -> env -> new ClaimCommand("ABCDEF", USER, "k", v, 1, T0, T0));
    for (int limit : new int[] {0, -1, TemplateSpec.MAX_PER_USER_LIMIT + 1, Integer.MIN_VALUE}) {
      invalid("new ClaimCommand(perUserLimit " + limit + ")", "perUserLimit",
          env -> new ClaimCommand("ABCDEF", USER, "k", "c", limit, T0, T0));
    }
    invalid("new ClaimCommand(null claimedAt)", "claimedAt",
        env -> new ClaimCommand("ABCDEF", USER, "k", "c", 1, null, T0));
    invalid("new ClaimCommand(null expiresAt)", "expiresAt",
        env -> new ClaimCommand("ABCDEF", USER, "k", "c", 1, T0, null));

    ids("new ReserveCommand", "userId", v -> env -> new ReserveCommand(v, "o", List.of("C"), T0, T0));
    ids("new ReserveCommand", "orderId", v -> env -> new ReserveCommand(USER, v, List.of("C"), T0, T0));
    ids("new ReserveCommand", "codes[1]", v -> env -> new ReserveCommand(USER, "o", Arrays.asList("C", v), T0, T0));
    invalid("new ReserveCommand(null codes)", "codes", env -> new ReserveCommand(USER, "o", null, T0, T0));
    invalid("new ReserveCommand(no codes)", "codes", env -> new ReserveCommand(USER, "o", List.of(), T0, T0));
    invalid("new ReserveCommand(null now)", "now", env -> new ReserveCommand(USER, "o", List.of("C"), null, T0));
    invalid("new ReserveCommand(null reservedUntil)", "reservedUntil",
        env -> new ReserveCommand(USER, "o", List.of("C"), T0, null));
  }

  // ---- codes -----------------------------------------------------------------------------------------------------

  private static void codeCases() {
    for (String prefix : Arrays.asList(null, "", "O0", "ABCDE", "ab", "\u00a0")) {
      invalid("new CodeGenerator(prefix " + prefix + ")", "prefix", env -> new CodeGenerator(prefix, "ABCDEF", 1, 2));
      invalid("CodeGenerator.withRandomKey(prefix " + prefix + ")", "prefix",
          env -> CodeGenerator.withRandomKey(prefix, "ABCDEF"));
      invalid("CodeFormat.format(prefix " + prefix + ")", "prefix",
          env -> CodeFormat.format(prefix, "ABCDEF", "23456789"));
    }
    for (String id : Arrays.asList(null, "", "ABCDE", "ABCDEFG", "ABCDE1", "abcdef")) {
      invalid("new CodeGenerator(templateId " + id + ")", "templateId", env -> new CodeGenerator("TH", id, 1, 2));
      invalid("CodeFormat.format(templateId " + id + ")", "templateId",
          env -> CodeFormat.format("TH", id, "23456789"));
    }
    for (String body : Arrays.asList(null, "", "2345678", "234567890", "2345678O")) {
      invalid("CodeFormat.format(body " + body + ")", "body", env -> CodeFormat.format("TH", "ABCDEF", body));
    }
    for (long serial : new long[] {-1, CodeGenerator.DOMAIN, Long.MAX_VALUE, Long.MIN_VALUE}) {
      invalid("CodeGenerator.code(" + serial + ")", "serial", env -> new CodeGenerator("TH", "ABCDEF", 1, 2)
          .code(serial));
    }
    invalid("CodeFormat.checkCharacter(null)", "chars", env -> CodeFormat.checkCharacter(null));
    invalid("CodeFormat.checkCharacter(é)", "chars", env -> CodeFormat.checkCharacter("AB\u00e9"));
    invalid("CodeFormat.checkCharacter(lower case)", "chars", env -> CodeFormat.checkCharacter("abc"));
    for (String code : Arrays.asList(null, "", "\u00a0", "TH-ABCDEF", "X".repeat(65), "TH-ABCDEF-2345-6789\u0000")) {
      invalidCode("CodeFormat.canonicalize(" + code + ")", env -> CodeFormat.canonicalize(code));
    }
    for (String code : Arrays.asList(null, "", "ABC", "-ABCDEF", "TH-ABC")) {
      invalidCode("CodeFormat.templateIdOf(" + code + ")", env -> CodeFormat.templateIdOf(code));
    }
  }

  // ---- settlement ------------------------------------------------------------------------------------------------

  static CartLine line(String goodsId) {
    return new CartLine(goodsId, "books", null, new BigDecimal("10.00"), 1);
  }

  private static final BigDecimal HUGE = new BigDecimal("1E+100000000");

  private static void settlementCases() {
    ids("new Cart", "userId", v -> env -> new Cart(v, List.of(line("g1"))));
    invalid("new Cart(null lines)", "lines", env -> new Cart(USER, null));
    invalid("new Cart(no lines)", "lines", env -> new Cart(USER, List.of()));
    invalid("new Cart(501 lines)", "lines", env -> {
      List<CartLine> lines = new ArrayList<>();
      for (int i = 0; i <= Cart.MAX_LINES; i++) {
        lines.add(line("g" + i));
      }
      new Cart(USER, lines);
    });
    invalid("new Cart(null line)", "lines[1]", env -> new Cart(USER, Arrays.asList(line("g1"), null)));
    invalid("new Cart(goods twice)", "lines[1].goodsId", env -> new Cart(USER, List.of(line("g1"), line("g1"))));

    ids("new CartLine", "goodsId", v -> env -> new CartLine(v, "books", null, BigDecimal.ONE, 1));
    ids("new CartLine", "goodsType", v -> env -> new CartLine("g", v, null, BigDecimal.ONE, 1));
    ids("new CartLine", "region", v -> env -> new CartLine("g", "books", v, BigDecimal.ONE, 1), nonNullBadIds());
    for (String price : Arrays.asList(null, "-0.01", "0.001", "1E+100000000", "1000000000000", "1E+12",
        "999999999999.991", "1E-100000000", "-1E+100000000")) {
      invalid("new CartLine(unitPrice " + price + ")", "unitPrice",
          env -> new CartLine("g", "books", null, price == null ? null : new BigDecimal(price), 1));
    }
    for (int q : new int[] {0, -1, CartLine.MAX_QUANTITY + 1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
      invalid("new CartLine(quantity " + q + ")", "quantity", env -> new CartLine("g", "books", null,
          BigDecimal.ONE, q));
    }

    invalid("new SettlementPolicy(null floor)", "priceFloor", env -> new SettlementPolicy(null, 2,
        RoundingMode.HALF_UP));
    invalid("SettlementPolicy.withPriceFloor(-0.01)", "priceFloor",
        env -> SettlementPolicy.defaults().withPriceFloor(new BigDecimal("-0.01")));
    invalid("SettlementPolicy.withPriceFloor(1E+100000000)", "priceFloor",
        env -> SettlementPolicy.defaults().withPriceFloor(HUGE));
    invalid("SettlementPolicy.withPriceFloor(0.001)", "priceFloor",
        env -> SettlementPolicy.defaults().withPriceFloor(new BigDecimal("0.001")));
    for (int scale : new int[] {1, 9, -1}) {
      invalid("SettlementPolicy.withScale(" + scale + ")", "scale", env -> SettlementPolicy.defaults()
          .withScale(scale));
    }
    invalid("SettlementPolicy.withRoundingMode(null)", "roundingMode",
        env -> SettlementPolicy.defaults().withRoundingMode(null));
    invalid("SettlementPolicy.withRoundingMode(UNNECESSARY)", "roundingMode",
        env -> SettlementPolicy.defaults().withRoundingMode(RoundingMode.UNNECESSARY));

    Map<String, BigDecimal> one = Map.of("g1", BigDecimal.ONE);
    ids("new CouponSaving", "couponId", v -> env -> new CouponSaving(v, BigDecimal.ONE, one));
    invalid("new CouponSaving(null saved)", "saved", env -> new CouponSaving("c", null, one));
    invalid("new CouponSaving(negative saved)", "saved", env -> new CouponSaving("c", new BigDecimal("-1"), Map.of()));
    invalid("new CouponSaving(huge saved)", "saved", env -> new CouponSaving("c", HUGE, one));
    invalid("new CouponSaving(null allocations)", "allocations", env -> new CouponSaving("c", BigDecimal.ONE, null));
    invalid("new CouponSaving(allocations not adding up)", "allocations",
        env -> new CouponSaving("c", BigDecimal.TEN, one));
    invalid("new CouponSaving(huge allocation)", "allocations[g1]",
        env -> new CouponSaving("c", BigDecimal.ONE, Map.of("g1", HUGE)));
    invalid("new CouponSaving(null allocation)", "allocations[g1]",
        env -> new CouponSaving("c", BigDecimal.ONE, Collections.singletonMap("g1", null)));

    ids("new AppliedCoupon", "code",
        v -> env -> new AppliedCoupon(v, "c", "ABCDEF", CouponCategory.DIRECT, BigDecimal.ONE, one));
    ids("new AppliedCoupon", "couponId",
        v -> env -> new AppliedCoupon("C", v, "ABCDEF", CouponCategory.DIRECT, BigDecimal.ONE, one));
    ids("new AppliedCoupon", "templateId",
        v -> env -> new AppliedCoupon("C", "c", v, CouponCategory.DIRECT, BigDecimal.ONE, one));
    invalid("new AppliedCoupon(null category)", "category",
        env -> new AppliedCoupon("C", "c", "ABCDEF", null, BigDecimal.ONE, one));
    invalid("new AppliedCoupon(negative saved)", "saved",
        env -> new AppliedCoupon("C", "c", "ABCDEF", CouponCategory.DIRECT, new BigDecimal("-1"), Map.of()));
    invalid("new AppliedCoupon(huge saved)", "saved",
        env -> new AppliedCoupon("C", "c", "ABCDEF", CouponCategory.DIRECT, HUGE, one));
    invalid("new AppliedCoupon(allocations not adding up)", "allocations",
        env -> new AppliedCoupon("C", "c", "ABCDEF", CouponCategory.DIRECT, BigDecimal.TEN, one));

    BigDecimal ten = BigDecimal.TEN;
    invalid("new SettlementResult(null originalTotal)", "originalTotal",
        env -> new SettlementResult(null, BigDecimal.ZERO, ten, List.of(), List.of()));
    invalid("new SettlementResult(huge originalTotal)", "originalTotal",
        env -> new SettlementResult(HUGE, BigDecimal.ZERO, ten, List.of(), List.of()));
    invalid("new SettlementResult(null applied)", "applied",
        env -> new SettlementResult(ten, BigDecimal.ZERO, ten, null, List.of()));
    invalid("new SettlementResult(null rejected)", "rejected",
        env -> new SettlementResult(ten, BigDecimal.ZERO, ten, List.of(), null));
    invalid("new SettlementResult(null rejection)", "rejected[0]",
        env -> new SettlementResult(ten, BigDecimal.ZERO, ten, List.of(), Arrays.asList((RejectedCoupon) null)));
    invalid("new SettlementResult(discount not the savings)", "totalDiscount",
        env -> new SettlementResult(ten, BigDecimal.ONE, new BigDecimal("9"), List.of(), List.of()));
    invalid("new SettlementResult(final price wrong)", "finalPrice",
        env -> new SettlementResult(ten, BigDecimal.ZERO, BigDecimal.ONE, List.of(), List.of()));
    invalid("SettlementResult.withRejected(null)", "more",
        env -> new SettlementResult(ten, BigDecimal.ZERO, ten, List.of(), List.of()).withRejected(null));

    invalid("new RejectedCoupon(null code)", "code", env -> new RejectedCoupon(null, null,
        RejectionReason.UNKNOWN_COUPON));
    invalid("new RejectedCoupon(null reason)", "reason", env -> new RejectedCoupon("C", null, null));
    ids("new RejectedCoupon", "couponId", v -> env -> new RejectedCoupon("C", v, RejectionReason.NOT_OWNER),
        nonNullBadIds());

    invalid("new SelectedCoupon(null coupon)", "coupon", env -> new SelectedCoupon(null, env.template));
    invalid("new SelectedCoupon(null template)", "template", env -> new SelectedCoupon(env.coupon, null));
    invalid("new SelectedCoupon(another template)", "template", env -> new SelectedCoupon(env.coupon,
        new Template("ZZZZZZ", env.template.spec(), TemplateStatus.AVAILABLE, T0, null)));

    invalid("new SettlementRequest(null cart)", "cart", env -> new SettlementRequest(null, List.of()));
    invalid("new SettlementRequest(null coupons)", "coupons", env -> new SettlementRequest(env.cart(), null));
    invalid("new SettlementRequest(null coupon)", "coupons[0]",
        env -> new SettlementRequest(env.cart(), Arrays.asList((Coupon) null)));
    invalid("new SettlementRequest(101 coupons)", "coupons",
        env -> new SettlementRequest(env.cart(), Collections.nCopies(SettlementCalculator.MAX_COUPONS + 1,
            env.coupon)));
    invalid("new BestCombinationResult(null coupons)", "coupons", env -> new BestCombinationResult(null,
        new SettlementResult(ten, BigDecimal.ZERO, ten, List.of(), List.of())));
    invalid("new BestCombinationResult(null result)", "result", env -> new BestCombinationResult(List.of(), null));

    invalid("Allocations.distribute(null amount)", "amount",
        env -> Allocations.distribute(null, List.of(ten), SettlementPolicy.defaults()));
    invalid("Allocations.distribute(huge amount)", "amount",
        env -> Allocations.distribute(HUGE, List.of(ten), SettlementPolicy.defaults()));
    invalid("Allocations.distribute(amount above bases)", "amount",
        env -> Allocations.distribute(new BigDecimal("11"), List.of(ten), SettlementPolicy.defaults()));
    invalid("Allocations.distribute(null bases)", "bases",
        env -> Allocations.distribute(ten, null, SettlementPolicy.defaults()));
    invalid("Allocations.distribute(null base)", "bases[1]",
        env -> Allocations.distribute(ten, Arrays.asList(ten, null), SettlementPolicy.defaults()));
    invalid("Allocations.distribute(negative base)", "bases[0]",
        env -> Allocations.distribute(ten, List.of(new BigDecimal("-1"), ten), SettlementPolicy.defaults()));
    invalid("Allocations.distribute(huge base)", "bases[0]",
        env -> Allocations.distribute(ten, List.of(HUGE), SettlementPolicy.defaults()));
    invalid("Allocations.distribute(null policy)", "policy", env -> Allocations.distribute(ten, List.of(ten), null));

    invalid("new SettlementCalculator(null policy)", "policy",
        env -> new SettlementCalculator(null, ExecutorRegistry.ofDefaults()));
    invalid("new SettlementCalculator(null registry)", "registry",
        env -> new SettlementCalculator(SettlementPolicy.defaults(), null));
    invalid("SettlementCalculator.settle(null cart)", "cart",
        env -> SettlementCalculator.ofDefaults().settle(null, List.of(), Map.of(), T0));
    invalid("SettlementCalculator.settle(null coupons)", "coupons",
        env -> SettlementCalculator.ofDefaults().settle(env.cart(), null, Map.of(), T0));
    invalid("SettlementCalculator.settle(null templates)", "templates",
        env -> SettlementCalculator.ofDefaults().settle(env.cart(), List.of(), null, T0));
    invalid("SettlementCalculator.settle(null now)", "now",
        env -> SettlementCalculator.ofDefaults().settle(env.cart(), List.of(), Map.of(), null));
    invalid("SettlementCalculator.settle(coupon twice)", "coupons",
        env -> SettlementCalculator.ofDefaults().settle(env.cart(), List.of(env.coupon, env.coupon),
            new HashMap<>(Map.of(env.template.id(), env.template)), T0));
    invalid("SettlementCalculator.settle(null request)", "request",
        env -> SettlementCalculator.ofDefaults().settle(null, Map.of(), T0));
    invalid("new BestCombination(null)", "calculator", env -> new BestCombination(null));
    invalid("BestCombination.find(null cart)", "cart",
        env -> BestCombination.ofDefaults().find(null, List.of(), Map.of(), T0));
    invalid("ExecutorRegistry.discover(null)", "classLoader", env -> ExecutorRegistry.discover(null));
    invalid("ExecutorRegistry.find(null)", "categories", env -> ExecutorRegistry.ofDefaults().find(null));
    invalid("ExecutorRegistry.Builder.register(null)", "executor",
        env -> ExecutorRegistry.builder().register(null));
    invalid("ExecutorRegistry.Builder.registerAll(null)", "executors",
        env -> ExecutorRegistry.builder().registerAll(null));
    invalid("ExecutorRegistry.Builder.discovered(null)", "executors",
        env -> ExecutorRegistry.builder().discovered(null));
    invalid("ExecutorRegistry.Builder.build(discovered built-in)", "executors",
        env -> ExecutorRegistry.builder().discovered(List.of(BuiltInExecutors.direct())).build());
  }

  // ---- near-cache builder and in-memory store --------------------------------------------------------------------

  private static void cacheAndStoreCases() {
    invalid("NearCachedStore.builder(null)", "delegate", env -> NearCachedStore.builder(null));
    invalid("NearCachedStore maximumSize(0)", "maximumSize", env -> NearCachedStore.builder(env.store).maximumSize(0));
    invalid("NearCachedStore maximumSize(-1)", "maximumSize",
        env -> NearCachedStore.builder(env.store).maximumSize(-1));
    invalid("NearCachedStore maximumSize twice", "maximumSize",
        env -> NearCachedStore.builder(env.store).maximumSize(1).maximumSize(2));
    for (Duration d : Arrays.asList(null, Duration.ZERO, Duration.ofNanos(1), Duration.ofDays(366),
        Duration.ofSeconds(-1))) {
      invalid("NearCachedStore ttl(" + d + ")", "ttl", env -> NearCachedStore.builder(env.store).ttl(d));
      invalid("NearCachedStore catalogTtl(" + d + ")", "catalogTtl",
          env -> NearCachedStore.builder(env.store).catalogTtl(d));
    }
    invalid("NearCachedStore ttl twice", "ttl",
        env -> NearCachedStore.builder(env.store).ttl(Duration.ofSeconds(1)).ttl(Duration.ofSeconds(1)));
    invalid("NearCachedStore catalogTtl twice", "catalogTtl", env -> NearCachedStore.builder(env.store)
        .catalogTtl(Duration.ofSeconds(1)).catalogTtl(Duration.ofSeconds(1)));
    for (int j : new int[] {-1, 100, Integer.MIN_VALUE}) {
      invalid("NearCachedStore jitterPercent(" + j + ")", "jitterPercent",
          env -> NearCachedStore.builder(env.store).jitterPercent(j));
    }
    invalid("NearCachedStore jitterPercent twice", "jitterPercent",
        env -> NearCachedStore.builder(env.store).jitterPercent(1).jitterPercent(1));
    invalid("NearCachedStore closeDelegate twice", "closeDelegate",
        env -> NearCachedStore.builder(env.store).closeDelegate().closeDelegate());

    invalid("InMemoryCouponStore.insertTemplate(null)", "template", env -> env.store.insertTemplate(null));
    ids("InMemoryCouponStore.findTemplate", "templateId", v -> env -> env.store.findTemplate(v));
    invalid("InMemoryCouponStore.findTemplates(null)", "status", env -> env.store.findTemplates(null));
    ids("InMemoryCouponStore.updateTemplateStatus", "templateId", v -> env -> env.store.updateTemplateStatus(v,
        TemplateStatus.AVAILABLE, TemplateStatus.EXPIRED, null));
    invalid("InMemoryCouponStore.updateTemplateStatus(null expected)", "expected", env -> env.store
        .updateTemplateStatus(env.template.id(), null, TemplateStatus.EXPIRED, null));
    invalid("InMemoryCouponStore.updateTemplateStatus(null next)", "next", env -> env.store
        .updateTemplateStatus(env.template.id(), TemplateStatus.AVAILABLE, null, null));
    ids("InMemoryCouponStore.appendCodes", "templateId", v -> env -> env.store.appendCodes(v, 0, List.of("C")));
    invalid("InMemoryCouponStore.appendCodes(offset -1)", "offset",
        env -> env.store.appendCodes(env.template.id(), -1, List.of("C")));
    invalid("InMemoryCouponStore.appendCodes(null codes)", "codes",
        env -> env.store.appendCodes(env.template.id(), 10, null));
    invalid("InMemoryCouponStore.appendCodes(null code)", "codes[1]",
        env -> env.store.appendCodes(env.template.id(), 10, Arrays.asList("C", null)));
    ids("InMemoryCouponStore.remainingCodes", "templateId", v -> env -> env.store.remainingCodes(v));
    invalid("InMemoryCouponStore.claim(null)", "command", env -> env.store.claim(null));
    ids("InMemoryCouponStore.findCouponsByUser", "userId", v -> env -> env.store.findCouponsByUser(v));
    ids("InMemoryCouponStore.findCouponByCode", "code", v -> env -> env.store.findCouponByCode(v));
    invalid("InMemoryCouponStore.expireCoupon(null)", "coupon", env -> env.store.expireCoupon(null, T0));
    invalid("InMemoryCouponStore.expireCoupon(null now)", "now", env -> env.store.expireCoupon(env.coupon, null));
    invalid("InMemoryCouponStore.expireDueCoupons(null now)", "now", env -> env.store.expireDueCoupons(null, 1));
    invalid("InMemoryCouponStore.expireDueCoupons(limit 0)", "limit", env -> env.store.expireDueCoupons(T0, 0));
    invalid("InMemoryCouponStore.reserve(null)", "command", env -> env.store.reserve(null));
    ids("InMemoryCouponStore.commit", "orderId", v -> env -> env.store.commit(v, T0));
    ids("InMemoryCouponStore.release", "orderId", v -> env -> env.store.release(v, T0));
    invalid("InMemoryCouponStore.commit(null now)", "now", env -> env.store.commit("o", null));
    invalid("InMemoryCouponStore.findStaleReservations(null now)", "now",
        env -> env.store.findStaleReservations(null, 1));
    invalid("InMemoryCouponStore.findStaleReservations(limit -1)", "limit",
        env -> env.store.findStaleReservations(T0, -1));
  }
}
