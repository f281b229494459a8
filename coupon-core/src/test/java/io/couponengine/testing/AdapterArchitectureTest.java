package io.couponengine.testing;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The floors an adapter keeps: it uses core only through its exports and imports no other adapter. An adapter's test
 * subclasses this and names its package, as a store's test subclasses {@link CouponStoreContractTest}.
 */
public abstract class AdapterArchitectureTest {
  private JavaClasses classes;

  /**
   * The adapter's package.
   *
   * @return for example {@code "io.couponengine.redis"}
   */
  protected abstract String adapterPackage();

  @BeforeEach
  void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.couponengine");
  }

  @Test
  void adapter_usesOnlyExportedCore() {
    ArchitectureRules.adapterUsesOnlyExportedCore(adapterPackage()).check(classes);
  }

  @Test
  void adapter_importsNoOtherAdapter() {
    ArchitectureRules.adapterIsIndependent(adapterPackage()).check(classes);
  }
}
