package io.couponengine.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.couponengine.CouponEngine;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimRequest;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.OrderStatus;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.internal.Json;
import io.couponengine.settlement.Cart;
import io.couponengine.settlement.CartLine;
import io.couponengine.settlement.PricedReservation;
import io.couponengine.spi.ReserveCommand;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStats;
import io.couponengine.testing.MutableClock;
import io.couponengine.testing.Specs;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * How the Redis store keeps a priced reservation's savings: the order's field {@code v} (code → plain decimal
 * string), written only for a priced reservation, and orders stored before it existed (no {@code v}), which read
 * as empty savings. The contract suite covers the behaviour every store shares.
 */
class RedisPricedOrderTest {
  static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

  MutableClock clock;
  UnifiedJedis jedis;
  String prefix;
  RedisCouponStore store;
  CouponEngine engine;

  @BeforeEach
  void setUp() {
    clock = new MutableClock(T0);
    jedis = TestRedis.newClient();
    prefix = TestRedis.uniquePrefix();
    store = new RedisCouponStore(jedis, prefix);
    engine = CouponEngine.builder().store(store).clock(clock).executor(Runnable::run).build();
  }

  @AfterEach
  void tearDown() {
    try {
      engine.close();
      TestRedis.deleteKeys(TestRedis.target(), prefix);
    } finally {
      jedis.close();
    }
  }

  private Template ready() {
    return engine.generation(engine.createTemplate(Specs.threshold(10, 5)).id()).join();
  }

