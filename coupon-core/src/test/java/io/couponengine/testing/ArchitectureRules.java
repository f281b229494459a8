package io.couponengine.testing;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.properties.HasModifiers.Predicates.modifier;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The floors of the house as ArchUnit rules, shared by core's and the adapters' architecture tests (and by a store
 * written outside this project, which can hold itself to {@link #adapterUsesOnlyExportedCore(String)}).
 *
 * <p>From the ground up: {@code error}; {@code internal} (argument checks, JSON); {@code code}; the model
 * ({@code template}, {@code coupon}, {@code claim}); {@code event}, {@code settlement}, {@code spi}; the stores
 * ({@code memory}, {@code cache}); the facade package {@code io.couponengine} with its package-private machinery.
 * Nothing imports a floor above its own.
 */
public final class ArchitectureRules {
  /** The packages core exports to everyone (module-info). */
  public static final String[] EXPORTED = {"io.couponengine", "io.couponengine.cache", "io.couponengine.claim",
      "io.couponengine.code", "io.couponengine.coupon", "io.couponengine.error", "io.couponengine.event",
      "io.couponengine.memory", "io.couponengine.settlement", "io.couponengine.spi", "io.couponengine.template"};
  /** The model: what a template, a code, a coupon and a claim are, and the error they fail with. */
  public static final String[] MODEL = {"io.couponengine.template..", "io.couponengine.coupon..",
      "io.couponengine.claim..", "io.couponengine.code..", "io.couponengine.error.."};

  private ArchitectureRules() {}

  /**
   * No cycles between the packages below {@code io.couponengine} (the facade package is held by
   * {@link #nothingImportsTheFacadePackage()}).
   *
   * @return the rule
   */
  public static ArchRule noPackageCycles() {
    return slices().matching("io.couponengine.(*)..").should().beFreeOfCycles()
        .because("a package is a floor: it may use the floors below it, never one above");
  }

  /**
   * The facade package sits on top: no other package of core imports it (its machinery is package-private).
   *
   * @return the rule
   */
  public static ArchRule nothingImportsTheFacadePackage() {
    return noClasses().that().resideInAPackage("io.couponengine..").and().resideOutsideOfPackage("io.couponengine")
        .should().dependOnClassesThat().resideInAPackage("io.couponengine")
        .because("the engine machinery beside CouponEngine is the top floor");
  }

  /**
   * Model packages import no engine machinery: only each other, {@code internal}, the JDK and Jackson.
   *
   * @return the rule
   */
  public static ArchRule modelImportsNoMachinery() {
    return classes().that().resideInAnyPackage(MODEL).should().onlyDependOnClassesThat(
            resideInAnyPackage(MODEL).or(resideInAPackage("io.couponengine.internal.."))
                .or(resideOutsideOfPackage("io.couponengine..")))
        .because("templates, codes, coupons and claims are values; stores, caches and the engine use them");
  }

  /**
   * The bottom floor imports nothing of the engine but {@code error}.
   *
   * @return the rule
   */
  public static ArchRule internalIsTheBottomFloor() {
    return classes().that().resideInAPackage("io.couponengine.internal..").should().onlyDependOnClassesThat(
            resideInAnyPackage("io.couponengine.internal..", "io.couponengine.error..")
                .or(resideOutsideOfPackage("io.couponengine..")))
        .because("argument checks and JSON serve every floor, so they may import none above them");
  }

  /**
   * An adapter uses only what core exports to it: public types of the exported packages and of
   * {@code io.couponengine.internal}.
   *
   * @param adapterPackage the adapter's package, for example {@code "io.couponengine.redis"}
   * @return the rule
   */
  public static ArchRule adapterUsesOnlyExportedCore(String adapterPackage) {
    String[] allowed = new String[EXPORTED.length + 1];
    System.arraycopy(EXPORTED, 0, allowed, 0, EXPORTED.length);
    allowed[EXPORTED.length] = "io.couponengine.internal";
    return classes().that().resideInAPackage(adapterPackage + "..").should().onlyDependOnClassesThat(
            resideInAPackage(adapterPackage + "..")
                .or(resideOutsideOfPackage("io.couponengine.."))
                .or(resideInAnyPackage(allowed).and(modifier(JavaModifier.PUBLIC))))
        .because("an adapter sees core through its module exports, as any user's store does");
  }

  /**
   * An adapter is not a layer of another adapter: it imports no other {@code io.couponengine} sub-package outside
   * core's exports (for example coupon-redis never imports coupon-jdbc).
   *
   * @param adapterPackage the adapter's package
   * @return the rule
   */
  public static ArchRule adapterIsIndependent(String adapterPackage) {
    return noClasses().that().resideInAPackage(adapterPackage + "..").should().dependOnClassesThat(
            resideInAPackage("io.couponengine..").and(not(resideInAPackage(adapterPackage + "..")))
                .and(not(resideInAnyPackage(EXPORTED))).and(not(resideInAPackage("io.couponengine.internal"))))
        .because("the adapters sit beside each other; a deployment that uses both is composed from outside");
  }
}
