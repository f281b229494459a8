package io.couponengine.jdbc;

import static io.couponengine.jdbc.Jdbc.batch;
import static io.couponengine.jdbc.Jdbc.query;
import static io.couponengine.jdbc.Jdbc.queryOne;
import static io.couponengine.jdbc.Jdbc.update;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.OrderStatus;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.error.CouponException;
import io.couponengine.spi.ReserveCommand;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Orders: reserve, commit and release their coupons, find stale reservations; order rows for applied events. A priced
 * reservation's savings live in {@code order_codes.saving} (NUMERIC(19,2), NULL when reserved without a cart) and come
 * back in every success result of the order.
 */
final class Orders {
  /** The scale of {@code order_codes.saving}. */
  static final int SAVING_SCALE = 2;
  /** The precision of {@code order_codes.saving}. */
  static final int SAVING_PRECISION = 19;

  private final Tx tx;
  private final Sql sql;
  private final Coupons coupons;
  private final Stats stats;

  Orders(Tables tables, Coupons coupons, Stats stats) {
    this.stats = stats;
    this.tx = tables.tx();
    this.sql = tables.sql();
    this.coupons = coupons;
  }

  /**
   * An order row, its codes in reservation order and what each saves (code → amount in code order; empty when the
   * order was reserved without a cart).
   */
  record OrderRow(String userId, OrderStatus status, List<String> codes, Map<String, BigDecimal> savings) {}

  RedemptionResult reserve(ReserveCommand cmd) {
    Map<String, BigDecimal> savings = storedSavings(cmd.codes(), cmd.savings());
    return tx.run("reserve", c -> {
      try {
        return reserveOnce(c, cmd, savings);
      } catch (SQLException e) {
        if (!SqlErrors.isUniqueViolation(e)) {
          throw e;
        }
        // a concurrent reserve of the same order id committed first: answer as a repeat of it
        c.rollback();
        return reserveOnce(c, cmd, savings);
      }
    });
  }

  /**
   * The command's savings in its code order at the column's scale, so the reserve answers what every later result
   * reads back; empty when unpriced.
   *
   * @throws CouponException INVALID_ARGUMENT naming {@code savings[code]} for an amount the NUMERIC(19,2) column
   *     cannot hold exactly (more than 2 decimals that are not zeros, or 10^17 and more), instead of letting the
   *     database round it (PostgreSQL, MariaDB) or refuse it (H2)
   */
  static Map<String, BigDecimal> storedSavings(List<String> codes, Map<String, BigDecimal> savings) {
    if (savings.isEmpty()) {
      return Map.of();
    }
    Map<String, BigDecimal> out = new LinkedHashMap<>();
    for (String code : codes) {
      BigDecimal v = savings.get(code);
      BigDecimal stored;
      try {
        stored = v.setScale(SAVING_SCALE, RoundingMode.UNNECESSARY);
      } catch (ArithmeticException e) {
        throw CouponException.invalidField("savings[" + code + "]", "must have at most %d decimals but was %s",
            SAVING_SCALE, v.toPlainString());
      }
      if (stored.precision() > SAVING_PRECISION) {
        throw CouponException.invalidField("savings[" + code + "]", "must be below 10^%d but was %s",
            SAVING_PRECISION - SAVING_SCALE, v.toPlainString());
      }
      out.put(code, stored);
    }
    return Collections.unmodifiableMap(out);
  }

