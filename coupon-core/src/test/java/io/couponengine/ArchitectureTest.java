package io.couponengine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.couponengine.claim.archfixture.ClaimSide;
import io.couponengine.code.archfixture.CodeSide;
import io.couponengine.code.archfixture.ModelUsingTheStore;
import io.couponengine.internal.Preconditions;
import io.couponengine.spi.CouponStore;
import io.couponengine.testing.ArchitectureRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Holds coupon-core's floors (see {@link ArchitectureRules}), and proves each rule fails on a violation. */
class ArchitectureTest {
  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.couponengine");
  }

  @Test
  void packages_freeOfCycles() {
    ArchitectureRules.noPackageCycles().check(core);
  }

  @Test
  void facadePackage_importedByNoOtherPackage() {
    ArchitectureRules.nothingImportsTheFacadePackage().check(core);
  }

  @Test
  void model_importsNoMachinery() {
    ArchitectureRules.modelImportsNoMachinery().check(core);
  }

  @Test
  void internal_isTheBottomFloor() {
    ArchitectureRules.internalIsTheBottomFloor().check(core);
  }

  @Test
  void rules_failOnAViolation() {
    // test-only fixtures: a model class that imports the store SPI and the facade, and two packages in a cycle
    JavaClasses bad = new ClassFileImporter().importClasses(ModelUsingTheStore.class, CouponStore.class,
        CouponEngine.class, CodeSide.class, ClaimSide.class, Preconditions.class);
    assertThatThrownBy(() -> ArchitectureRules.modelImportsNoMachinery().check(bad))
        .isInstanceOf(AssertionError.class).hasMessageContaining("ModelUsingTheStore");
    assertThatThrownBy(() -> ArchitectureRules.nothingImportsTheFacadePackage().check(bad))
        .isInstanceOf(AssertionError.class).hasMessageContaining("ModelUsingTheStore");
    assertThatThrownBy(() -> ArchitectureRules.noPackageCycles().check(bad))
        .isInstanceOf(AssertionError.class).hasMessageContaining("Cycle");
    // seen as an adapter, CodeSide imports a core package that is not exported
    assertThatThrownBy(() -> ArchitectureRules.adapterUsesOnlyExportedCore("io.couponengine.code.archfixture")
        .check(bad)).isInstanceOf(AssertionError.class).hasMessageContaining("ClaimSide");
    assertThatThrownBy(() -> ArchitectureRules.adapterIsIndependent("io.couponengine.code.archfixture").check(bad))
        .isInstanceOf(AssertionError.class).hasMessageContaining("ClaimSide");
    JavaClasses badInternal = new ClassFileImporter().importClasses(Preconditions.class, CodeSide.class,
        io.couponengine.internal.archfixture.InternalUsingCode.class);
    assertThatThrownBy(() -> ArchitectureRules.internalIsTheBottomFloor().check(badInternal))
        .isInstanceOf(AssertionError.class).hasMessageContaining("InternalUsingCode");
  }
}
