package io.couponengine.redis;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.couponengine.testing.ArchitectureRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** coupon-redis uses core only through its exports and imports no other adapter. */
class RedisArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.couponengine");
  }

  @Test
  void adapter_usesOnlyExportedCore() {
    ArchitectureRules.adapterUsesOnlyExportedCore("io.couponengine.redis").check(classes);
  }

  @Test
  void adapter_importsNoOtherAdapter() {
    ArchitectureRules.adapterIsIndependent("io.couponengine.redis").check(classes);
  }
}
