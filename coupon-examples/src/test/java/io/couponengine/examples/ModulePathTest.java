package io.couponengine.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jars work on the module path: a small named module that {@code requires io.couponengine.jdbc} and
 * {@code io.couponengine.redis} is compiled against them and run in a JVM of its own with {@code -p ... -m}; it
 * creates a template over H2, claims, settles, round-trips JSON (Jackson through the opened packages), discovers
 * executors (the {@code uses} clause) and finds {@code io.couponengine.internal} closed to it. Every other test runs
 * the same jars on the class path.
 */
class ModulePathTest {
  private static final List<String> NOT_ON_MODULE_PATH = List.of("junit", "opentest4j", "apiguardian", "assertj",
      "byte-buddy", "postgresql", "mariadb", "HikariCP", "coupon-examples", "test-classes", "-tests.jar");

  @Test
  void engine_runsOnTheModulePath(@TempDir Path dir) throws Exception {
    List<String> modulePath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (NOT_ON_MODULE_PATH.stream().noneMatch(entry::contains) && !entry.endsWith("examples/target/classes")) {
        modulePath.add(entry);
      }
    }
    assertThat(modulePath).anyMatch(e -> e.contains("coupon-core")).anyMatch(e -> e.contains("coupon-jdbc"))
        .anyMatch(e -> e.contains("coupon-redis"));
    String mp = String.join(File.pathSeparator, modulePath);

    Path src = dir.resolve("src");
    write(src.resolve("module-info.java"), """
        module couponengine.smoke {
          requires io.couponengine.jdbc;
          requires io.couponengine.redis;
          requires com.h2database;
          requires java.naming; // H2's JdbcDataSource is Referenceable
        }
        """);
    write(src.resolve("smoke/Main.java"), """
        package smoke;

        import io.couponengine.CouponEngine;
        import io.couponengine.claim.ClaimRequest;
        import io.couponengine.claim.ClaimResult;
        import io.couponengine.coupon.Coupon;
        import io.couponengine.jdbc.JdbcCouponStore;
        import io.couponengine.redis.RedisCouponStore;
        import io.couponengine.settlement.Cart;
        import io.couponengine.settlement.CartLine;
        import io.couponengine.settlement.ExecutorRegistry;
        import io.couponengine.template.CouponCategory;
        import io.couponengine.template.Discount;
        import io.couponengine.template.Scope;
        import io.couponengine.template.Template;
        import io.couponengine.template.TemplateSpec;
        import io.couponengine.template.Validity;
        import java.math.BigDecimal;
        import java.time.Duration;
        import java.util.List;

        public final class Main {
          public static void main(String[] args) throws Exception {
            org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
            ds.setURL("jdbc:h2:mem:smoke;DB_CLOSE_DELAY=-1");
            JdbcCouponStore store = JdbcCouponStore.builder(ds).build();
            store.createSchema();
            try (CouponEngine engine = CouponEngine.builder().store(store).build()) {
              TemplateSpec spec = TemplateSpec.builder().name("module smoke").category(CouponCategory.THRESHOLD)
                  .productLine("mall").totalCount(10).perUserLimit(1)
                  .validity(Validity.rolling(Duration.ofDays(7)))
                  .discount(Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")))
                  .scope(Scope.goodsTypes("books")).build();
              TemplateSpec copy = TemplateSpec.fromJson(spec.toJson());
              Template t = engine.createTemplate(copy);
              engine.generation(t.id()).join();
              ClaimResult r = engine.claim(new ClaimRequest("u1", t.id(), "k1"));
              Coupon c = Coupon.fromJson(r.coupon().orElseThrow().toJson());
              Cart cart = new Cart("u1", List.of(new CartLine("novel", "books", null, new BigDecimal("120.00"), 1)));
              System.out.println("outcome=" + r.outcome());
              System.out.println("final=" + engine.settle(cart, List.of(c.code())).finalPrice());
              System.out.println("discovered=" + ExecutorRegistry.discover(Main.class.getClassLoader()).size());
            }
            System.out.println("core=" + CouponEngine.class.getModule().getName());
            System.out.println("redis=" + RedisCouponStore.class.getModule().getName());
            try {
              Class.forName("io.couponengine.internal.Json").getMethod("write", Object.class).invoke(null, "x");
              System.out.println("internal=open");
            } catch (IllegalAccessException e) {
              System.out.println("internal=closed");
            }
          }
        }
        """);
    Path out = dir.resolve("out");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int compiled = javac.run(null, null, null, "--module-path", mp, "-d", out.toString(),
        src.resolve("module-info.java").toString(), src.resolve("smoke/Main.java").toString());
    assertThat(compiled).as("javac exit code").isZero();

    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-p", out + File.pathSeparator + mp,
        "--add-modules", "org.slf4j.simple", "-m", "couponengine.smoke/smoke.Main")
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("smoke module finished").isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("outcome=CLAIMED", "final=100.00", "core=io.couponengine.core",
        "redis=io.couponengine.redis", "internal=closed");
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