  private RedemptionResult reserveOnce(Connection c, ReserveCommand cmd, Map<String, BigDecimal> savings)
      throws SQLException {
    List<String> sorted = new ArrayList<>(cmd.codes());
    Collections.sort(sorted); // lock in one order everywhere
    Map<String, Coupon> byCode = new HashMap<>();
    for (Coupon x : coupons.byCodes(c, sorted, true)) {
      byCode.put(x.code(), x);
    }
    // read the order only once the coupons are locked: an identical reserve that held those locks has committed
    // by now, so its order is seen here and this call answers as its replay rather than refusing the coupons
    // that reserve just took
    OrderRow existing = find(c, cmd.orderId(), false);
    if (existing != null) {
      if (existing.status == OrderStatus.RESERVED && existing.userId.equals(cmd.userId())
          && new HashSet<>(existing.codes).equals(new HashSet<>(cmd.codes()))) {
        return RedemptionResult.success(RedemptionOutcome.RESERVED, cmd.orderId(), existing.status,
            coupons.byCodes(c, existing.codes, false), true, existing.savings);
      }
      return RedemptionResult.refused(RedemptionOutcome.ORDER_CONFLICT, cmd.orderId(), existing.status, null);
    }
    for (String code : cmd.codes()) {
      Coupon x = byCode.get(code);
      RedemptionOutcome refusal = null;
      if (x == null) {
        refusal = RedemptionOutcome.UNKNOWN_CODE;
      } else if (!x.userId().equals(cmd.userId())) {
        refusal = RedemptionOutcome.NOT_OWNER;
      } else if (x.status() == CouponStatus.EXPIRED
          || (x.status() == CouponStatus.USABLE && !cmd.now().isBefore(x.expiresAt()))) {
        refusal = RedemptionOutcome.EXPIRED;
      } else if (x.status() == CouponStatus.USABLE && x.validFrom() != null && cmd.now().isBefore(x.validFrom())) {
        refusal = RedemptionOutcome.NOT_YET_VALID;
      } else if (x.status() != CouponStatus.USABLE) {
        refusal = RedemptionOutcome.NOT_USABLE;
      }
      if (refusal != null) {
        c.rollback();
        return RedemptionResult.refused(refusal, cmd.orderId(), null, code);
      }
    }
    insert(c, cmd.orderId(), cmd.userId(), OrderStatus.RESERVED, cmd.reservedUntil(), cmd.now(), cmd.codes(),
        savings);
    List<Coupon> reserved = new ArrayList<>();
    for (String code : cmd.codes()) {
      reserved.add(byCode.get(code).withStatus(CouponStatus.RESERVED, cmd.orderId()));
    }
    coupons.writeStates(c, reserved);
    Stats.Deltas d = new Stats.Deltas();
    for (Coupon x : reserved) {
      d.move(x, CouponStatus.USABLE, CouponStatus.RESERVED, null);
    }
    stats.apply(c, d);
    return RedemptionResult.success(RedemptionOutcome.RESERVED, cmd.orderId(), OrderStatus.RESERVED, reserved,
        false, savings);
  }

  /**
   * RESERVED → COMMITTED; COMMITTED replays; a RELEASED order (a late payment) is committed again when every one of
   * its coupons, locked, is still USABLE by the order's user and inside its window, else ORDER_EXPIRED; REVERTED
   * answers ORDER_CONFLICT.
   */
  RedemptionResult commit(String orderId, Instant now) {
    return tx.run("commit", c -> {
      OrderRow order = find(c, orderId, true);
      if (order == null) {
        return RedemptionResult.refused(RedemptionOutcome.ORDER_NOT_FOUND, orderId, null, null);
      }
      return switch (order.status) {
        case COMMITTED -> replay(c, RedemptionOutcome.COMMITTED, orderId, order);
        case RESERVED -> move(c, order, orderId, locked(c, order), OrderStatus.COMMITTED,
            RedemptionOutcome.COMMITTED, now);
        case RELEASED -> {
          // a late payment: the coupons are locked before they are judged, so a reserve of another order or a
          // sweep that held one has committed by then and is seen
          List<Coupon> current = locked(c, order);
          if (!allUsable(current, order, now)) {
            yield RedemptionResult.refused(RedemptionOutcome.ORDER_EXPIRED, orderId, order.status, null);
          }
          yield move(c, order, orderId, current, OrderStatus.COMMITTED, RedemptionOutcome.COMMITTED, now);
        }
        case REVERTED -> RedemptionResult.refused(RedemptionOutcome.ORDER_CONFLICT, orderId, order.status, null);
      };
    });
  }

  /** RESERVED → RELEASED; RELEASED replays; COMMITTED and REVERTED answer ORDER_CONFLICT. */
  RedemptionResult release(String orderId, Instant now) {
    return tx.run("release", c -> {
      OrderRow order = find(c, orderId, true);
      if (order == null) {
        return RedemptionResult.refused(RedemptionOutcome.ORDER_NOT_FOUND, orderId, null, null);
      }
      return switch (order.status) {
        case RELEASED -> replay(c, RedemptionOutcome.RELEASED, orderId, order);
        case RESERVED -> move(c, order, orderId, locked(c, order), OrderStatus.RELEASED, RedemptionOutcome.RELEASED,
            now);
        case COMMITTED, REVERTED -> RedemptionResult.refused(RedemptionOutcome.ORDER_CONFLICT, orderId,
            order.status, null);
      };
    });
  }

  /**
   * COMMITTED → REVERTED, its coupons USABLE again (EXPIRED from their {@code expiresAt} on); REVERTED replays;
   * RESERVED and RELEASED answer NOT_COMMITTED. The user's claim counter is left as it is.
   */
  RedemptionResult revert(String orderId, Instant now) {
    return tx.run("revert", c -> {
      OrderRow order = find(c, orderId, true);
      if (order == null) {
        return RedemptionResult.refused(RedemptionOutcome.ORDER_NOT_FOUND, orderId, null, null);
      }
      return switch (order.status) {
        case REVERTED -> replay(c, RedemptionOutcome.REVERTED, orderId, order);
        case COMMITTED -> move(c, order, orderId, locked(c, order), OrderStatus.REVERTED, RedemptionOutcome.REVERTED,
            now);
        case RESERVED, RELEASED -> RedemptionResult.refused(RedemptionOutcome.NOT_COMMITTED, orderId, order.status,
            null);
      };
    });
  }

