package io.couponengine.jdbc;

import static io.couponengine.jdbc.Jdbc.queryOne;
import static io.couponengine.jdbc.Jdbc.update;

import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.template.TemplateStats;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A template's figures in {@code <prefix>template_stats}: one row per (template, stripe), the stripe chosen from the
 * user id's hash, so claims and redemptions of a hot template spread over {@link #STRIPES} rows instead of queuing on
 * one. Every write that changes a figure adds its deltas in its own transaction, as its last statements, in key order
 * (no lock cycle with the rows locked before them); {@link #read} sums the stripes.
 */
final class Stats {
  /** Rows per template the counters spread over. */
  static final int STRIPES = 16;
  private static final BigDecimal ZERO = BigDecimal.ZERO.setScale(Orders.SAVING_SCALE);

  private final Tx tx;
  private final Sql sql;
  private final Dialect dialect;

  Stats(Tables tables) {
    this.tx = tables.tx();
    this.sql = tables.sql();
    this.dialect = tables.dialect();
  }

  /** The stripe of a user's coupons: every transition of a coupon lands on the same row. */
  static int stripe(String userId) {
    return Math.floorMod(userId.hashCode(), STRIPES);
  }

  /** The deltas one transaction adds, per (template, stripe). Not thread-safe. */
  static final class Deltas {
    private final Map<String, Delta> byKey = new TreeMap<>();

    private Delta of(Coupon x) {
      int stripe = stripe(x.userId());
      // NUL sorts before any character of an id: the keys sort as (template, stripe)
      return byKey.computeIfAbsent(x.templateId() + '\u0000' + (char) ('A' + stripe),
          k -> new Delta(x.templateId(), stripe));
    }

    /** A coupon claimed. */
    Deltas issued(Coupon x) {
      of(x).issued++;
      return this;
    }

    /**
     * A coupon moved from {@code from} to {@code to} (as the in-memory store counts): the counts of RESERVED, USED and
     * EXPIRED follow it; a move to USED adds its {@code saving}, a move from USED takes it off (null: nothing).
     */
    Deltas move(Coupon x, CouponStatus from, CouponStatus to, BigDecimal saving) {
      if (from == to) {
        return this;
      }
      Delta d = of(x);
      d.add(from, -1);
      d.add(to, 1);
      if (saving != null && to == CouponStatus.USED) {
        d.discount = d.discount.add(saving);
      } else if (saving != null && from == CouponStatus.USED) {
        d.discount = d.discount.subtract(saving);
      }
      return this;
    }

    boolean isEmpty() {
      return byKey.isEmpty();
    }
  }

  /** What one transaction adds to one stripe row. */
  private static final class Delta {
    final String templateId;
    final int stripe;
    long issued;
    long reserved;
    long used;
    long expired;
    BigDecimal discount = ZERO;

    Delta(String templateId, int stripe) {
      this.templateId = templateId;
      this.stripe = stripe;
    }

    void add(CouponStatus status, long n) {
      switch (status) {
        case RESERVED -> reserved += n;
        case USED -> used += n;
        case EXPIRED -> expired += n;
        default -> { }
      }
    }

    boolean isZero() {
      return issued == 0 && reserved == 0 && used == 0 && expired == 0 && discount.signum() == 0;
    }
  }

  /** Adds the deltas to their stripe rows (an upsert each, in key order) inside the caller's transaction. */
  void apply(Connection c, Deltas deltas) throws SQLException {
    for (Delta d : deltas.byKey.values()) {
      if (d.isZero()) {
        continue;
      }
      Object[] args = {d.templateId, d.stripe, d.issued, d.reserved, d.used, d.expired, d.discount};
      if (dialect != Dialect.H2) {
        update(c, sql.upsertStats, args);
        continue;
      }
      try {
        update(c, sql.upsertStats, args);
      } catch (SQLException e) {
        if (!SqlErrors.isUniqueViolation(e)) {
          throw e;
        }
        // H2: a concurrent MERGE inserted the row first (committed by now); the failed statement is undone, the
        // transaction goes on, and this one matches the row
        update(c, sql.upsertStats, args);
      }
    }
  }

  /** The template's figures, or empty for an unknown template. */
  Optional<TemplateStats> read(String templateId) {
    return tx.run("template stats", c -> {
      Long remaining = queryOne(c, sql.statsTemplateRemaining, rs -> rs.getLong(1), templateId);
      if (remaining == null) {
        return Optional.<TemplateStats>empty();
      }
      TemplateStats s = queryOne(c, sql.sumStats, rs -> {
        BigDecimal discount = rs.getBigDecimal(5);
        // a sum never goes below zero unless rows were edited by hand or events came out of order: read as 0
        return new TemplateStats(templateId, Math.max(0, rs.getLong(1)), Math.max(0, rs.getLong(2)),
            Math.max(0, rs.getLong(3)), Math.max(0, rs.getLong(4)), remaining,
            discount == null ? ZERO : discount.setScale(Orders.SAVING_SCALE, RoundingMode.UNNECESSARY));
      }, templateId);
      return Optional.of(s);
    });
  }
}
