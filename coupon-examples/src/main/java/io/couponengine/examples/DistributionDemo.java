package io.couponengine.examples;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.claim.GrantReport;
import io.couponengine.code.ImportReport;
import io.couponengine.coupon.Coupon;
import io.couponengine.error.CouponException;
import io.couponengine.spi.CouponStore;
import io.couponengine.template.CodeRules;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Distribution;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.Validity;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Every way coupons are handed out, on one store: a shared code claimed by many users from several threads, code
 * entry of printed cards (a taken card, a typo), an import of a partner's codes (with repeats and bad lines, then
 * imported again), and an operator's grant to many users (run twice: the second run grants nobody). The last line
 * is one JSON object of counts recounted from the store: every coupon of the four templates, no code held twice, no
 * user over the limit.
 *
 * <pre>
 * java -cp coupon-examples/target/coupon-examples.jar io.couponengine.examples.DistributionDemo
 * java -cp ... DistributionDemo --store redis://127.0.0.1:6379 --grant-users 1000000 --import-codes 5000000
 * java -cp ... DistributionDemo --store 'jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres'
 * </pre>
 *
 * Options: {@code --store memory|redis://host:port|<JDBC URL>} (default memory), {@code --grant-users N} (default
 * 200,000), {@code --grant-codes N} (the grant template's codes, default three quarters of the users),
 * {@code --import-codes N} (default 50,000), {@code --recount true|false} (default true; reads every granted user's
 * coupons back).
 */
public final class DistributionDemo {
  private static final int SHARED_USES = 1_000;
  private static final int SHARED_USERS = 1_200;
  private static final String PARTNER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  private DistributionDemo() {}

  /**
   * Runs the demo.
   *
   * @param argv {@code --name value} options
   * @throws Exception when the store fails
   */
  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    String storeSpec = args.string("store", "memory");
    int grantUsers = args.intValue("grant-users", 200_000);
    int importCodes = args.intValue("import-codes", 50_000);
    int grantCodes = args.intValue("grant-codes", grantUsers * 3 / 4);
    boolean recount = Boolean.parseBoolean(args.string("recount", "true"));
    try (StoreOption opened = StoreOption.open(storeSpec, 8);
         CouponEngine engine = CouponEngine.builder().store(opened.store).generationBatchSize(50_000).build()) {
      System.out.println("Distribution demo on the " + opened.description);
      Map<String, Object> json = new java.util.LinkedHashMap<>();
      List<Template> templates = new ArrayList<>();
      json.put("shared_code", sharedCode(engine, templates));
      json.put("code_entry", codeEntry(engine, templates));
      json.put("import", importCodes(engine, templates, importCodes));
      json.put("grant", grant(engine, templates, grantUsers, grantCodes));
      if (recount) {
        json.put("recount", recount(opened.store, engine, templates, grantUsers));
      }
      System.out.println(toJson(json));
    }
  }

  private static TemplateSpec.Builder spec(String name, int perUser) {
    return TemplateSpec.builder().name(name).category(CouponCategory.DIRECT).productLine("shop")
        .perUserLimit(perUser).validity(Validity.rolling(Duration.ofDays(30)))
        .discount(Discount.amountOff(new BigDecimal("10.00")));
  }

  private static Template ready(CouponEngine engine, TemplateSpec spec) {
    return engine.generation(engine.createTemplate(spec).id()).join();
  }

  /** 1,200 users enter WELCOME10 from 8 threads; 1,000 uses exist. */
  private static Map<String, Object> sharedCode(CouponEngine engine, List<Template> templates) throws Exception {
    Template t = ready(engine, spec("Welcome 10 off", 1).totalCount(SHARED_USES).sharedCode("WELCOME10").build());
    templates.add(t);
    Map<ClaimOutcome, AtomicLong> outcomes = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < SHARED_USERS; i++) {
        String user = "shopper-" + i;
        String typed = i % 2 == 0 ? "welcome10" : " WELCOME10 ";
        fs.add(pool.submit(() -> outcomes.computeIfAbsent(engine.claimByCode(user, typed, "signup").outcome(),
            o -> new AtomicLong()).incrementAndGet()));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    ClaimOutcome retried = engine.claimByCode("shopper-0", "WELCOME10", "signup").outcome();
    ClaimOutcome twice = engine.claimByCode("shopper-0", "WELCOME10", "second-try").outcome();
    System.out.printf("shared code WELCOME10 (%,d uses), %,d shoppers: %s; a retried request: %s; a second "
        + "coupon: %s%n", SHARED_USES, SHARED_USERS, outcomes, retried, twice);
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("claimed", count(outcomes, ClaimOutcome.CLAIMED));
    m.put("sold_out", count(outcomes, ClaimOutcome.SOLD_OUT));
    m.put("retry", retried.name());
    m.put("second_coupon", twice.name());
    return m;
  }

  /** Printed cards: the operator exports them; alice enters one, bob the same one, then a typo, then his own. */
  private static Map<String, Object> codeEntry(CouponEngine engine, List<Template> templates) throws Exception {
    Template t = ready(engine, spec("Gift card 10 off", 2).totalCount(100)
        .distribution(Distribution.CODE_ENTRY).build());
    templates.add(t);
    StringWriter csv = new StringWriter();
    long printed = engine.exportCodes(t.id(), csv);
    String[] cards = csv.toString().split("\n");
    String typedByAlice = cards[0].toLowerCase(Locale.ROOT).replace("-", "");
    ClaimResult alice = engine.claimByCode("alice", typedByAlice, "card-1");
    ClaimResult bob = engine.claimByCode("bob", cards[0], "card-1");
    String typo = cards[1].substring(0, cards[1].length() - 1)
        + (cards[1].endsWith("A") ? "B" : "A");
    String typoAnswer;
    try {
      typoAnswer = engine.claimByCode("bob", typo, "card-2").outcome().name();
    } catch (CouponException e) {
      typoAnswer = e.code().name();
    }
    ClaimResult bobOwn = engine.claimByCode("bob", cards[1], "card-3");
    ClaimOutcome claimAnswer = engine.claim(new ClaimRequest("carol", t.id(), "k")).outcome();
    System.out.printf("code entry: %d cards exported; alice types %s: %s; bob enters the same card: %s; bob's "
        + "typo: %s; bob's own card: %s; a plain claim: %s%n", printed, typedByAlice, alice.outcome(),
        bob.outcome(), typoAnswer, bobOwn.outcome(), claimAnswer);
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("exported", printed);
    m.put("alice", alice.outcome().name());
    m.put("bob_same_card", bob.outcome().name());
    m.put("typo", typoAnswer);
    m.put("bob_own_card", bobOwn.outcome().name());
    m.put("plain_claim", claimAnswer.name());
    return m;
  }

  /** A partner's file: every 100th line repeats the one before, every 1,000th is broken. Imported twice. */
  private static Map<String, Object> importCodes(CouponEngine engine, List<Template> templates, int n) {
    Template t = ready(engine, spec("Partner codes", 1)
        .externalCodes(CodeRules.of(PARTNER_ALPHABET, 10, 10)).build());
    templates.add(t);
    Iterable<String> file = () -> IntStream.range(0, n).mapToObj(DistributionDemo::partnerLine).iterator();
    long t0 = System.nanoTime();
    ImportReport first = engine.importCodes(t.id(), file);
    double seconds = (System.nanoTime() - t0) / 1e9;
    ImportReport again = engine.importCodes(t.id(), file);
    ClaimResult claim = engine.claim(new ClaimRequest("dave", t.id(), "k"));
    System.out.printf("import: %,d lines in %.2f s (%,.0f codes/s): %,d imported, %,d repeats, %,d invalid (%s); "
        + "again: %,d imported, %,d already present; dave claims %s%n", first.read(), seconds,
        first.read() / seconds, first.imported(), first.duplicates(), first.invalid(),
        first.invalidReasons().isEmpty() ? "-" : first.invalidReasons().get(0), again.imported(),
        again.alreadyPresent(), claim.coupon().map(Coupon::code).orElse(claim.outcome().name()));
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("read", first.read());
    m.put("imported", first.imported());
    m.put("duplicates", first.duplicates());
    m.put("invalid", first.invalid());
    m.put("codes_per_sec", Math.round(first.read() / seconds));
    m.put("reimported", again.imported());
    m.put("already_present", again.alreadyPresent());
    return m;
  }

  /** The partner's line {@code i}: ten characters of the alphabet, from a bijection of {@code i}. */
  static String partnerLine(int i) {
    if (i % 1_000 == 999) {
      return "BROKEN-" + i;
    }
    long v = i % 100 == 99 ? i - 1 : i;
    long mask = (1L << 45) - 1; // nine characters of 5 bits
    long mixed = (v * 0x9E3779B97F4A7C15L) & mask; // an odd multiplier is a bijection modulo 2^45
    mixed ^= mixed >>> 23; // so is this xorshift: distinct lines give distinct codes
    StringBuilder sb = new StringBuilder("P");
    for (int k = 0; k < 9; k++) {
      sb.append(PARTNER_ALPHABET.charAt((int) (mixed & 31)));
      mixed >>>= 5;
    }
    return sb.toString();
  }

  /** An operator grants a coupon to every listed user; the run is repeated, as after a crash. */
  private static Map<String, Object> grant(CouponEngine engine, List<Template> templates, int users, int codes) {
    Template t = ready(engine, spec("Loyalty gift", 1).totalCount(Math.max(1, codes)).build());
    templates.add(t);
    Iterable<String> list = () -> IntStream.range(0, users).mapToObj(i -> "member-" + i).iterator();
    long t0 = System.nanoTime();
    GrantReport first = engine.grant(t.id(), "loyalty-2026-11", list).join();
    double seconds = (System.nanoTime() - t0) / 1e9;
    GrantReport again = engine.grant(t.id(), "loyalty-2026-11", list).join();
    System.out.printf("grant to %,d users (%,d coupons) in %.2f s (%,.0f users/s): %,d granted, %,d sold out; "
        + "run again: %,d granted, %,d already granted%n", users, codes, seconds, users / seconds,
        first.granted(), first.soldOut(), again.granted(), again.alreadyGranted());
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("users", users);
    m.put("granted", first.granted());
    m.put("sold_out", first.soldOut());
    m.put("users_per_sec", Math.round(users / seconds));
    m.put("rerun_granted", again.granted());
    m.put("rerun_already_granted", again.alreadyGranted());
    return m;
  }

  /** Reads back every user's coupons of the four templates: counts, codes held twice, users over the limit. */
  private static Map<String, Object> recount(CouponStore store, CouponEngine engine, List<Template> templates,
      int grantUsers) throws Exception {
    List<String> users = new ArrayList<>();
    IntStream.range(0, SHARED_USERS).forEach(i -> users.add("shopper-" + i));
    users.addAll(List.of("alice", "bob", "carol", "dave"));
    IntStream.range(0, grantUsers).forEach(i -> users.add("member-" + i));
    Set<String> ids = new HashSet<>();
    templates.forEach(t -> ids.add(t.id()));
    Set<String> codes = ConcurrentHashMap.newKeySet();
    AtomicLong coupons = new AtomicLong();
    AtomicLong twice = new AtomicLong();
    AtomicLong overLimit = new AtomicLong();
    Map<String, Integer> limits = new HashMap<>();
    templates.forEach(t -> limits.put(t.id(), t.spec().perUserLimit()));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int from = 0; from < users.size(); from += 5_000) {
        List<String> slice = users.subList(from, Math.min(users.size(), from + 5_000));
        fs.add(pool.submit(() -> {
          for (String u : slice) {
            Map<String, Integer> held = new HashMap<>();
            for (Coupon c : store.findCouponsByUser(u)) {
              if (!ids.contains(c.templateId())) {
                continue;
              }
              coupons.incrementAndGet();
              if (!codes.add(c.code())) {
                twice.incrementAndGet();
              }
              if (held.merge(c.templateId(), 1, Integer::sum) > limits.get(c.templateId())) {
                overLimit.incrementAndGet();
              }
            }
          }
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    long issued = 0;
    for (Template t : templates) {
      issued += engine.stats(t.id()).issued();
    }
    System.out.printf("recount: %,d coupons held by %,d users (store figures: %,d issued); codes held twice: %d; "
        + "users over a limit: %d%n", coupons.get(), users.size(), issued, twice.get(), overLimit.get());
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("coupons", coupons.get());
    m.put("issued", issued);
    m.put("codes_held_twice", twice.get());
    m.put("users_over_limit", overLimit.get());
    return m;
  }

  private static long count(Map<ClaimOutcome, AtomicLong> m, ClaimOutcome o) {
    AtomicLong v = m.get(o);
    return v == null ? 0 : v.get();
  }

  private static String toJson(Map<String, Object> m) {
    StringBuilder sb = new StringBuilder("{");
    Iterator<Map.Entry<String, Object>> it = m.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Object> e = it.next();
      sb.append('"').append(e.getKey()).append("\":");
      Object v = e.getValue();
      if (v instanceof Map<?, ?> inner) {
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) inner;
        sb.append(toJson(typed));
      } else if (v instanceof Number) {
        sb.append(v);
      } else {
        sb.append('"').append(v).append('"');
      }
      if (it.hasNext()) {
        sb.append(',');
      }
    }
    return sb.append('}').toString();
  }

}
