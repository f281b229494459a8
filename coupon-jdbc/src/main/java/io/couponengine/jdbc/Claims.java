package io.couponengine.jdbc;

import static io.couponengine.jdbc.Jdbc.queryOne;
import static io.couponengine.jdbc.Jdbc.update;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CodeClaimCommand;
import io.couponengine.template.TemplateStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The claim transaction: idempotency key, template status (share-locked until commit, so a pause waits for the
 * claims that read AVAILABLE), claim window, per-user counter, a free code, the coupon. A code entry runs the same
 * transaction with the user's failure limit after the key and, for a code to bind, that code's pool row.
 */
final class Claims {
  private final Tx tx;
  private final Sql sql;
  private final Dialect dialect;
  private final Coupons coupons;
  private final Stats stats;
  private final Failures failures;
  /** The store's test hook, read on each claim: run just before the first attempt commits. */
  private final Supplier<Consumer<Connection>> beforeCommit;
  /** Whether claims call the schema's claim routine (PostgreSQL, MySQL/MariaDB) rather than run the statements. */
  private volatile boolean routine;
  /**
   * Whether the routine may run as its own transaction; false once PostgreSQL refused a session that is not at READ
   * COMMITTED (a pool configured otherwise), after which each call runs in a store transaction, which sets it.
   */
  private volatile boolean routineOwnsTransaction = true;

  Claims(Tables tables, Coupons coupons, Stats stats, Supplier<Consumer<Connection>> beforeCommit) {
    this.stats = stats;
    this.tx = tables.tx();
    this.sql = tables.sql();
    this.dialect = tables.dialect();
    this.coupons = coupons;
    this.beforeCommit = beforeCommit;
    this.failures = new Failures(tables);
    this.routine = dialect != Dialect.H2;
  }

  /** The template's status, or the coupon an earlier claim with the same key issued. */
  private record Lookup(TemplateStatus status, Coupon earlier) {}

  /** A free code row. */
  private record FreeCode(long seq, String code) {}

  ClaimResult claim(ClaimCommand cmd) {
    if (routine) {
      try {
        return claimByRoutine(cmd);
      } catch (RoutineUnusable e) {
        routine = false; // a schema without the routine: the statements below do the same work
      }
    }
    return claim("claim", cmd, null);
  }

  boolean byRoutine() {
    return routine;
  }

  /**
   * PostgreSQL and MySQL/MariaDB: the whole claim is one call of the routine the schema installs ({@code <prefix>claim},
   * see the schema scripts), one round trip. PostgreSQL runs it as its own statement (autocommit; the function checks
   * READ COMMITTED itself), MySQL/MariaDB on the connection as it comes (the procedure runs its own READ COMMITTED
   * transaction). With the test hook set, or when PostgreSQL sessions are not at READ COMMITTED, it runs inside a
   * store transaction instead, still one call.
   */
  private ClaimResult claimByRoutine(ClaimCommand cmd) {
    boolean ownStatement = beforeCommit.get() == null && routineOwnsTransaction;
    Tx.Mode mode = !ownStatement ? Tx.Mode.TRANSACTION
        : dialect == Dialect.POSTGRESQL ? Tx.Mode.AUTOCOMMIT : Tx.Mode.AS_IS;
    Instant claimedAt = Micros.truncate(cmd.claimedAt());
    Instant expiresAt = Micros.truncate(cmd.expiresAt());
    Instant validFrom = Micros.truncateNullable(cmd.validFrom());
    ClaimOutcome window = cmd.windowRefusal();
    Object[] args = {cmd.templateId(), cmd.userId(), cmd.idempotencyKey(), window == null ? null : window.name(),
        cmd.perUserLimit(), cmd.couponId(), Micros.of(claimedAt), Micros.of(expiresAt), Micros.ofNullable(validFrom),
        Stats.stripe(cmd.userId()), ownStatement ? 1 : 0};
    if (dialect == Dialect.POSTGRESQL) {
      args = Arrays.copyOf(args, 10); // the function has no transaction flag: it never commits
    }
    Object[] bound = args;
    boolean[] first = {true};
    try {
      return tx.run("claim", mode, c -> {
        boolean firstAttempt = first[0];
        first[0] = false;
        try {
          ClaimResult r = queryOne(c, sql.claimRoutine, rs -> {
            ClaimOutcome outcome = ClaimOutcome.valueOf(rs.getString(1));
            return switch (outcome) {
              case CLAIMED -> ClaimResult.claimed(coupon(cmd, rs.getString(3), claimedAt, expiresAt, validFrom));
              case DUPLICATE -> ClaimResult.duplicate(Rows.couponAt(rs, 2));
              default -> ClaimResult.refused(outcome);
            };
          }, bound);
          if (r == null) {
            throw new SQLException("the claim routine answered no row");
          }
          return r.outcome() == ClaimOutcome.CLAIMED ? claimed(c, r.couponOrNull(), firstAttempt) : r;
        } catch (SQLException e) {
          if (SqlErrors.isMissingRoutine(e)) {
            throw new RoutineUnusable();
          }
          if (SqlErrors.isNotReadCommitted(e)) {
            routineOwnsTransaction = false; // sessions at another level: the store's transactions set it
            throw new RoutineUnusable();
          }
          if (!SqlErrors.isUniqueViolation(e)) {
            throw e;
          }
          // two claims raced with the same idempotency key and the other one inserted its coupon first: the routine's
          // statement (or procedure) is rolled back; in a store transaction roll it back before reading
          if (mode == Tx.Mode.TRANSACTION) {
            c.rollback();
          }
          Coupon earlier = findByIdempotencyKey(c, cmd);
          if (earlier == null) {
            throw e;
          }
          return ClaimResult.duplicate(earlier);
        }
      });
    } catch (RoutineUnusable e) {
      if (!routineOwnsTransaction && ownStatement && routine) {
        return claimByRoutine(cmd); // once: now inside a store transaction
      }
      throw e;
    }
  }

