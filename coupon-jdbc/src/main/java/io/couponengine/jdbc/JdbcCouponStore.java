package io.couponengine.jdbc;

import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.OrderStatus;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CouponStore;
import io.couponengine.spi.ReserveCommand;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import io.couponengine.internal.Preconditions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link CouponStore} over a relational database (H2, PostgreSQL, MySQL/MariaDB) through plain JDBC and prepared
 * statements: the system of record.
 *
 * <pre>{@code
 * JdbcCouponStore store = JdbcCouponStore.builder(dataSource) // e.g. a HikariDataSource
 *     .tablePrefix("coupon_")                                  // the default
 *     .build();                                                // detects the dialect
 * store.createSchema();                                        // or run schema-<dialect>.sql yourself
 * CouponEngine engine = CouponEngine.builder().store(store).build();
 * }</pre>
 *
 * <p>Every method is one database transaction (READ COMMITTED) whose concurrency is settled by the database: a claim
 * takes a free code with {@code SELECT ... FOR UPDATE SKIP LOCKED} (H2: under a lock on the template row), enforces
 * the per-user limit through a per-(template, user) counter row it locks, records the coupon with its idempotency key
 * under a unique index and commits. Transient failures (serialization failure, deadlock, lock timeout, a lost
 * connection) are retried up to {@link Builder#maxAttempts(int) 5 attempts} by default; anything else is a
 * {@link CouponException} with {@code STORE_UNAVAILABLE} and the cause. Durability is the database's: an
 * acknowledged call has been committed.
 *
 * <p>For speed, give the store a pool configured with {@code autoCommit=false} and
 * {@code transactionIsolation=TRANSACTION_READ_COMMITTED} (otherwise each call switches and restores them), and the
 * driver's batch rewrite option ({@code reWriteBatchedInserts=true} for PostgreSQL,
 * {@code rewriteBatchedStatements=true} for MySQL/MariaDB) so code batches load fast.
 *
 * <p>Thread-safe; several stores (processes) may share one database and prefix. {@link #close()} closes nothing:
 * the data source belongs to the caller.
 */
public final class JdbcCouponStore implements CouponStore {

  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,23}");
  private static final String COUPON_COLUMNS = Sql.COUPON_COLUMNS;

  private final DataSource dataSource;
  private final Dialect dialect;
  private final String prefix;
  private final Tx tx;
  private final Sql sql;
  /** Test hook run inside a claim transaction just before its commit; null in production. */
  volatile Consumer<Connection> beforeClaimCommit;

  private JdbcCouponStore(DataSource dataSource, Dialect dialect, String prefix, int maxAttempts) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.prefix = prefix;
    this.tx = new Tx(dataSource, maxAttempts);
    this.sql = new Sql(prefix, dialect);
  }

  /**
   * Starts a builder.
   *
   * @param dataSource where connections come from; the store never closes it
   * @return a builder
   * @throws CouponException INVALID_ARGUMENT when {@code dataSource} is null
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Preconditions.requireArg(dataSource, "dataSource"));
  }

  /**
   * The dialect this store speaks.
   *
   * @return the dialect
   */
  public Dialect dialect() {
    return dialect;
  }

  /**
   * The table prefix.
   *
   * @return the prefix, for example {@code coupon_}
   */
  public String tablePrefix() {
    return prefix;
  }

  /**
   * Creates the tables and indexes of this prefix by running the dialect's script
   * ({@code io/couponengine/jdbc/schema-<dialect>.sql} in this jar). Fails when they exist.
   *
   * @throws CouponException STORE_UNAVAILABLE when a statement fails
   */
  public void createSchema() {
    List<String> statements = schemaStatements(dialect, prefix);
    tx.run("create schema", c -> {
      try (Statement st = c.createStatement()) {
        for (String s : statements) {
          st.execute(s);
        }
      }
      return null;
    });
  }

  /**
   * Drops the tables of this prefix (for tests and throw-away runs). Missing tables are ignored.
   *
   * @throws CouponException STORE_UNAVAILABLE when a statement fails
   */
  public void dropSchema() {
    tx.run("drop schema", c -> {
      try (Statement st = c.createStatement()) {
        for (String table : List.of("applied_events", "order_codes", "orders", "coupons", "user_claims", "codes",
            "templates")) {
          st.execute("DROP TABLE IF EXISTS " + prefix + table);
        }
      }
      return null;
    });
  }

  /** The statements of a dialect's schema script for a prefix. */
  static List<String> schemaStatements(Dialect dialect, String prefix) {
    String script;
    try (InputStream in = JdbcCouponStore.class.getResourceAsStream(dialect.schemaResource())) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + dialect.schemaResource());
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder noComments = new StringBuilder();
    for (String line : script.split("\n")) {
      if (!line.strip().startsWith("--")) {
        noComments.append(line).append('\n');
      }
    }
    List<String> out = new ArrayList<>();
    for (String s : noComments.toString().replace("${prefix}", prefix).split(";")) {
      if (!s.isBlank()) {
        out.add(s.strip());
      }
    }
    return out;
  }

  // ---- templates ---------------------------------------------------------------------------------------------

  @Override
  public boolean insertTemplate(Template t) {
    return tx.run("insert template", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.insertTemplate)) {
        ps.setString(1, t.id());
        ps.setString(2, t.status().name());
        ps.setString(3, t.failureReason());
        ps.setLong(4, Micros.of(t.createdAt()));
        ps.setString(5, t.toJson());
        ps.executeUpdate();
        return true;
      } catch (SQLException e) {
        if (SqlErrors.isUniqueViolation(e)) {
          c.rollback();
          return false;
        }
        throw e;
      }
    });
  }

  @Override
  public Optional<Template> findTemplate(String templateId) {
    return tx.run("find template", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.findTemplate)) {
        ps.setString(1, templateId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(template(rs)) : Optional.<Template>empty();
        }
      }
    });
  }

  @Override
  public List<Template> findTemplates(TemplateStatus status) {
    return tx.run("find templates", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.findTemplatesByStatus)) {
        ps.setString(1, status.name());
        List<Template> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(template(rs));
          }
        }
        return out;
      }
    });
  }

  private static Template template(ResultSet rs) throws SQLException {
    return Template.fromJson(rs.getString(3)).withStatus(TemplateStatus.valueOf(rs.getString(1)), rs.getString(2));
  }

  @Override
  public boolean updateTemplateStatus(String templateId, TemplateStatus expected, TemplateStatus next,
      String reason) {
    return tx.run("update template status", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.updateTemplateStatus)) {
        ps.setString(1, next.name());
        ps.setString(2, reason);
        ps.setString(3, templateId);
        ps.setString(4, expected.name());
        return ps.executeUpdate() == 1;
      }
    });
  }

  // ---- code pool ---------------------------------------------------------------------------------------------

  @Override
  public long appendCodes(String templateId, long offset, List<String> codes) {
    return tx.run("append codes", c -> {
      long loaded;
      try (PreparedStatement ps = c.prepareStatement(sql.lockTemplateLoaded)) {
        ps.setString(1, templateId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw CouponException.of(ErrorCode.TEMPLATE_NOT_FOUND, "template '%s' does not exist", templateId);
          }
          loaded = rs.getLong(1);
        }
      }
      if (offset + codes.size() <= loaded) {
        return loaded; // a retried batch: already in
      }
      if (offset != loaded) {
        throw CouponException.of(ErrorCode.CONFLICT,
            "template '%s' has %d codes loaded; a batch at offset %d does not fit", templateId, loaded, offset);
      }
      if (dialect == Dialect.POSTGRESQL) {
        try (PreparedStatement ps = c.prepareStatement(sql.insertCodesPg)) {
          java.sql.Array array = c.createArrayOf("varchar", codes.toArray());
          ps.setString(1, templateId);
          ps.setLong(2, offset);
          ps.setArray(3, array);
          ps.executeUpdate();
          array.free();
        }
      } else {
        insertCodeBatch(c, templateId, offset, codes);
      }
      long after = loaded + codes.size();
      try (PreparedStatement ps = c.prepareStatement(sql.setTemplateLoaded)) {
        ps.setLong(1, after);
        ps.setString(2, templateId);
        ps.executeUpdate();
      }
      return after;
    });
  }

  /** JDBC batches; with the driver's rewrite option they travel as multi-row INSERTs. */
  private void insertCodeBatch(Connection c, String templateId, long offset, List<String> codes)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.insertCode)) {
      int inBatch = 0;
      for (int i = 0; i < codes.size(); i++) {
        ps.setString(1, templateId);
        ps.setLong(2, offset + i);
        ps.setString(3, codes.get(i));
        ps.addBatch();
        if (++inBatch == 5_000) {
          ps.executeBatch();
          inBatch = 0;
        }
      }
      if (inBatch > 0) {
        ps.executeBatch();
      }
    }
  }

  @Override
  public long remainingCodes(String templateId) {
    return tx.run("remaining codes", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.countCodes)) {
        ps.setString(1, templateId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  // ---- claims ------------------------------------------------------------------------------------------------

  @Override
  public ClaimResult claim(ClaimCommand cmd) {
    boolean[] first = {true};
    return tx.run("claim", c -> {
      try {
        ClaimResult r = claimOnce(c, cmd, first[0]);
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

  private ClaimResult claimOnce(Connection c, ClaimCommand cmd, boolean firstAttempt) throws SQLException {
    // 1. the idempotency key and the template status, in one round trip
    TemplateStatus status;
    try (PreparedStatement ps = c.prepareStatement(sql.claimLookup)) {
      ps.setString(1, cmd.userId());
      ps.setString(2, cmd.idempotencyKey());
      ps.setString(3, cmd.templateId());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return ClaimResult.refused(ClaimOutcome.TEMPLATE_NOT_FOUND);
        }
        if (rs.getString(2) != null) {
          return ClaimResult.duplicate(coupon(rs, 2));
        }
        status = TemplateStatus.valueOf(rs.getString(1));
      }
    }
    if (dialect == Dialect.H2) {
      // H2: claims of one template take turns on the template row (re-read under the lock)
      try (PreparedStatement ps = c.prepareStatement(sql.lockTemplateStatus)) {
        ps.setString(1, cmd.templateId());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          status = TemplateStatus.valueOf(rs.getString(1));
        }
      }
    }
    switch (status) {
      case AVAILABLE -> { }
      case EXPIRED -> {
        return refuse(c, cmd, ClaimOutcome.TEMPLATE_EXPIRED);
      }
      default -> {
        return refuse(c, cmd, ClaimOutcome.TEMPLATE_NOT_READY);
      }
    }
    // 2. the per-user counter: locked by the UPDATE (or INSERT) until commit
    if (!incrementUserCount(c, cmd)) {
      return refuse(c, cmd, ClaimOutcome.LIMIT_REACHED);
    }
    Instant claimedAt = Micros.truncate(cmd.claimedAt());
    Instant expiresAt = Micros.truncate(cmd.expiresAt());
    if (dialect == Dialect.POSTGRESQL) {
      // 3 + 4 in one statement: take a free code and record the coupon with its idempotency key
      String code;
      try (PreparedStatement ps = c.prepareStatement(sql.claimCodePg)) {
        ps.setString(1, cmd.templateId());
        ps.setString(2, cmd.templateId());
        ps.setString(3, cmd.couponId());
        ps.setString(4, cmd.templateId());
        ps.setString(5, cmd.userId());
        ps.setString(6, cmd.idempotencyKey());
        ps.setLong(7, Micros.of(claimedAt));
        ps.setLong(8, Micros.of(expiresAt));
        try (ResultSet rs = ps.executeQuery()) {
          code = rs.next() ? rs.getString(1) : null;
        }
      }
      if (code == null) {
        return refuse(c, cmd, ClaimOutcome.SOLD_OUT);
      }
      return claimed(c, cmd, code, claimedAt, expiresAt, firstAttempt);
    }
    // 3. a free code
    String code = takeCode(c, cmd.templateId());
    if (code == null) {
      return refuse(c, cmd, ClaimOutcome.SOLD_OUT);
    }
    // 4. the coupon and its idempotency key (unique index)
    try (PreparedStatement ps = c.prepareStatement(sql.insertCoupon)) {
      ps.setString(1, cmd.couponId());
      ps.setString(2, code);
      ps.setString(3, cmd.templateId());
      ps.setString(4, cmd.userId());
      ps.setString(5, cmd.idempotencyKey());
      ps.setLong(6, Micros.of(claimedAt));
      ps.setLong(7, Micros.of(expiresAt));
      ps.setString(8, CouponStatus.USABLE.name());
      ps.setString(9, null);
      ps.executeUpdate();
    }
    return claimed(c, cmd, code, claimedAt, expiresAt, firstAttempt);
  }

  private ClaimResult claimed(Connection c, ClaimCommand cmd, String code, Instant claimedAt, Instant expiresAt,
      boolean firstAttempt) {
    Consumer<Connection> hook = beforeClaimCommit;
    if (hook != null && firstAttempt) {
      hook.accept(c);
    }
    return ClaimResult.claimed(new Coupon(cmd.couponId(), code, cmd.templateId(), cmd.userId(), claimedAt,
        expiresAt, CouponStatus.USABLE, null));
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
    try (PreparedStatement ps = c.prepareStatement(sql.findByIdempotencyKey)) {
      ps.setString(1, cmd.templateId());
      ps.setString(2, cmd.userId());
      ps.setString(3, cmd.idempotencyKey());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? coupon(rs, 1) : null;
      }
    }
  }

  private boolean incrementUserCount(Connection c, ClaimCommand cmd) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      try (PreparedStatement ps = c.prepareStatement(sql.upsertUserCountPg)) {
        ps.setString(1, cmd.templateId());
        ps.setString(2, cmd.userId());
        ps.setInt(3, cmd.perUserLimit());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() && rs.getInt(1) <= cmd.perUserLimit();
        }
      }
    }
    if (bumpUserCount(c, cmd)) {
      return true;
    }
    try (PreparedStatement ps = c.prepareStatement(sql.insertUserCount)) {
      ps.setString(1, cmd.templateId());
      ps.setString(2, cmd.userId());
      if (dialect == Dialect.H2) {
        ps.setString(3, cmd.templateId());
        ps.setString(4, cmd.userId());
      }
      if (ps.executeUpdate() == 1) {
        return cmd.perUserLimit() >= 1;
      }
    }
    // the row exists (perhaps inserted by a concurrent claim that has committed by now): at the limit?
    return bumpUserCount(c, cmd);
  }

  private boolean bumpUserCount(Connection c, ClaimCommand cmd) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.bumpUserCount)) {
      ps.setString(1, cmd.templateId());
      ps.setString(2, cmd.userId());
      ps.setInt(3, cmd.perUserLimit());
      return ps.executeUpdate() == 1;
    }
  }

  /** H2 and MySQL/MariaDB: lock the first free code (H2: already serialized by the template row), delete it. */
  private String takeCode(Connection c, String templateId) throws SQLException {
    long seq;
    String code;
    try (PreparedStatement ps = c.prepareStatement(dialect == Dialect.H2 ? sql.firstCode : sql.firstCodeSkipLocked)) {
      ps.setString(1, templateId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        seq = rs.getLong(1);
        code = rs.getString(2);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(sql.deleteCode)) {
      ps.setString(1, templateId);
      ps.setLong(2, seq);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("code row " + templateId + "/" + seq + " vanished under its lock", "40001");
      }
    }
    return code;
  }

  // ---- coupons -----------------------------------------------------------------------------------------------

  @Override
  public List<Coupon> findCouponsByUser(String userId) {
    return tx.run("find coupons", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.couponsByUser)) {
        ps.setString(1, userId);
        return coupons(ps);
      }
    });
  }

  @Override
  public Optional<Coupon> findCouponByCode(String code) {
    return tx.run("find coupon", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.couponByCode)) {
        ps.setString(1, code);
        List<Coupon> found = coupons(ps);
        return found.isEmpty() ? Optional.<Coupon>empty() : Optional.of(found.get(0));
      }
    });
  }

  @Override
  public Optional<Coupon> expireCoupon(Coupon coupon, Instant now) {
    String couponId = coupon.id();
    return tx.run("expire coupon", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.expireOne)) {
        ps.setString(1, couponId);
        ps.setLong(2, Micros.of(now));
        if (ps.executeUpdate() != 1) {
          return Optional.<Coupon>empty();
        }
      }
      try (PreparedStatement ps = c.prepareStatement(sql.couponById)) {
        ps.setString(1, couponId);
        return Optional.of(coupons(ps).get(0));
      }
    });
  }

  @Override
  public List<Coupon> expireDueCoupons(Instant now, int limit) {
    return tx.run("expire coupons", c -> {
      if (dialect == Dialect.POSTGRESQL) {
        try (PreparedStatement ps = c.prepareStatement(sql.expireDuePg)) {
          ps.setLong(1, Micros.of(now));
          ps.setInt(2, limit);
          return coupons(ps);
        }
      }
      // H2 and MariaDB: lock a batch nobody else holds, then flip it (no UPDATE ... RETURNING there)
      List<Coupon> due;
      try (PreparedStatement ps = c.prepareStatement(sql.dueSkipLocked)) {
        ps.setLong(1, Micros.of(now));
        ps.setInt(2, limit);
        due = coupons(ps);
      }
      if (due.isEmpty()) {
        return due;
      }
      List<Coupon> out = new ArrayList<>(due.size());
      try (PreparedStatement ps = c.prepareStatement(sql.expireById)) {
        for (Coupon x : due) {
          ps.setString(1, x.id());
          ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        for (int i = 0; i < counts.length; i++) {
          if (counts[i] == 1 || counts[i] == Statement.SUCCESS_NO_INFO) {
            out.add(due.get(i).withStatus(CouponStatus.EXPIRED, null));
          }
        }
      }
      return out;
    });
  }

  // ---- redemption --------------------------------------------------------------------------------------------

  @Override
  public RedemptionResult reserve(ReserveCommand cmd) {
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
    OrderRow existing = findOrder(c, cmd.orderId(), false);
    if (existing != null) {
      if (existing.status == OrderStatus.RESERVED && existing.userId.equals(cmd.userId())
          && new HashSet<>(existing.codes).equals(new HashSet<>(cmd.codes()))) {
        return RedemptionResult.success(RedemptionOutcome.RESERVED, cmd.orderId(), existing.status,
            couponsByCodes(c, existing.codes, false), true);
      }
      return RedemptionResult.refused(RedemptionOutcome.ORDER_CONFLICT, cmd.orderId(), existing.status, null);
    }
    List<String> sorted = new ArrayList<>(cmd.codes());
    Collections.sort(sorted); // lock in one order everywhere
    Map<String, Coupon> byCode = new HashMap<>();
    for (Coupon x : couponsByCodes(c, sorted, true)) {
      byCode.put(x.code(), x);
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
      } else if (x.status() != CouponStatus.USABLE) {
        refusal = RedemptionOutcome.NOT_USABLE;
      }
      if (refusal != null) {
        c.rollback();
        return RedemptionResult.refused(refusal, cmd.orderId(), null, code);
      }
    }
    insertOrder(c, cmd.orderId(), cmd.userId(), OrderStatus.RESERVED, cmd.reservedUntil(), cmd.now(), cmd.codes());
    List<Coupon> reserved = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.setCouponState)) {
      for (String code : cmd.codes()) {
        Coupon r = byCode.get(code).withStatus(CouponStatus.RESERVED, cmd.orderId());
        ps.setString(1, r.status().name());
        ps.setString(2, r.orderId());
        ps.setString(3, r.id());
        ps.addBatch();
        reserved.add(r);
      }
      ps.executeBatch();
    }
    return RedemptionResult.success(RedemptionOutcome.RESERVED, cmd.orderId(), OrderStatus.RESERVED, reserved,
        false);
  }

  void insertOrder(Connection c, String orderId, String userId, OrderStatus status, Instant reservedUntil,
      Instant now, List<String> codes) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.insertOrder)) {
      ps.setString(1, orderId);
      ps.setString(2, userId);
      ps.setString(3, status.name());
      ps.setLong(4, Micros.of(reservedUntil));
      ps.setLong(5, Micros.of(now));
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(sql.insertOrderCode)) {
      for (int i = 0; i < codes.size(); i++) {
        ps.setString(1, orderId);
        ps.setInt(2, i);
        ps.setString(3, codes.get(i));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public RedemptionResult commit(String orderId, Instant now) {
    return finish(orderId, now, OrderStatus.COMMITTED, CouponStatus.USED, RedemptionOutcome.COMMITTED);
  }

  @Override
  public RedemptionResult release(String orderId, Instant now) {
    return finish(orderId, now, OrderStatus.RELEASED, CouponStatus.USABLE, RedemptionOutcome.RELEASED);
  }

  private RedemptionResult finish(String orderId, Instant now, OrderStatus target, CouponStatus couponTarget,
      RedemptionOutcome success) {
    return tx.run(success == RedemptionOutcome.COMMITTED ? "commit" : "release", c -> {
      OrderRow order = findOrder(c, orderId, true);
      if (order == null) {
        return RedemptionResult.refused(RedemptionOutcome.ORDER_NOT_FOUND, orderId, null, null);
      }
      if (order.status == target) {
        return RedemptionResult.success(success, orderId, order.status, couponsByCodes(c, order.codes, false), true);
      }
      if (order.status != OrderStatus.RESERVED) {
        return RedemptionResult.refused(RedemptionOutcome.ORDER_CONFLICT, orderId, order.status, null);
      }
      List<Coupon> current = couponsByCodes(c, order.codes, true);
      List<Coupon> changed = new ArrayList<>(current.size());
      try (PreparedStatement ps = c.prepareStatement(sql.setCouponState)) {
        for (Coupon x : current) {
          Coupon n = x.withStatus(couponTarget, couponTarget == CouponStatus.USED ? orderId : null);
          ps.setString(1, n.status().name());
          ps.setString(2, n.orderId());
          ps.setString(3, n.id());
          ps.addBatch();
          changed.add(n);
        }
        ps.executeBatch();
      }
      setOrderStatus(c, orderId, target, now);
      return RedemptionResult.success(success, orderId, target, changed, false);
    });
  }

  void setOrderStatus(Connection c, String orderId, OrderStatus status, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.setOrderStatus)) {
      ps.setString(1, status.name());
      ps.setLong(2, Micros.of(now));
      ps.setString(3, orderId);
      ps.executeUpdate();
    }
  }

  @Override
  public List<String> findStaleReservations(Instant now, int limit) {
    return tx.run("find stale reservations", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.staleOrders)) {
        ps.setLong(1, Micros.of(now));
        ps.setInt(2, limit);
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
        return out;
      }
    });
  }

  /** An order row and its codes in reservation order. */
  record OrderRow(String userId, OrderStatus status, List<String> codes) {}

  OrderRow findOrder(Connection c, String orderId, boolean lock) throws SQLException {
    String userId;
    OrderStatus status;
    try (PreparedStatement ps = c.prepareStatement(lock ? sql.lockOrder : sql.findOrder)) {
      ps.setString(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        userId = rs.getString(1);
        status = OrderStatus.valueOf(rs.getString(2));
      }
    }
    List<String> codes = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.orderCodes)) {
      ps.setString(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          codes.add(rs.getString(1));
        }
      }
    }
    return new OrderRow(userId, status, codes);
  }

  /** Coupons of the given codes, in the order of {@code codes} (missing codes are left out). */
  private List<Coupon> couponsByCodes(Connection c, List<String> codes, boolean lock) throws SQLException {
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < codes.size(); i++) {
      in.append(i == 0 ? "?" : ",?");
    }
    String query = "SELECT " + COUPON_COLUMNS + " FROM " + prefix + "coupons WHERE code IN (" + in + ")"
        + (lock ? " ORDER BY code FOR UPDATE" : "");
    Map<String, Coupon> byCode = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(query)) {
      for (int i = 0; i < codes.size(); i++) {
        ps.setString(i + 1, codes.get(i));
      }
      for (Coupon x : coupons(ps)) {
        byCode.put(x.code(), x);
      }
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

  // ---- shared helpers (also used by JdbcEventApplier) ----------------------------------------------------------

  Tx tx() {
    return tx;
  }

  Sql sql() {
    return sql;
  }

  DataSource dataSource() {
    return dataSource;
  }

  static List<Coupon> coupons(PreparedStatement ps) throws SQLException {
    List<Coupon> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(coupon(rs, 1));
      }
    }
    return out;
  }

  /** Reads the {@link #COUPON_COLUMNS} starting at column {@code from}. */
  static Coupon coupon(ResultSet rs, int from) throws SQLException {
    return new Coupon(rs.getString(from), rs.getString(from + 1), rs.getString(from + 2), rs.getString(from + 3),
        Micros.toInstant(rs.getLong(from + 4)), Micros.toInstant(rs.getLong(from + 5)),
        CouponStatus.valueOf(rs.getString(from + 6)), rs.getString(from + 7));
  }

  @Override
  public String toString() {
    return "JdbcCouponStore{dialect=" + dialect + ", prefix=" + prefix + "}";
  }

  /**
   * Builds a {@link JdbcCouponStore}. Not thread-safe; each setter may be called once.
   *
   * <p>Defaults: dialect detected from the connection metadata, table prefix {@code coupon_}, 5 attempts per
   * transaction.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private Dialect dialect;
    private String prefix;
    private int maxAttempts;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * Sets the dialect instead of detecting it.
     *
     * @param dialect the dialect
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when null
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder dialect(Dialect dialect) {
      Preconditions.requireUnset(this.dialect == null, "dialect", this.dialect);
      this.dialect = Preconditions.requireArg(dialect, "dialect");
      return this;
    }

    /**
     * Sets the table prefix, so several stores (or test runs) can share one schema.
     *
     * @param prefix a lower-case identifier of at most 24 characters: {@code [a-z][a-z0-9_]*}
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when the prefix is not such an identifier
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder tablePrefix(String prefix) {
      Preconditions.requireUnset(this.prefix == null, "tablePrefix", this.prefix);
      if (prefix == null || !PREFIX.matcher(prefix).matches()) {
        throw CouponException.invalidArgument("%s", "table prefix must match " + PREFIX + ": " + prefix);
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * Sets how many times one transaction is attempted when it fails transiently (deadlock, serialization
     * failure, lock timeout, lost connection).
     *
     * @param attempts at least 1
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT when below 1
     * @throws CouponException INVALID_ARGUMENT when already set
     */
    public Builder maxAttempts(int attempts) {
      Preconditions.requireUnset(this.maxAttempts == 0, "maxAttempts", this.maxAttempts);
      if (attempts < 1) {
        throw CouponException.invalidArgument("%s", "max attempts must be at least 1: " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Builds the store, detecting the dialect through one connection when none was set.
     *
     * @return the store
     * @throws CouponException STORE_UNAVAILABLE when the dialect cannot be detected
     */
    public JdbcCouponStore build() {
      Dialect d = dialect;
      if (d == null) {
        try (Connection c = dataSource.getConnection()) {
          d = Dialect.detect(c);
        } catch (SQLException e) {
          throw CouponException.storeUnavailable("detect dialect", e);
        }
      }
      return new JdbcCouponStore(dataSource, d, prefix == null ? "coupon_" : prefix,
          maxAttempts == 0 ? 5 : maxAttempts);
    }

  }
}
