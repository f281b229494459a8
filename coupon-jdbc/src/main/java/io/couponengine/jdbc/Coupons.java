package io.couponengine.jdbc;

import static io.couponengine.jdbc.Jdbc.batch;
import static io.couponengine.jdbc.Jdbc.query;
import static io.couponengine.jdbc.Jdbc.queryOne;
import static io.couponengine.jdbc.Jdbc.update;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Coupon rows: look-ups, expiry, and the inserts and state writes claims, orders and applied events share. */
final class Coupons {
  private final Tx tx;
  private final Sql sql;
  private final Dialect dialect;
  private final String prefix;
  private final Stats stats;

  Coupons(Tables tables, Stats stats) {
    this.stats = stats;
    this.tx = tables.tx();
    this.sql = tables.sql();
    this.dialect = tables.dialect();
    this.prefix = tables.prefix();
  }

  List<Coupon> byUser(String userId) {
    return tx.run("find coupons", c -> query(c, sql.couponsByUser, Rows::coupon, userId));
  }

  Optional<Coupon> byCode(String code) {
    return tx.run("find coupon", c -> Optional.ofNullable(queryOne(c, sql.couponByCode, Rows::coupon, code)));
  }

  Optional<Coupon> expire(Coupon coupon, Instant now) {
    String couponId = coupon.id();
    return tx.run("expire coupon", c -> {
      if (update(c, sql.expireOne, couponId, Micros.of(now)) != 1) {
        return Optional.<Coupon>empty();
      }
      Coupon expired = query(c, sql.couponById, Rows::coupon, couponId).get(0);
      countExpired(c, List.of(expired));
      return Optional.of(expired);
    });
  }

  List<Coupon> expireDue(Instant now, int limit) {
    return tx.run("expire coupons", c -> {
      if (dialect == Dialect.POSTGRESQL) {
        List<Coupon> expired = query(c, sql.expireDuePg, Rows::coupon, Micros.of(now), limit);
        countExpired(c, expired);
        return expired;
      }
      // H2 and MariaDB: lock a batch nobody else holds, then flip it (no UPDATE ... RETURNING there)
      List<Coupon> due = query(c, sql.dueSkipLocked, Rows::coupon, Micros.of(now), limit);
      if (due.isEmpty()) {
        return due;
      }
      List<Coupon> out = new ArrayList<>(due.size());
      int[] counts = batch(c, sql.expireById, due.size(), i -> new Object[] {due.get(i).id()});
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == 1 || counts[i] == Statement.SUCCESS_NO_INFO) {
          out.add(due.get(i).withStatus(CouponStatus.EXPIRED, null));
        }
      }
      countExpired(c, out);
      return out;
    });
  }

  /** USABLE → EXPIRED for each coupon the sweep flipped, in the figures. */
  private void countExpired(Connection c, List<Coupon> expired) throws SQLException {
    Stats.Deltas d = new Stats.Deltas();
    for (Coupon x : expired) {
      d.move(x, CouponStatus.USABLE, CouponStatus.EXPIRED, null);
    }
    stats.apply(c, d);
  }

  /** Inserts a coupon row as it is, with an idempotency key or none. */
  void insert(Connection c, Coupon x, String idempotencyKey) throws SQLException {
    update(c, sql.insertCoupon, x.id(), x.code(), x.templateId(), x.userId(), idempotencyKey,
        Micros.of(x.claimedAt()), Micros.of(x.expiresAt()), x.status().name(), x.orderId(),
        Micros.ofNullable(x.validFrom()));
  }

  /** Writes the status and order of each coupon, as one batch. */
  void writeStates(Connection c, List<Coupon> coupons) throws SQLException {
    batch(c, sql.setCouponState, coupons.size(), i -> stateArgs(coupons.get(i)));
  }

  /** The parameters of {@link Sql#setCouponState} for a coupon. */
  static Object[] stateArgs(Coupon x) {
    return new Object[] {x.status().name(), x.orderId(), x.id()};
  }

  /** Coupons of the given codes, in the order of {@code codes} (missing codes are left out). */
  List<Coupon> byCodes(Connection c, List<String> codes, boolean lock) throws SQLException {
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < codes.size(); i++) {
      in.append(i == 0 ? "?" : ",?");
    }
    String query = "SELECT " + Sql.COUPON_COLUMNS + " FROM " + prefix + "coupons WHERE code IN (" + in + ")"
        + (lock ? " ORDER BY code FOR UPDATE" : "");
    Map<String, Coupon> byCode = new HashMap<>();
    for (Coupon x : query(c, query, Rows::coupon, codes.toArray())) {
      byCode.put(x.code(), x);
    }
    List<Coupon> out = new ArrayList<>(codes.size());
    for (String code : codes) {
      Coupon x = byCode.get(code);
      if (x != null) {
        out.add(x);
      }
    }
    return out;
  }
}
