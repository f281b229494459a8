package io.couponengine.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.couponengine.claim.ClaimOutcome;
import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStats;
import io.couponengine.template.TemplateStatus;
import io.couponengine.testing.Specs;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shipped Flyway migrations ({@code db/migration/<dialect>/V1__coupon_schema.sql}, {@code V2__coupon_0_2.sql})
 * run by Flyway itself: on an empty database they give exactly the catalog {@link JdbcCouponStore#createSchema()}
 * gives (tables, columns and types, indexes and keys, the claim routine), so the two cannot drift; on a database
 * holding 0.1 data (V1 only) V2 keeps it and the store works on it. Each subclass gets fresh databases (schemas) of
 * its own, dropped afterwards. The contract suite runs against Flyway-migrated tables in
 * {@link PostgresCouponStoreTest} and {@link MariaDbCouponStoreTest} ({@link FlywaySchemas}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractFlywayMigrationTest {
  private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");
  private static final Instant EXPIRES = T0.plus(Duration.ofDays(7));

  private final String run = "fw" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
  private final List<String> databases = new ArrayList<>();
  private final List<HikariDataSource> pools = new ArrayList<>();

  protected abstract Dialect dialect();

  /** Creates an empty database (PostgreSQL: schema) named {@code name} and answers a JDBC URL that uses it. */
  protected abstract String createDatabase(String name) throws SQLException;

  protected abstract void dropDatabase(String name) throws SQLException;

  /**
   * The catalog of the tables and routines whose names start with {@code prefix} in the database {@code name}, one
   * line per fact, sorted, with the database name replaced by {@code DB}: what must be equal.
   */
  protected abstract List<String> catalog(Connection c, String name, String prefix) throws SQLException;

  @BeforeAll
  void noDatabasesYet() {
    databases.clear();
  }

  @AfterAll
  void dropDatabases() throws SQLException {
    pools.forEach(HikariDataSource::close);
    for (String db : databases) {
      dropDatabase(db);
    }
  }

  private HikariDataSource database(String suffix) throws SQLException {
    String name = run + "_" + suffix;
    String url = createDatabase(name);
    databases.add(name);
    HikariDataSource ds = TestDatabases.pool(url, 4);
    pools.add(ds);
    return ds;
  }

  @Test
  void flyway_onAnEmptyDatabase_givesTheCatalogOfCreateSchema() throws SQLException {
    HikariDataSource migrated = database("a");
    HikariDataSource created = database("b");
    MigrateResult result = FlywaySchemas.migrate(migrated, dialect(), "coupon_", null);
    assertThat(result.migrationsExecuted).isEqualTo(2);
    assertThat(result.targetSchemaVersion).isEqualTo("2");
    JdbcCouponStore.builder(created).build().createSchema();

    List<String> byFlyway;
    List<String> byCreateSchema;
    try (Connection a = migrated.getConnection(); Connection b = created.getConnection()) {
      byFlyway = catalog(a, run + "_a", "coupon_");
      byCreateSchema = catalog(b, run + "_b", "coupon_");
    }
    assertThat(byFlyway).as("catalog after Flyway").isNotEmpty();
    assertThat(String.join("\n", byFlyway)).as("catalog after Flyway vs createSchema()")
        .isEqualTo(String.join("\n", byCreateSchema));
    // the comparison sees what 0.2 added
    assertThat(byFlyway).anyMatch(l -> l.toLowerCase(Locale.ROOT).contains("column_name=added_count"))
        .anyMatch(l -> l.toLowerCase(Locale.ROOT).contains("_name=coupon_code_failures"));
    if (dialect() != Dialect.H2) {
      assertThat(byFlyway).anyMatch(l -> l.startsWith("routine ") && l.contains("coupon_claim")
          && l.contains("SKIP LOCKED"));
    }
    // a second run finds nothing to do
    assertThat(FlywaySchemas.migrate(migrated, dialect(), "coupon_", null).migrationsExecuted).isZero();
    // and the store works on the migrated tables
    JdbcCouponStore store = JdbcCouponStore.builder(migrated).build();
    assertThat(store.claimsByRoutine()).isEqualTo(dialect() != Dialect.H2);
  }

  @Test
  void flywayV2_onA0_1DatabaseWithData_keepsIt_andTheStoreWorksOnIt() throws SQLException {
    HikariDataSource ds = database("c");
    String p = "old_";
    assertThat(FlywaySchemas.migrate(ds, dialect(), p, "1").targetSchemaVersion).isEqualTo("1");
    Template t = new Template("FWOLD1", Specs.threshold(4, 3), TemplateStatus.AVAILABLE, T0, null);
    long t0 = Micros.of(T0);
    long exp = Micros.of(EXPIRES);
    try (Connection c = ds.getConnection()) {
      // what a 0.1 store wrote: a template with 4 codes, 2 of them claimed by u1 (one used in a committed order)
      execute(c, "INSERT INTO " + p + "templates (id, status, failure_reason, loaded, created_at_us, template_json)"
          + " VALUES (?, 'AVAILABLE', NULL, 4, ?, ?)", t.id(), t0, t.toJson());
      for (int seq = 2; seq < 4; seq++) {
        execute(c, "INSERT INTO " + p + "codes (template_id, seq, code) VALUES (?, ?, ?)", t.id(), (long) seq,
            "FW-C" + seq);
      }
      execute(c, "INSERT INTO " + p + "user_claims (template_id, user_id, claimed) VALUES (?, 'u1', 2)", t.id());
      String insertCoupon = "INSERT INTO " + p + "coupons (id, code, template_id, user_id, idem_key, claimed_at_us,"
          + " expires_at_us, status, order_id) VALUES (?, ?, ?, 'u1', ?, ?, ?, ?, ?)";
      execute(c, insertCoupon, "fw0", "FW-C0", t.id(), "k0", t0, exp, "USABLE", null);
      execute(c, insertCoupon, "fw1", "FW-C1", t.id(), "k1", t0 + 1, exp, "USED", "o-1");
      execute(c, "INSERT INTO " + p + "orders (order_id, user_id, status, reserved_until_us, updated_at_us)"
          + " VALUES ('o-1', 'u1', 'COMMITTED', ?, ?)", t0 + 900_000_000L, t0);
      execute(c, "INSERT INTO " + p + "order_codes (order_id, pos, code) VALUES ('o-1', 0, 'FW-C1')");
      c.commit();
    }
    MigrateResult upgrade = FlywaySchemas.migrate(ds, dialect(), p, null);
    assertThat(upgrade.migrationsExecuted).isEqualTo(1);
    assertThat(upgrade.targetSchemaVersion).isEqualTo("2");

    JdbcCouponStore store = JdbcCouponStore.builder(ds).tablePrefix(p).build();
    Coupon c0 = new Coupon("fw0", "FW-C0", t.id(), "u1", T0, EXPIRES, CouponStatus.USABLE, null);
    Coupon c1 = new Coupon("fw1", "FW-C1", t.id(), "u1", T0.plusNanos(1_000), EXPIRES, CouponStatus.USED, "o-1");
    assertThat(store.findTemplate(t.id())).contains(t);
    assertThat(store.findCouponsByUser("u1")).containsExactly(c0, c1);
    assertThat(store.stats(t.id())).contains(new TemplateStats(t.id(), 2, 0, 1, 0, 2, new BigDecimal("0.00")));
    assertThat(store.claim(new ClaimCommand(t.id(), "u1", "k0", "new", 3, T0, EXPIRES)))
        .isEqualTo(ClaimResult.duplicate(c0));
    ClaimResult third = store.claim(new ClaimCommand(t.id(), "u1", "k2", "fw2", 3, T0, EXPIRES));
    assertThat(third.outcome()).isEqualTo(ClaimOutcome.CLAIMED);
    assertThat(third.couponOrNull().code()).isEqualTo("FW-C2");
    assertThat(store.claim(new ClaimCommand(t.id(), "u1", "k3", "fw3", 3, T0, EXPIRES)).outcome())
        .isEqualTo(ClaimOutcome.LIMIT_REACHED);
    assertThat(store.claimsByRoutine()).isEqualTo(dialect() != Dialect.H2);
    assertThat(store.stats(t.id()).orElseThrow().issued()).isEqualTo(3);
  }

  private static void execute(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }

  // ---- helpers for the subclasses ---------------------------------------------------------------------------------

  /** Runs DDL on a connection of {@code url} (autocommit). */
  protected static void ddl(String url, String sql) throws SQLException {
    try (Connection c = java.sql.DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /**
   * The rows of a catalog query as sorted lines ({@code kind col=value ...}), {@code name} replaced by {@code DB}
   * and comment lines and blank lines dropped from routine bodies (the schema scripts' reader drops them, Flyway
   * keeps them).
   */
  protected static List<String> rows(Connection c, String kind, String name, String sql, Object... args)
      throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          StringBuilder line = new StringBuilder(kind);
          for (int i = 1; i <= md.getColumnCount(); i++) {
            String v = rs.getString(i);
            line.append(' ').append(md.getColumnLabel(i).toLowerCase(Locale.ROOT)).append('=')
                .append(v == null ? "null" : withoutComments(v.replace(name, "DB")));
          }
          out.add(line.toString());
        }
      }
    }
    c.commit();
    return out;
  }

  private static String withoutComments(String text) {
    if (!text.contains("\n")) {
      return text;
    }
    return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("--"))
        .collect(Collectors.joining("\n"));
  }
}