  private RedemptionResult replay(Connection c, RedemptionOutcome outcome, String orderId, OrderRow order)
      throws SQLException {
    return RedemptionResult.success(outcome, orderId, order.status, coupons.byCodes(c, order.codes, false), true,
        order.savings);
  }

  /** Whether every code of the order is a coupon USABLE now by the order's user (not expired, window started). */
  private static boolean allUsable(List<Coupon> current, OrderRow order, Instant now) {
    if (current.size() != new HashSet<>(order.codes).size()) {
      return false; // a code no longer has a coupon
    }
    for (Coupon x : current) {
      if (!x.userId().equals(order.userId) || x.statusAt(now) != CouponStatus.USABLE) {
        return false;
      }
    }
    return true;
  }

  /** The order's coupons in its code order, locked in code order (as reserve locks them: no deadlock). */
  private List<Coupon> locked(Connection c, OrderRow order) throws SQLException {
    return coupons.byCodes(c, order.codes, true);
  }

  /** Moves the order's coupons (locked by the caller) and the order to {@code target}; answers its savings. */
  private RedemptionResult move(Connection c, OrderRow order, String orderId, List<Coupon> current,
      OrderStatus target, RedemptionOutcome success, Instant now) throws SQLException {
    List<Coupon> changed = new ArrayList<>(current.size());
    for (Coupon x : current) {
      changed.add(switch (target) {
        case COMMITTED -> x.withStatus(CouponStatus.USED, orderId);
        case RELEASED -> x.withStatus(CouponStatus.USABLE, null);
        case REVERTED -> x.withStatus(now.isBefore(x.expiresAt()) ? CouponStatus.USABLE : CouponStatus.EXPIRED,
            null);
        case RESERVED -> throw new IllegalStateException("an order is never moved back to RESERVED");
      });
    }
    coupons.writeStates(c, changed);
    setStatus(c, orderId, target, now);
    // the figures move with each coupon; a commit adds the order's savings, a revert takes them off
    Stats.Deltas d = new Stats.Deltas();
    for (int i = 0; i < current.size(); i++) {
      Coupon x = current.get(i);
      d.move(x, x.status(), changed.get(i).status(), order.savings.get(x.code()));
    }
    stats.apply(c, d);
    return RedemptionResult.success(success, orderId, target, changed, false, order.savings);
  }

  List<String> findStale(Instant now, int limit) {
    return tx.run("find stale reservations",
        c -> query(c, sql.staleOrders, rs -> rs.getString(1), Micros.of(now), limit));
  }

  /**
   * Inserts the order and its codes, each with its saving from {@code savings} (already at the column's scale, see
   * {@link #storedSavings}), or NULL when it has none there.
   */
  void insert(Connection c, String orderId, String userId, OrderStatus status, Instant reservedUntil,
      Instant now, List<String> codes, Map<String, BigDecimal> savings) throws SQLException {
    update(c, sql.insertOrder, orderId, userId, status.name(), Micros.of(reservedUntil), Micros.of(now));
    batch(c, sql.insertOrderCode, codes.size(), i -> {
      BigDecimal saving = savings.get(codes.get(i));
      return new Object[] {orderId, i, codes.get(i), saving != null ? saving : Jdbc.NULL_DECIMAL};
    });
  }

  void setStatus(Connection c, String orderId, OrderStatus status, Instant now) throws SQLException {
    update(c, sql.setOrderStatus, status.name(), Micros.of(now), orderId);
  }

  OrderRow find(Connection c, String orderId, boolean lock) throws SQLException {
    OrderRow order = queryOne(c, lock ? sql.lockOrder : sql.findOrder,
        rs -> new OrderRow(rs.getString(1), OrderStatus.valueOf(rs.getString(2)), List.of(), Map.of()), orderId);
    if (order == null) {
      return null;
    }
    List<String> codes = new ArrayList<>();
    Map<String, BigDecimal> savings = new LinkedHashMap<>();
    query(c, sql.orderCodes, rs -> {
      String code = rs.getString(1);
      BigDecimal saving = rs.getBigDecimal(2); // NULL: reserved without a cart (or before schema 0.2)
      codes.add(code);
      if (saving != null) {
        savings.put(code, saving.setScale(SAVING_SCALE, RoundingMode.UNNECESSARY));
      }
      return code;
    }, orderId);
    return new OrderRow(order.userId, order.status, List.copyOf(codes), Collections.unmodifiableMap(savings));
  }
}