  private Coupon claim(Template t, String user, String key) {
    ClaimResult r = engine.claim(new ClaimRequest(user, t.id(), key));
    assertThat(r.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    return r.coupon().orElseThrow();
  }

  private static Cart books(String user, String price) {
    return new Cart(user, List.of(new CartLine("novel", "books", null, new BigDecimal(price), 1)));
  }

  private String storedOrder(String user, String orderId) {
    return jedis.hget(store.keys().orders(Keys.bucket(user)), orderId);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> storedOrderFields(String user, String orderId) {
    return Json.read(storedOrder(user, orderId), Map.class);
  }

  @Test
  void pricedOrder_storesEachSavingAsAString_unpricedOrderStaysWithoutV() {
    Template t = ready();
    Coupon c = claim(t, "u1", "k1");
    Coupon d = claim(t, "u1", "k2");
    PricedReservation p = engine.reserve(books("u1", "120.00"), "priced", List.of(c.code()));
    assertThat(p.reservation().outcome()).isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(storedOrderFields("u1", "priced")).containsOnlyKeys("u", "s", "c", "v");
    assertThat(storedOrderFields("u1", "priced").get("v")).isEqualTo(Map.of(c.code(), "20.00"));

    assertThat(engine.reserve("u1", "plain", List.of(d.code())).savings()).isEmpty();
    assertThat(storedOrderFields("u1", "plain")).containsOnlyKeys("u", "s", "c");

    // v survives the order's moves untouched
    assertThat(engine.commit("priced").savings()).containsExactly(Map.entry(c.code(), new BigDecimal("20.00")));
    assertThat(storedOrderFields("u1", "priced").get("v")).isEqualTo(Map.of(c.code(), "20.00"));
    assertThat(storedOrderFields("u1", "priced").get("s")).isEqualTo("COMMITTED");
  }

  @Test
  void savings_comeBackExactly_neverThroughADouble_inTheCodesOrder() {
    Template t = ready();
    Coupon a = claim(t, "u1", "k1");
    Coupon b = claim(t, "u1", "k2");
    Coupon c = claim(t, "u1", "k3");
    // amounts a double cannot hold; the map given in another order than the codes
    Map<String, BigDecimal> savings = Map.of(
        a.code(), new BigDecimal("12345678901234567.89"),
        b.code(), new BigDecimal("0.10"),
        c.code(), new BigDecimal("0.00"));
    List<String> codes = List.of(c.code(), a.code(), b.code());
    RedemptionResult r = store.reserve(new ReserveCommand("u1", "exact", codes, T0, T0.plusSeconds(900), savings));
    assertThat(r.outcome()).isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(r.savings()).containsExactly(Map.entry(c.code(), new BigDecimal("0.00")),
        Map.entry(a.code(), new BigDecimal("12345678901234567.89")), Map.entry(b.code(), new BigDecimal("0.10")));
    RedemptionResult released = store.release("exact", T0.plusSeconds(1));
    assertThat(released.savings()).isEqualTo(r.savings());
    assertThat(released.savings().get(b.code()).scale()).isEqualTo(2);
    assertThat(store.release("exact", T0.plusSeconds(2)).savings()).isEqualTo(r.savings());
    // a late commit of the released order keeps them too
    RedemptionResult late = store.commit("exact", T0.plusSeconds(3));
    assertThat(late.outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
    assertThat(late.savings()).isEqualTo(r.savings());
  }

  @Test
  void anOrderStoredBeforeSavings_withoutV_stillCommitsAndRevertsWithEmptySavings() {
    Template t = ready();
    Coupon c = claim(t, "u1", "k1");
    Coupon d = claim(t, "u1", "k2");
    engine.reserve(books("u1", "120.00"), "old", List.of(c.code()));
    engine.reserve(books("u1", "120.00"), "old-2", List.of(d.code()));
    // as the reserve script wrote orders before savings were kept: {u, s, c}, nothing else
    String old = "{\"u\":\"u1\",\"s\":\"RESERVED\",\"c\":[\"" + c.code() + "\"]}";
    String old2 = "{\"u\":\"u1\",\"s\":\"RESERVED\",\"c\":[\"" + d.code() + "\"]}";
    jedis.hset(store.keys().orders(Keys.bucket("u1")), "old", old);
    jedis.hset(store.keys().orders(Keys.bucket("u1")), "old-2", old2);

    RedemptionResult replayed = engine.reserve("u1", "old", List.of(c.code()));
    assertThat(replayed.outcome()).isEqualTo(RedemptionOutcome.RESERVED);
    assertThat(replayed.replayed()).isTrue();
    assertThat(replayed.savings()).isEmpty();

    RedemptionResult committed = engine.commit("old");
    assertThat(committed.outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
    assertThat(committed.orderStatus()).isEqualTo(OrderStatus.COMMITTED);
    assertThat(committed.coupons()).singleElement().satisfies(x -> {
      assertThat(x.status()).isEqualTo(CouponStatus.USED);
      assertThat(x.orderId()).isEqualTo("old");
    });
    assertThat(committed.savings()).isEmpty();
    assertThat(engine.commit("old").replayed()).isTrue();
    assertThat(engine.commit("old").savings()).isEmpty();
    assertThat(storedOrderFields("u1", "old")).containsOnlyKeys("u", "s", "c");

    RedemptionResult reverted = engine.revert("old");
    assertThat(reverted.outcome()).isEqualTo(RedemptionOutcome.REVERTED);
    assertThat(reverted.savings()).isEmpty();
    assertThat(engine.revert("old").savings()).isEmpty();
    assertThat(store.findCouponByCode(c.code()).orElseThrow().status()).isEqualTo(CouponStatus.USABLE);

    // released, then a late payment, without v
    assertThat(engine.release("old-2").savings()).isEmpty();
    assertThat(engine.release("old-2").savings()).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    RedemptionResult late = engine.commit("old-2");
    assertThat(late.outcome()).isEqualTo(RedemptionOutcome.COMMITTED);
    assertThat(late.savings()).isEmpty();
    assertThat(storedOrderFields("u1", "old-2")).containsOnlyKeys("u", "s", "c");
  }

  @Test
  void stats_keepTheDiscountAsIntegers_hundredthsAndTheRestIn1e8_exactlyThroughCommitAndRevert() {
    Template t = ready();
    Coupon a = claim(t, "u1", "k1");
    Coupon b = claim(t, "u1", "k2");
    Coupon c = claim(t, "u1", "k3");
    // a double cannot hold the first; the second has decimals past the cents (a policy of scale 8)
    Map<String, BigDecimal> savings = Map.of(
        a.code(), new BigDecimal("12345678901234567.89"),
        b.code(), new BigDecimal("0.12345678"),
        c.code(), new BigDecimal("0.00"));
    List<String> codes = List.of(a.code(), b.code(), c.code());
    store.reserve(new ReserveCommand("u1", "exact", codes, T0, T0.plusSeconds(900), savings));
    assertThat(store.stats(t.id()).orElseThrow().reserved()).isEqualTo(3);
    store.commit("exact", T0.plusSeconds(1));
    TemplateStats s = store.stats(t.id()).orElseThrow();
    assertThat(s.reserved()).isZero();
    assertThat(s.used()).isEqualTo(3);
    assertThat(s.discountGiven()).isEqualByComparingTo("12345678901234568.01345678");
    String stats = store.keys().stats(Keys.bucket("u1"));
    assertThat(jedis.hget(stats, t.id() + ":d")).isEqualTo("1234567890123456801");
    assertThat(jedis.hget(stats, t.id() + ":f")).isEqualTo("345678");
    assertThat(jedis.hget(stats, t.id() + ":u")).isEqualTo("3");

    store.revert("exact", T0.plusSeconds(2));
    s = store.stats(t.id()).orElseThrow();
    assertThat(s.used()).isZero();
    assertThat(s.expired()).isZero();
    assertThat(s.discountGiven()).isEqualByComparingTo("0");
    assertThat(s.discountGiven().scale()).isEqualTo(2);
    assertThat(jedis.hget(stats, t.id() + ":d")).isEqualTo("0");
    assertThat(jedis.hget(stats, t.id() + ":f")).isEqualTo("0");
  }
}
