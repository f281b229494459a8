package io.couponengine.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.OrderStatus;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.EventType;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CouponStore;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStatus;
import io.couponengine.template.Validity;
import io.couponengine.testing.CouponStoreContractTest;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract suite plus JDBC-specific tests, run against one database per subclass. Each test gets its own table
 * prefix, dropped afterwards; {@link #newStoreSharingWith} opens a separate pool to the same database, as another
 * application instance would.
 */
abstract class AbstractJdbcStoreTest extends CouponStoreContractTest {
  private final List<HikariDataSource> pools = new ArrayList<>();
  private String prefix;

  /** The database URL (the subclass has checked in {@code @BeforeAll} that there is one). */
  protected abstract String url();

  protected abstract Dialect expectedDialect();

  protected int poolSize() {
    return 12;
  }

  protected HikariDataSource newPool() {
    HikariDataSource ds = TestDatabases.pool(url(), poolSize());
    pools.add(ds);
    return ds;
  }

  @Override
  protected CouponStore newStore() {
    prefix = "ct" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL) + "_";
    JdbcCouponStore s = JdbcCouponStore.builder(newPool()).tablePrefix(prefix).build();
    s.createSchema();
    return s;
  }

  @Override
  protected CouponStore newStoreSharingWith(CouponStore store) {
    return JdbcCouponStore.builder(newPool()).tablePrefix(prefix).build();
  }

  @Override
  protected void cleanUp(CouponStore store) {
    try {
      ((JdbcCouponStore) store).dropSchema();
    } finally {
      pools.forEach(HikariDataSource::close);
      pools.clear();
    }
  }

  protected JdbcCouponStore jdbc() {
    return (JdbcCouponStore) store;
  }

  // ---- JDBC-specific -------------------------------------------------------------------------------------------

  protected int userCount(String templateId, String userId) throws SQLException {
    try (Connection c = jdbc().dataSource().getConnection();
         PreparedStatement ps = c.prepareStatement(
             "SELECT claimed FROM " + jdbc().tablePrefix() + "user_claims WHERE template_id = ? AND user_id = ?")) {
      ps.setString(1, templateId);
      ps.setString(2, userId);
      try (ResultSet rs = ps.executeQuery()) {
        int n = rs.next() ? rs.getInt(1) : 0;
        c.rollback();
        return n;
      }
    }
  }

  @Test
  void dialect_isDetected() {
    assertThat(jdbc().dialect()).isEqualTo(expectedDialect());
  }

  static final List<String> NASTY = List.of("'; DROP TABLE x; --", "/* */", "a'b\"c;--d", "\\'; --",
      "x /* y */ z", "trailing ", "UPPER", "upper");

  @Test
  void badInput_isStoredAndReadBackVerbatim() {
    TemplateSpec spec = TemplateSpec.builder()
        .name("'; DROP TABLE x; -- /* */")
        .category(CouponCategory.THRESHOLD)
        .productLine("mall")
        .totalCount(20)
        .perUserLimit(100)
        .validity(Validity.rolling(Duration.ofDays(7)))
        .discount(Discount.threshold(new BigDecimal("100.00"), new BigDecimal("20.00")))
        .scope(Scope.goodsTypes("digital", "books"))
        .build();
    Template t = new Template("NASTY2", spec, TemplateStatus.AVAILABLE, T0, "it's /* broken */ --");
    assertThat(store.insertTemplate(t)).isTrue();
    assertThat(store.findTemplate("NASTY2")).contains(t);
    assertThat(store.appendCodes(t.id(), 0, NASTY)).isEqualTo(NASTY.size());
    List<Coupon> issued = new ArrayList<>();
    for (int i = 0; i < NASTY.size(); i++) {
      String user = NASTY.get(i);
      String key = NASTY.get((i + 1) % NASTY.size());
      ClaimResult r = store.claim(new ClaimCommand(t.id(), user, key, "id-" + user, 100, T0, T0.plusSeconds(60)));
      assertThat(r.outcome()).as(user).isEqualTo(ClaimOutcome.CLAIMED);
      issued.add(r.couponOrNull());
      ClaimResult again = store.claim(new ClaimCommand(t.id(), user, key, "other", 100, T0, T0.plusSeconds(60)));
      assertThat(again.outcome()).isEqualTo(ClaimOutcome.DUPLICATE);
      assertThat(again.couponOrNull()).isEqualTo(r.couponOrNull());
    }
    for (Coupon c : issued) {
      assertThat(store.findCouponsByUser(c.userId())).containsExactly(c);
      assertThat(store.findCouponByCode(c.code())).contains(c);
      assertThat(NASTY).contains(c.code());
    }
    assertThat(issued).extracting(Coupon::code).containsExactlyInAnyOrderElementsOf(NASTY);
    assertThat(store.findCouponsByUser("'; DROP TABLE x; -- ")).isEmpty();
    assertThat(store.remainingCodes(t.id())).isZero();
  }

  @Test
  void eventApplier_sameEventTwice_changesOnce() throws SQLException {
    JdbcEventApplier applier = new JdbcEventApplier(jdbc());
    Coupon c = new Coupon("ev-1", "EVCODE-1", "EVTPL1", "u'; --", T0, T0.plus(Duration.ofDays(7)),
        CouponStatus.USABLE, null);
    CouponEvent claimed = CouponEvent.ofCoupon(EventType.CLAIMED, T0, c);
    assertThat(applier.apply(claimed)).isTrue();
    assertThat(applier.apply(claimed)).isFalse();
    applier.onEvent(claimed);
    assertThat(store.findCouponsByUser("u'; --")).containsExactly(c);

    Coupon reserved = c.withStatus(CouponStatus.RESERVED, "o-1");
    CouponEvent res = CouponEvent.ofOrder(EventType.RESERVED, T0.plusSeconds(1), "o-1", c.userId(),
        List.of(reserved));
    assertThat(applier.apply(res)).isTrue();
    assertThat(applier.apply(res)).isFalse();
    assertThat(store.findCouponByCode(c.code())).contains(reserved);

    Coupon used = c.withStatus(CouponStatus.USED, "o-1");
    CouponEvent committed = CouponEvent.ofOrder(EventType.COMMITTED, T0.plusSeconds(2), "o-1", c.userId(),
        List.of(used));
    assertThat(applier.apply(committed)).isTrue();
    // a late redelivery of RESERVED must not move the coupon back
    assertThat(applier.apply(res)).isFalse();
    assertThat(applier.apply(committed)).isFalse();
    assertThat(store.findCouponByCode(c.code())).contains(used);
    assertThat(store.commit("o-1", T0.plusSeconds(3)).orderStatus()).isEqualTo(OrderStatus.COMMITTED);
    assertThat(store.commit("o-1", T0.plusSeconds(3)).replayed()).isTrue();

    Coupon other = new Coupon("ev-2", "EVCODE-2", "EVTPL1", "u'; --", T0, T0.plusSeconds(5), CouponStatus.USABLE,
        null);
    applier.apply(CouponEvent.ofCoupon(EventType.CLAIMED, T0, other));
    CouponEvent expired = CouponEvent.ofCoupon(EventType.EXPIRED, T0.plusSeconds(5),
        other.withStatus(CouponStatus.EXPIRED, null));
    assertThat(applier.apply(expired)).isTrue();
    assertThat(applier.apply(expired)).isFalse();
    assertThat(store.findCouponsByUser("u'; --")).containsExactly(used, other.withStatus(CouponStatus.EXPIRED, null));
    // the user's counter saw two claims, once each
    assertThat(userCount("EVTPL1", "u'; --")).isEqualTo(2);
  }
}
