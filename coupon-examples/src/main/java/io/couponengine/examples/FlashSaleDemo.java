package io.couponengine.examples;

import io.couponengine.CouponEngine;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.template.Scope;
import io.couponengine.template.Template;

/**
 * A flash sale on the embedded in-memory store: 100,000 codes, 2 per user, 200,000 claims from 50,000 users on
 * many threads, with client retries. Prints a summary and, last, one JSON line whose correctness counters
 * ({@code over_issued}, {@code duplicate_codes}, {@code users_over_limit}) are recounted from the store's data and
 * must be 0.
 *
 * <pre>
 * java -jar coupon-examples/target/coupon-examples.jar [--codes 100000] [--claims 200000] [--users 50000]
 *      [--limit 2] [--threads 32]
 * </pre>
 */
public final class FlashSaleDemo {
  private FlashSaleDemo() {}

  /**
   * Runs the demo.
   *
   * @param argv optional {@code --name value} overrides
   * @throws Exception if the demo fails
   */
  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    int codes = args.intValue("codes", 100_000);
    int claims = args.intValue("claims", 200_000);
    int users = args.intValue("users", 50_000);
    int limit = args.intValue("limit", 2);
    int threads = args.intValue("threads", 32);

    InMemoryCouponStore store = new InMemoryCouponStore();
    try (CouponEngine engine = CouponEngine.builder().store(store).build()) {
      long g0 = System.nanoTime();
      Template template = engine.createTemplate(ClaimLoad.spec("Double 11 flash sale: 20 off 100", codes, limit)
          .scope(Scope.goodsTypes("digital", "books"))
          .build());
      engine.generation(template.id()).join();
      double genSeconds = (System.nanoTime() - g0) / 1e9;
      System.out.printf("Template %s: %,d codes generated in %.2f s (%,d codes/s)%n", template.id(), codes,
          genSeconds, Math.round(codes / genSeconds));

      ClaimLoad.Report r = ClaimLoad.run(engine, template.id(), claims, users, threads, true);
      ClaimLoad.verify(store, template.id(), codes, users, limit, r);
      ClaimLoad.stats(engine.stats(template.id()), r);
      engine.coupons("user-0", CouponStatus.USABLE).stream().findFirst()
          .ifPresent(c -> System.out.println("A coupon of user-0: " + c.code()));

      System.out.printf("%,d claims from %,d users on %d threads in %.2f s (%,d claims/s)%n", claims, users, threads,
          r.seconds, r.claimsPerSec());
      System.out.printf("  claimed %,d | sold out %,d | limit reached %,d | retries answered DUPLICATE %,d%n",
          r.claimed.sum(), r.soldOut.sum(), r.limitReached.sum(), r.duplicates.sum());
      System.out.printf("  recounted from the store: %,d coupons issued, %d over-issued, %d duplicate codes, "
          + "%d users over the limit%n", r.issuedInStore, r.overIssued, r.duplicateCodes, r.usersOverLimit);
      System.out.println(r.json(codes, "claims_attempted", claims, "duplicates", r.duplicates.sum(),
          "generation_codes_per_sec", Math.round(codes / genSeconds)));
      if (r.overIssued + r.duplicateCodes + r.usersOverLimit != 0 || r.issuedInStore != r.claimed.sum()) {
        System.exit(1);
      }
    }
  }
}