  /** The claim routine cannot serve this store (missing from the schema); thrown through {@link Tx} unchanged. */
  private static final class RoutineUnusable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RoutineUnusable() {
      super("claim routine unusable", null, false, false);
    }
  }

  /**
   * A code entry. Without a claim (the code names no template) it only counts the failure; otherwise it runs the
   * claim transaction with the entry's steps in it: the failure limit after the idempotency key, and for a code to
   * bind, that code's pool row instead of the first free one.
   */
  ClaimResult claimCode(CodeClaimCommand entry) {
    if (entry.claim() == null) {
      return tx.run("claim code", c -> ClaimResult.refused(
          failures.tryFail(c, entry) ? ClaimOutcome.CODE_NOT_FOUND : ClaimOutcome.TOO_MANY_ATTEMPTS));
    }
    return claim("claim code", entry.claim(), entry);
  }

  private ClaimResult claim(String operation, ClaimCommand cmd, CodeClaimCommand entry) {
    boolean[] first = {true};
    return tx.run(operation, c -> {
      try {
        ClaimResult r = claimOnce(c, cmd, entry, first[0]);
        first[0] = false;
        return r;
      } catch (SQLException e) {
        first[0] = false;
        if (!SqlErrors.isUniqueViolation(e)) {
          throw e;
        }
        // two transactions raced with the same idempotency key: the other one committed first
        c.rollback();
        Coupon earlier = findByIdempotencyKey(c, cmd);
        if (earlier == null) {
          throw e;
        }
        return ClaimResult.duplicate(earlier);
      }
    });
  }

  /** One attempt of a claim, or of a code entry's claim when {@code entry} is not null. */
  private ClaimResult claimOnce(Connection c, ClaimCommand cmd, CodeClaimCommand entry, boolean firstAttempt)
      throws SQLException {
    // 1. the idempotency key and the template status, in one round trip
    Lookup lookup = queryOne(c, sql.claimLookup,
        rs -> rs.getString(2) != null ? new Lookup(null, Rows.couponAt(rs, 2))
            : new Lookup(TemplateStatus.valueOf(rs.getString(1)), null),
        cmd.userId(), cmd.idempotencyKey(), cmd.templateId());
    if (lookup != null && lookup.earlier() != null) {
      return ClaimResult.duplicate(lookup.earlier());
    }
    // a code entry: the failure limit comes right after the key, before anything about the template
    if (entry != null && failures.exhausted(c, entry)) {
      return refuse(c, cmd, ClaimOutcome.TOO_MANY_ATTEMPTS);
    }
    if (lookup == null) {
      return ClaimResult.refused(ClaimOutcome.TEMPLATE_NOT_FOUND);
    }
    TemplateStatus status = lookup.status();
    if (dialect == Dialect.H2) {
      // H2: claims of one template take turns on the template row (re-read under the lock)
      status = queryOne(c, sql.lockTemplateStatus, rs -> TemplateStatus.valueOf(rs.getString(1)), cmd.templateId());
      if (status == null) {
        throw new SQLException("template row " + cmd.templateId() + " vanished under its lock");
      }
    }
    switch (status) {
      case AVAILABLE -> { }
      case EXPIRED -> {
        return refuse(c, cmd, ClaimOutcome.TEMPLATE_EXPIRED);
      }
      case PAUSED -> {
        return refuse(c, cmd, ClaimOutcome.TEMPLATE_PAUSED);
      }
      default -> {
        return refuse(c, cmd, ClaimOutcome.TEMPLATE_NOT_READY);
      }
    }
    // the claim window, after the key (a retried key answers DUPLICATE whatever the time) and the status
    ClaimOutcome window = cmd.windowRefusal();
    if (window != null) {
      return refuse(c, cmd, window);
    }
    if (entry != null && entry.code() != null) {
      return bind(c, cmd, entry, firstAttempt);
    }
    // 2. the per-user counter: locked by the UPDATE (or INSERT) until commit
    if (!incrementUserCount(c, cmd)) {
      return refuse(c, cmd, ClaimOutcome.LIMIT_REACHED);
    }
    Instant claimedAt = Micros.truncate(cmd.claimedAt());
    Instant expiresAt = Micros.truncate(cmd.expiresAt());
    Instant validFrom = Micros.truncateNullable(cmd.validFrom());
    if (dialect == Dialect.POSTGRESQL) {
      // 3 + 4 in one statement: take a free code and record the coupon with its idempotency key
      String code = queryOne(c, sql.claimCodePg, rs -> rs.getString(1), cmd.templateId(), cmd.templateId(),
          cmd.couponId(), cmd.templateId(), cmd.userId(), cmd.idempotencyKey(), Micros.of(claimedAt),
          Micros.of(expiresAt), Micros.ofNullable(validFrom), cmd.templateId(), Stats.stripe(cmd.userId()));
      if (code == null) {
        return refuse(c, cmd, ClaimOutcome.SOLD_OUT);
      }
      return claimed(c, coupon(cmd, code, claimedAt, expiresAt, validFrom), firstAttempt);
    }
    // 3. a free code
    String code = takeCode(c, cmd.templateId());
    if (code == null) {
      return refuse(c, cmd, ClaimOutcome.SOLD_OUT);
    }
    // 4. the coupon and its idempotency key (unique index)
    Coupon coupon = coupon(cmd, code, claimedAt, expiresAt, validFrom);
    coupons.insert(c, coupon, cmd.idempotencyKey());
    // 5. one more issued on the user's stripe of the template's figures (PostgreSQL: inside claimCodePg)
    stats.apply(c, new Stats.Deltas().issued(coupon));
    return claimed(c, coupon, firstAttempt);
  }

  /**
   * Binds the entered code, after the status and window checks: its pool row, found through {@code entry_codes} and
   * locked (a second entry of the code waits here, then finds no row), else its holder decides (the user itself:
   * DUPLICATE; another: CODE_TAKEN; none: CODE_NOT_FOUND, each failure counted under the user's counter lock in this
   * transaction); then the per-user limit; then the row is deleted and the coupon recorded with that code, as a claim
   * records one.
   */
  private ClaimResult bind(Connection c, ClaimCommand cmd, CodeClaimCommand entry, boolean firstAttempt)
      throws SQLException {
    String code = entry.code();
    Long seq = queryOne(c, sql.findEntrySeq, rs -> rs.getLong(1), cmd.templateId(), code);
    if (seq != null && !code.equals(queryOne(c, sql.lockPoolRow, rs -> rs.getString(1), cmd.templateId(), seq))) {
      seq = null; // the pool row is gone: bound already (seq is never reused, so a row there holds this code)
    }
    if (seq == null) {
      // read after the lock wait: a concurrent binder of this code has committed by now, its coupon is visible
      Coupon holder = queryOne(c, sql.couponByCode, Rows::coupon, code);
      if (holder != null && !holder.templateId().equals(cmd.templateId())) {
        holder = null; // another template's coupon: the code is not this template's
      }
      if (holder != null && holder.userId().equals(cmd.userId())) {
        c.rollback();
        return ClaimResult.duplicate(holder);
      }
      ClaimOutcome failure = holder != null ? ClaimOutcome.CODE_TAKEN : ClaimOutcome.CODE_NOT_FOUND;
      // the counter is the only row this transaction writes; commit it with the answer
      return ClaimResult.refused(failures.tryFail(c, entry) ? failure : ClaimOutcome.TOO_MANY_ATTEMPTS);
    }
    if (!incrementUserCount(c, cmd)) {
      return refuse(c, cmd, ClaimOutcome.LIMIT_REACHED);
    }
    if (update(c, sql.deleteCode, cmd.templateId(), seq) != 1) {
      throw new SQLException("code row " + cmd.templateId() + "/" + seq + " vanished under its lock", "40001");
    }
    Coupon coupon = coupon(cmd, code, Micros.truncate(cmd.claimedAt()), Micros.truncate(cmd.expiresAt()),
        Micros.truncateNullable(cmd.validFrom()));
    coupons.insert(c, coupon, cmd.idempotencyKey());
    stats.apply(c, new Stats.Deltas().issued(coupon));
    return claimed(c, coupon, firstAttempt);
  }

  static Coupon coupon(ClaimCommand cmd, String code, Instant claimedAt, Instant expiresAt,
      Instant validFrom) {
    return new Coupon(cmd.couponId(), code, cmd.templateId(), cmd.userId(), claimedAt, expiresAt,
        CouponStatus.USABLE, null, validFrom);
  }

  private ClaimResult claimed(Connection c, Coupon coupon, boolean firstAttempt) {
    Consumer<Connection> hook = beforeCommit.get();
    if (hook != null && firstAttempt) {
      hook.accept(c);
    }
    return ClaimResult.claimed(coupon);
  }

  /**
   * Rolls back and answers a refusal, unless the idempotency key is now known: a transaction with the same key
   * may have committed while this one waited for the user's counter row.
   */
  private ClaimResult refuse(Connection c, ClaimCommand cmd, ClaimOutcome outcome) throws SQLException {
    c.rollback();
    Coupon earlier = findByIdempotencyKey(c, cmd);
    return earlier != null ? ClaimResult.duplicate(earlier) : ClaimResult.refused(outcome);
  }

  private Coupon findByIdempotencyKey(Connection c, ClaimCommand cmd) throws SQLException {
    return queryOne(c, sql.findByIdempotencyKey, Rows::coupon, cmd.templateId(), cmd.userId(),
        cmd.idempotencyKey());
  }

  private boolean incrementUserCount(Connection c, ClaimCommand cmd) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      Integer claimed = queryOne(c, sql.upsertUserCountPg, rs -> rs.getInt(1), cmd.templateId(), cmd.userId(),
          cmd.perUserLimit());
      return claimed != null && claimed <= cmd.perUserLimit();
    }
    if (bumpUserCount(c, cmd)) {
      return true;
    }
    Object[] args = dialect == Dialect.H2
        ? new Object[] {cmd.templateId(), cmd.userId(), cmd.templateId(), cmd.userId()}
        : new Object[] {cmd.templateId(), cmd.userId()};
    if (update(c, sql.insertUserCount, args) == 1) {
      return cmd.perUserLimit() >= 1;
    }
    // the row exists (perhaps inserted by a concurrent claim that has committed by now): at the limit?
    return bumpUserCount(c, cmd);
  }

  private boolean bumpUserCount(Connection c, ClaimCommand cmd) throws SQLException {
    return update(c, sql.bumpUserCount, cmd.templateId(), cmd.userId(), cmd.perUserLimit()) == 1;
  }

  /** H2 and MySQL/MariaDB: lock the first free code (H2: already serialized by the template row), delete it. */
  private String takeCode(Connection c, String templateId) throws SQLException {
    FreeCode free = queryOne(c, dialect == Dialect.H2 ? sql.firstCode : sql.firstCodeSkipLocked,
        rs -> new FreeCode(rs.getLong(1), rs.getString(2)), templateId);
    if (free == null) {
      return null;
    }
    if (update(c, sql.deleteCode, templateId, free.seq()) != 1) {
      throw new SQLException("code row " + templateId + "/" + free.seq() + " vanished under its lock", "40001");
    }
    return free.code();
  }
}
