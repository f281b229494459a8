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
import io.couponengine.spi.ReserveCommand;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/** Orders: reserve, commit and release their coupons, find stale reservations; order rows for applied events. */
final class Orders {
  private final Tx tx;
  private final Sql sql;
  private final Coupons coupons;

  Orders(Tables tables, Coupons coupons) {
    this.tx = tables.tx();
    this.sql = tables.sql();
    this.coupons = coupons;
  }

  /** An order row and its codes in reservation order. */
  record OrderRow(String userId, OrderStatus status, List<String> codes) {}

  RedemptionResult reserve(ReserveCommand cmd) {
    return tx.run("reserve", c -> {
      try {
        return reserveOnce(c, cmd);
      } catch (SQLException e) {
        if (!SqlErrors.isUniqueViolation(e)) {
          throw e;
        }
        // a concurrent reserve of the same order id committed first: answer as a repeat of it
        c.rollback();
        return reserveOnce(c, cmd);
      }
    });
  }

  private RedemptionResult reserveOnce(Connection c, ReserveCommand cmd) throws SQLException {
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
            coupons.byCodes(c, existing.codes, false), true);
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
    insert(c, cmd.orderId(), cmd.userId(), OrderStatus.RESERVED, cmd.reservedUntil(), cmd.now(), cmd.codes());
    List<Coupon> reserved = new ArrayList<>();
    for (String code : cmd.codes()) {
      reserved.add(byCode.get(code).withStatus(CouponStatus.RESERVED, cmd.orderId()));
    }
    coupons.writeStates(c, reserved);
    return RedemptionResult.success(RedemptionOutcome.RESERVED, cmd.orderId(), OrderStatus.RESERVED, reserved,
        false);
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
        case RESERVED -> move(c, orderId, locked(c, order), OrderStatus.COMMITTED, RedemptionOutcome.COMMITTED,
            now);
        case RELEASED -> {
          // a late payment: the coupons are locked before they are judged, so a reserve of another order or a
          // sweep that held one has committed by then and is seen
          List<Coupon> current = locked(c, order);
          if (!allUsable(current, order, now)) {
            yield RedemptionResult.refused(RedemptionOutcome.ORDER_EXPIRED, orderId, order.status, null);
          }
          yield move(c, orderId, current, OrderStatus.COMMITTED, RedemptionOutcome.COMMITTED, now);
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
        case RESERVED -> move(c, orderId, locked(c, order), OrderStatus.RELEASED, RedemptionOutcome.RELEASED, now);
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
        case COMMITTED -> move(c, orderId, locked(c, order), OrderStatus.REVERTED, RedemptionOutcome.REVERTED, now);
        case RESERVED, RELEASED -> RedemptionResult.refused(RedemptionOutcome.NOT_COMMITTED, orderId, order.status,
            null);
      };
    });
  }

  private RedemptionResult replay(Connection c, RedemptionOutcome outcome, String orderId, OrderRow order)
      throws SQLException {
    return RedemptionResult.success(outcome, orderId, order.status, coupons.byCodes(c, order.codes, false), true);
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

  /** Moves the order's coupons (locked by the caller) and the order to {@code target}. */
  private RedemptionResult move(Connection c, String orderId, List<Coupon> current, OrderStatus target,
      RedemptionOutcome success, Instant now) throws SQLException {
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
    return RedemptionResult.success(success, orderId, target, changed, false);
  }

  List<String> findStale(Instant now, int limit) {
    return tx.run("find stale reservations",
        c -> query(c, sql.staleOrders, rs -> rs.getString(1), Micros.of(now), limit));
  }

  void insert(Connection c, String orderId, String userId, OrderStatus status, Instant reservedUntil,
      Instant now, List<String> codes) throws SQLException {
    update(c, sql.insertOrder, orderId, userId, status.name(), Micros.of(reservedUntil), Micros.of(now));
    batch(c, sql.insertOrderCode, codes.size(), i -> new Object[] {orderId, i, codes.get(i)});
  }

  void setStatus(Connection c, String orderId, OrderStatus status, Instant now) throws SQLException {
    update(c, sql.setOrderStatus, status.name(), Micros.of(now), orderId);
  }

  OrderRow find(Connection c, String orderId, boolean lock) throws SQLException {
    OrderRow order = queryOne(c, lock ? sql.lockOrder : sql.findOrder,
        rs -> new OrderRow(rs.getString(1), OrderStatus.valueOf(rs.getString(2)), List.of()), orderId);
    if (order == null) {
      return null;
    }
    return new OrderRow(order.userId, order.status, query(c, sql.orderCodes, rs -> rs.getString(1), orderId));
  }
}
