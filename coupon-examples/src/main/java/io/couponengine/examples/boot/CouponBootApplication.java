package io.couponengine.examples.boot;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.time.Duration;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;

/**
 * A Spring Boot application that gets its {@link CouponEngine} from coupon-spring-boot-starter: no engine code of
 * its own, only properties. With none it runs on the in-memory store; with three it runs on Redis:
 *
 * <pre>
 * java -cp coupon-examples/target/coupon-examples.jar io.couponengine.examples.boot.CouponBootApplication \
 *     --coupon.store=redis --coupon.redis.host=127.0.0.1 --coupon.redis.port=6379
 * </pre>
 *
 * <p>At start, {@link Welcome} creates a template and claims a coupon for a user, and prints the code.
 */
@SpringBootApplication
public class CouponBootApplication {

  /**
   * Starts the application; it stops when the claim is done (no web server).
   *
   * @param args Spring Boot arguments, e.g. {@code --coupon.store=redis}
   */
  public static void main(String[] args) {
    SpringApplication.run(CouponBootApplication.class, args).close();
  }

  /** Creates a welcome template at start and claims one coupon of it for {@code --user} (default "alice"). */
  @Component
  public static class Welcome implements ApplicationRunner {
    private final CouponEngine engine;
    private volatile ClaimResult lastClaim;

    /**
     * Created by Spring with the starter's engine.
     *
     * @param engine the auto-configured engine
     */
    public Welcome(CouponEngine engine) {
      this.engine = engine;
    }

    @Override
    public void run(ApplicationArguments args) {
      String user = args.containsOption("user") ? args.getOptionValues("user").get(0) : "alice";
      Template t = engine.createTemplate(TemplateSpec.builder()
          .name("Welcome: 5 off")
          .category(CouponCategory.DIRECT)
          .productLine("mall")
          .totalCount(100)
          .perUserLimit(1)
          .validity(Validity.rolling(Duration.ofDays(30)))
          .discount(Discount.amountOff(new BigDecimal("5.00")))
          .build());
      engine.generation(t.id()).join();
      lastClaim = engine.claim(new ClaimRequest(user, t.id(), "welcome-" + user));
      System.out.println(user + ": " + lastClaim.outcome()
          + lastClaim.coupon().map(c -> " " + c.code()).orElse("")
          + " (store " + engine.config().store().getClass().getSimpleName() + ")");
    }

    /**
     * The claim made at start.
     *
     * @return the result, or null before the application has started
     */
    public ClaimResult lastClaim() {
      return lastClaim;
    }
  }
}
