package io.couponengine.jdbc;

import static io.couponengine.jdbc.Jdbc.each;
import static io.couponengine.jdbc.Jdbc.update;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.OrderStatus;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.CouponEventListener;
import io.couponengine.internal.Preconditions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies coupon events produced by another store (for example a Redis stream consumer) to the tables of a
 * {@link JdbcCouponStore}, each event exactly once: the event id is inserted into {@code <prefix>applied_events} in
 * the same transaction as the change, so a redelivered event finds its id taken and changes nothing. This lets Redis
 * be the hot path and the database the system of record.
 *
 * <pre>{@code
 * JdbcEventApplier applier = new JdbcEventApplier(jdbcStore);
 * CouponEngine hot = CouponEngine.builder().store(redisStore).listener(applier).build(); // or from a stream
 * }</pre>
 *
 * <p>What each type does: CLAIMED inserts the coupon as the event carries it (its {@code validFrom} included;
 * without an idempotency key, which events do not carry) and counts it for the user; EXPIRED, RESERVED, COMMITTED,
 * RELEASED and REVERTED write the state of the coupons the event carries, and the order events write the order
 * (RESERVED creates it, with {@code reservedUntil} from the event's {@code reservedUntil} detail or 30 minutes after
 * the event, and without savings: events carry none, so such an order answers empty {@code savings()}); REVERTED
 * leaves the user's claim count as it is. Other types are ignored. The code pool is not touched:
 * the store that issued the coupons owns it. Events are expected in order per coupon (a stream keyed by template or
 * user gives that). Thread-safe.
 */
public final class JdbcEventApplier implements CouponEventListener {
  private static final Duration DEFAULT_RESERVATION = Duration.ofMinutes(30);

  private final Tx tx;
  private final Sql sql;
  private final Coupons coupons;
  private final Orders orders;
  private final Stats stats;

  /**
   * Creates an applier writing into the tables of {@code store}.
   *
   * @param store the store whose data source and table prefix are used
   * @throws io.couponengine.error.CouponException INVALID_ARGUMENT naming {@code store} when null
   */
  public JdbcEventApplier(JdbcCouponStore store) {
    Tables tables = Preconditions.requireArg(store, "store").tables();
    this.tx = tables.tx();
    this.sql = tables.sql();
    this.stats = new Stats(tables);
    this.coupons = new Coupons(tables, stats);
    this.orders = new Orders(tables, coupons, stats);
  }

  /**
   * Applies the event once; exceptions propagate so a stream consumer can leave the entry pending and retry.
   *
   * @param event the event
   * @throws io.couponengine.error.CouponException STORE_UNAVAILABLE when the database fails
   */
  @Override
  public void onEvent(CouponEvent event) {
    apply(event);
  }

  /**
   * Applies the event unless it was applied before.
   *
   * @param event the event
   * @return true when this call changed the database; false for a repeat or an ignored type
   * @throws io.couponengine.error.CouponException STORE_UNAVAILABLE when the database fails
   */
  public boolean apply(CouponEvent event) {
    switch (event.type()) {
      case CLAIMED, EXPIRED, RESERVED, COMMITTED, RELEASED, REVERTED -> { }
      default -> {
        return false;
      }
    }
    return tx.run("apply event", c -> {
      try {
        update(c, sql.insertAppliedEvent, event.id(), event.type().name(), Micros.of(Instant.now()));
      } catch (SQLException e) {
        if (SqlErrors.isUniqueViolation(e)) {
          c.rollback();
          return false; // applied before (or by a concurrent applier that committed first)
        }
        throw e;
      }
      switch (event.type()) {
        case CLAIMED -> {
          Stats.Deltas d = new Stats.Deltas();
          for (Coupon x : event.coupons()) {
            coupons.insert(c, x, null);
            countClaim(c, x);
            d.issued(x).move(x, CouponStatus.USABLE, x.status(), null);
          }
          stats.apply(c, d);
        }
        case EXPIRED -> writeStates(c, event.coupons());
        case RESERVED -> {
          writeStates(c, event.coupons());
          writeOrder(c, event, OrderStatus.RESERVED);
        }
        case COMMITTED -> {
          writeStates(c, event.coupons());
          writeOrder(c, event, OrderStatus.COMMITTED);
        }
        case RELEASED -> {
          writeStates(c, event.coupons());
          writeOrder(c, event, OrderStatus.RELEASED);
        }
        case REVERTED -> {
          writeStates(c, event.coupons());
          writeOrder(c, event, OrderStatus.REVERTED);
        }
        default -> throw new IllegalStateException("unreachable: " + event.type());
      }
      return true;
    });
  }

  private void countClaim(Connection c, Coupon x) throws SQLException {
    if (update(c, sql.addUserCount, x.templateId(), x.userId()) == 1) {
      return;
    }
    try {
      update(c, sql.insertUserCountN, x.templateId(), x.userId());
    } catch (SQLException e) {
      if (SqlErrors.isUniqueViolation(e)) {
        // a concurrent first claim of the same user committed first: retry the whole transaction
        throw new SQLException("concurrent first claim of " + x.userId(), "40001", e);
      }
      throw e;
    }
  }

  /**
   * Writes each coupon's status and order as the event reports them, inserting coupons not seen yet, and moves the
   * template figures from each coupon's stored status to the reported one (a coupon first seen here counts as
   * issued too). Events carry no savings: the discount is left as it is.
   */
  private void writeStates(Connection c, List<Coupon> reported) throws SQLException {
    List<String> codes = new ArrayList<>(reported.size());
    reported.forEach(x -> codes.add(x.code()));
    Map<String, CouponStatus> before = new HashMap<>();
    if (!codes.isEmpty()) {
      for (Coupon x : coupons.byCodes(c, codes, true)) { // locked: the status read is the one overwritten
        before.put(x.id(), x.status());
      }
    }
    int[] counts = each(c, sql.setCouponState, reported.size(), i -> Coupons.stateArgs(reported.get(i)));
    Stats.Deltas d = new Stats.Deltas();
    for (int i = 0; i < counts.length; i++) {
      Coupon x = reported.get(i);
      CouponStatus from = before.get(x.id());
      if (counts[i] == 0) {
        coupons.insert(c, x, null);
        d.issued(x);
        from = CouponStatus.USABLE;
      } else if (from == null) {
        from = x.status(); // a row under another code (cannot happen with unique codes): leave the figures
      }
      d.move(x, from, x.status(), null);
    }
    stats.apply(c, d);
  }

  private void writeOrder(Connection c, CouponEvent event, OrderStatus status) throws SQLException {
    if (event.orderId() == null) {
      return;
    }
    if (orders.find(c, event.orderId(), true) != null) {
      orders.setStatus(c, event.orderId(), status, event.occurredAt());
      return;
    }
    String until = event.details().get("reservedUntil");
    Instant reservedUntil = until != null ? Instant.parse(until) : event.occurredAt().plus(DEFAULT_RESERVATION);
    List<String> codes = new ArrayList<>();
    event.coupons().forEach(x -> codes.add(x.code()));
    String userId = event.userId() != null ? event.userId()
        : event.coupons().isEmpty() ? "" : event.coupons().get(0).userId();
    // events carry no savings: an order first seen through its events reads back without them
    orders.insert(c, event.orderId(), userId, status, reservedUntil, event.occurredAt(), codes, Map.of());
  }
}
