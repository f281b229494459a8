package io.couponengine.jdbc;

import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

/** Runs the shipped migrations with Flyway, as an application would (docs/jdbc.md, "Flyway"). */
final class FlywaySchemas {
  private FlywaySchemas() {}

  /** The Flyway location of a dialect's migrations, for example {@code classpath:db/migration/postgresql}. */
  static String location(Dialect dialect) {
    return "classpath:" + dialect.migrationLocation().substring(1);
  }

  /**
   * Migrates the tables of {@code prefix} to {@code target} (null: the latest version); the history table is
   * {@code flyway_<prefix>history}, one per prefix, so several prefixes can share a database (baselined at version 0
   * when the schema holds other tables).
   */
  static MigrateResult migrate(DataSource ds, Dialect dialect, String prefix, String target) {
    FluentConfiguration cfg = Flyway.configure()
        .dataSource(ds)
        .locations(location(dialect))
        .placeholders(Map.of("coupon_prefix", prefix))
        .table(historyTable(prefix))
        // the schema may hold other tables (other prefixes): start the history below V1 rather than refuse
        .baselineOnMigrate(true)
        .baselineVersion("0");
    if (target != null) {
      cfg.target(target);
    }
    return cfg.load().migrate();
  }

  static String historyTable(String prefix) {
    return "flyway_" + prefix + "history";
  }

  /** Drops a store's tables and routine and the Flyway history table of its prefix. */
  static void drop(JdbcCouponStore store) {
    store.dropSchema();
    store.tables().tx().run("drop flyway history", c -> {
      try (Statement st = c.createStatement()) {
        st.execute("DROP TABLE IF EXISTS " + historyTable(store.tablePrefix()));
      }
      return null;
    });
  }
}
