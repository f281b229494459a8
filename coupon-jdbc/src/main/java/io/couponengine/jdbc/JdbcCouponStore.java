package io.couponengine.jdbc;

import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CodeClaimCommand;
import io.couponengine.spi.CouponStore;
import io.couponengine.spi.ReserveCommand;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStats;
import io.couponengine.template.TemplateStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
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
 * under a unique index and commits. On PostgreSQL and MySQL/MariaDB that whole claim is one call of a routine the
 * schema installs ({@code <prefix>claim}: a PL/pgSQL function run as its own READ COMMITTED statement, a stored
 * procedure running its own transaction), one round trip per claim. Transient failures (serialization failure, deadlock, lock timeout, a lost
 * connection) are retried up to {@link Builder#maxAttempts(int) 5 attempts} by default; anything else is a
 * {@link CouponException} with {@code STORE_UNAVAILABLE} and the cause. Durability is the database's: an
 * acknowledged call has been committed.
 *
 * <p>Codes and distribution: shared and imported codes are unique store-wide through one code index table (its
 * primary key decides races); an entered code is bound by locking its pool row; failed entries are counted per user
 * and window in a row locked by the entry that fails; {@link #grant} decides up to 2,000 claims per transaction
 * set-wise, with the locks a claim takes, in its order.
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
  /** The most codes one {@link #importCodes} call takes (the SPI's bound; one transaction). */
  private static final int MAX_IMPORT = 100_000;
  /** The most commands one {@link #grant} call takes (the SPI's bound). */
  private static final int MAX_GRANT = 10_000;

  private final Tables tables;
  private final Templates templates;
  private final Claims claims;
  private final Coupons coupons;
  private final Orders orders;
  private final Stats stats;
  private final Imports imports;
  private final Grants grants;
  /** Test hook run inside a claim transaction just before its commit; null in production. */
  volatile Consumer<Connection> beforeClaimCommit;

  private JdbcCouponStore(DataSource dataSource, Dialect dialect, String prefix, int maxAttempts) {
    this.tables = new Tables(dataSource, dialect, prefix, maxAttempts);
    this.templates = new Templates(tables);
    this.stats = new Stats(tables);
    this.coupons = new Coupons(tables, stats);
    this.claims = new Claims(tables, coupons, stats, () -> beforeClaimCommit);
    this.orders = new Orders(tables, coupons, stats);
    this.imports = new Imports(tables);
    this.grants = new Grants(tables, stats);
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
    return tables.dialect();
  }

  /**
   * The table prefix.
   *
   * @return the prefix, for example {@code coupon_}
   */
  public String tablePrefix() {
    return tables.prefix();
  }

  /**
   * Creates the tables and indexes of this prefix, and on PostgreSQL and MySQL/MariaDB the claim routine
   * {@code <prefix>claim}, by running the dialect's script ({@code io/couponengine/jdbc/schema-<dialect>.sql} in this
   * jar). Fails when they exist. The same schema ships as versioned Flyway migrations ({@code db/migration/<dialect>},
   * placeholder {@code coupon_prefix}) that reach the same tables, indexes and routine (docs/jdbc.md, "Flyway").
   *
   * @throws CouponException STORE_UNAVAILABLE when a statement fails
   */
  public void createSchema() {
    Schema.create(tables);
  }

  /**
   * Whether this prefix's tables exist: {@code <prefix>templates} answers a query in the connection's schema.
   *
   * @return true when the schema is there
   * @throws CouponException STORE_UNAVAILABLE when no connection can be had
   */
  public boolean schemaExists() {
    return Schema.exists(tables);
  }

  /**
   * Creates the schema ({@link #createSchema()}) unless {@link #schemaExists()}: for applications and tools that set
   * up their own tables at start. Two processes starting at once on an empty database may both try; the second
   * fails with STORE_UNAVAILABLE (its tables exist by then) and succeeds when started again. Shops that migrate
   * with Flyway use the shipped migrations instead.
   *
   * @return true when it created the schema, false when it was there
   * @throws CouponException STORE_UNAVAILABLE when a statement fails
   */
  public boolean createSchemaIfMissing() {
    if (schemaExists()) {
      return false;
    }
    createSchema();
    return true;
  }

  /**
   * Drops the tables of this prefix and its claim routine (for tests and throw-away runs). Missing ones are ignored.
   *
   * @throws CouponException STORE_UNAVAILABLE when a statement fails
   */
  public void dropSchema() {
    Schema.drop(tables);
  }

  /** Whether claims go through the schema's claim routine (one call); false on H2 or without the routine. */
  boolean claimsByRoutine() {
    return claims.byRoutine();
  }

  /** The statements of a dialect's schema script for a prefix. */
  static List<String> schemaStatements(Dialect dialect, String prefix) {
    return Schema.statements(dialect, prefix);
  }

  // ---- templates and code pool: Templates ----------------------------------------------------------------------

  @Override
  public boolean insertTemplate(Template t) {
    return templates.insert(t);
  }

  @Override
  public Optional<String> findTemplateIdByCode(String code) {
    Preconditions.requireId(code, "code");
    return imports.templateIdOf(code);
  }

  /** Takes a connection from the data source and checks it ({@link Connection#isValid(int)}, 5 seconds). */
  @Override
  public void ping() {
    tables.tx().run("ping", Tx.Mode.AS_IS, c -> {
      if (!c.isValid(5)) {
        throw new SQLException("the connection is not valid", "08006");
      }
      return null;
    });
  }

  @Override
  public Optional<Template> findTemplate(String templateId) {
    return templates.find(templateId);
  }

  @Override
  public List<Template> findTemplates(TemplateStatus status) {
    return templates.find(status);
  }

  @Override
  public boolean updateTemplateStatus(String templateId, TemplateStatus expected, TemplateStatus next,
      String reason) {
    return templates.updateStatus(templateId, expected, next, reason);
  }

  @Override
  public long appendCodes(String templateId, long offset, List<String> codes) {
    return templates.appendCodes(templateId, offset, codes);
  }

  @Override
  public String codeKey(String templateId, String proposedKey) {
    return templates.codeKey(templateId, proposedKey);
  }

  @Override
  public long addToTotal(String templateId, long count) {
    return templates.addToTotal(templateId, count);
  }

  @Override
  public Optional<TemplateStats> stats(String templateId) {
    Preconditions.requireId(templateId, "templateId");
    return stats.read(templateId);
  }

  @Override
  public long remainingCodes(String templateId) {
    return templates.remainingCodes(templateId);
  }

  // ---- code index and imports: Imports -------------------------------------------------------------------------

  @Override
  public long importCodes(String templateId, List<String> codes) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireElements(codes, "codes");
    Preconditions.requireRange(codes.size(), 0, MAX_IMPORT, "codes.size");
    return imports.importCodes(templateId, codes);
  }

  @Override
  public void scanPool(String templateId, int batchSize, Consumer<List<String>> sink) {
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireRange(batchSize, 1, Integer.MAX_VALUE, "batchSize");
    Preconditions.requireArg(sink, "sink");
    imports.scanPool(templateId, batchSize, sink);
  }

  // ---- claims: Claims, Grants ----------------------------------------------------------------------------------

  @Override
  public ClaimResult claim(ClaimCommand cmd) {
    return claims.claim(cmd);
  }

  @Override
  public ClaimResult claimCode(CodeClaimCommand command) {
    return claims.claimCode(Preconditions.requireArg(command, "command"));
  }

  @Override
  public List<ClaimResult> grant(List<ClaimCommand> commands) {
    Preconditions.requireElements(commands, "commands");
    Preconditions.requireRange(commands.size(), 0, MAX_GRANT, "commands.size");
    return grants.grant(commands);
  }

  // ---- coupons: Coupons ----------------------------------------------------------------------------------------

  @Override
  public List<Coupon> findCouponsByUser(String userId) {
    return coupons.byUser(userId);
  }

  @Override
  public Optional<Coupon> findCouponByCode(String code) {
    return coupons.byCode(code);
  }

  @Override
  public Optional<Coupon> expireCoupon(Coupon coupon, Instant now) {
    return coupons.expire(coupon, now);
  }

  @Override
  public List<Coupon> expireDueCoupons(Instant now, int limit) {
    return coupons.expireDue(now, limit);
  }

  // ---- redemption: Orders --------------------------------------------------------------------------------------

  @Override
  public RedemptionResult reserve(ReserveCommand cmd) {
    return orders.reserve(cmd);
  }

  @Override
  public RedemptionResult commit(String orderId, Instant now) {
    return orders.commit(orderId, now);
  }

  @Override
  public RedemptionResult release(String orderId, Instant now) {
    return orders.release(orderId, now);
  }

  @Override
  public RedemptionResult revert(String orderId, Instant now) {
    return orders.revert(orderId, now);
  }

  @Override
  public List<String> findStaleReservations(Instant now, int limit) {
    return orders.findStale(now, limit);
  }

  // ---- shared with JdbcEventApplier and tests ------------------------------------------------------------------

  /** The tables this store works on, for a {@link JdbcEventApplier} writing into them. */
  Tables tables() {
    return tables;
  }

  DataSource dataSource() {
    return tables.dataSource();
  }

  @Override
  public String toString() {
    return "JdbcCouponStore{dialect=" + tables.dialect() + ", prefix=" + tables.prefix() + "}";
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
     * @throws CouponException INVALID_ARGUMENT naming {@code dialect} when null or when already set
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
     * @throws CouponException INVALID_ARGUMENT naming {@code tablePrefix} when the prefix is null or not such an
     *     identifier, or when already set
     */
    public Builder tablePrefix(String prefix) {
      Preconditions.requireUnset(this.prefix == null, "tablePrefix", this.prefix);
      if (!PREFIX.matcher(Preconditions.requireArg(prefix, "tablePrefix")).matches()) {
        throw CouponException.invalidField("tablePrefix", "must match %s but was '%s'", PREFIX, prefix);
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
     * @throws CouponException INVALID_ARGUMENT naming {@code maxAttempts} when below 1 or when already set
     */
    public Builder maxAttempts(int attempts) {
      Preconditions.requireUnset(this.maxAttempts == 0, "maxAttempts", this.maxAttempts);
      this.maxAttempts = Preconditions.requireRange(attempts, 1, Integer.MAX_VALUE, "maxAttempts");
      return this;
    }

    /**
     * Builds the store, detecting the dialect through one connection when none was set.
     *
     * @return the store
     * @throws CouponException STORE_UNAVAILABLE when no dialect was set and the data source cannot give a
     *     connection or its metadata
     * @throws CouponException INVALID_ARGUMENT naming {@code dataSource} when no dialect was set and the database is
     *     none of H2, PostgreSQL, MySQL or MariaDB
     */
    public JdbcCouponStore build() {
      Dialect d = dialect;
      if (d == null) {
        String product;
        try (Connection c = dataSource.getConnection()) {
          product = c.getMetaData().getDatabaseProductName();
        } catch (SQLException | RuntimeException e) {
          // a RuntimeException too: a misconfigured pool may throw one (HikariCP without a URL does)
          throw CouponException.storeUnavailable("detect dialect", e);
        }
        d = Dialect.ofProduct(product, "dataSource");
      }
      return new JdbcCouponStore(dataSource, d, prefix == null ? "coupon_" : prefix,
          maxAttempts == 0 ? 5 : maxAttempts);
    }

  }
}
