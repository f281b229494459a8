package io.couponengine.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import io.couponengine.error.CouponException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates and drops the tables of a prefix, and the claim routine of PostgreSQL and MySQL/MariaDB, from the
 * dialect's script ({@code schema-<dialect>.sql}).
 */
final class Schema {
  private Schema() {}

  static void create(Tables tables) {
    List<String> statements = statements(tables.dialect(), tables.prefix());
    tables.tx().run("create schema", c -> {
      try (Statement st = c.createStatement()) {
        for (String s : statements) {
          st.execute(s);
        }
      }
      return null;
    });
  }

  /**
   * Whether the prefix's first table, {@code <prefix>templates}, answers a query in the connection's schema. A query
   * rather than {@code DatabaseMetaData}, which would need each database's case rules for names.
   */
  static boolean exists(Tables tables) {
    try (Connection c = tables.dataSource().getConnection()) {
      try (Statement st = c.createStatement()) {
        st.executeQuery("SELECT 1 FROM " + tables.prefix() + "templates WHERE 1 = 0").close();
        return true;
      } catch (SQLException missing) {
        return false;
      } finally {
        if (!c.getAutoCommit()) {
          c.rollback(); // PostgreSQL: the failed query aborted the transaction
        }
      }
    } catch (SQLException e) {
      throw CouponException.storeUnavailable("check for the coupon tables", e);
    }
  }

  static void drop(Tables tables) {
    tables.tx().run("drop schema", c -> {
      try (Statement st = c.createStatement()) {
        // the claim routine first (PostgreSQL names a function by its argument types)
        switch (tables.dialect()) {
          case POSTGRESQL -> st.execute("DROP FUNCTION IF EXISTS " + tables.prefix() + "claim(VARCHAR, VARCHAR, VARCHAR,"
              + " VARCHAR, INT, VARCHAR, BIGINT, BIGINT, BIGINT, INT)");
          case MYSQL -> st.execute("DROP PROCEDURE IF EXISTS " + tables.prefix() + "claim");
          case H2 -> { }
        }
        for (String table : List.of("code_failures", "entry_codes", "code_index", "template_stats", "applied_events",
            "order_codes", "orders", "coupons", "user_claims", "codes", "templates")) {
          st.execute("DROP TABLE IF EXISTS " + tables.prefix() + table);
        }
      }
      return null;
    });
  }

  /** The statements of a dialect's schema script for a prefix. */
  static List<String> statements(Dialect dialect, String prefix) {
    return script(dialect.schemaResource(), prefix);
  }

  /**
   * The statements of one of a dialect's Flyway migrations for a prefix, as Flyway runs them with the placeholder
   * {@code coupon_prefix} set to {@code prefix}: {@code V1__coupon_schema.sql} is the 0.1 schema,
   * {@code V2__coupon_0_2.sql} migrates it to 0.2 (the columns, tables and claim routine 0.2 added).
   */
  static List<String> migrationStatements(Dialect dialect, String migration, String prefix) {
    return script(dialect.migrationLocation() + "/" + migration, prefix);
  }

  /**
   * The statements of a script resource (beside this class, or absolute), comment lines dropped, {@code ${prefix}}
   * (the schema scripts) and {@code ${coupon_prefix}} (the Flyway migrations) replaced. A
   * statement ends at the delimiter ({@code ;}, or what a {@code DELIMITER} line sets, as the MariaDB/MySQL client
   * reads it), never inside a {@code $$}-quoted body (PostgreSQL functions), so a script feeds psql, the mariadb
   * client and this method alike.
   */
  static List<String> script(String resource, String prefix) {
    String script;
    try (InputStream in = Schema.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    String delimiter = ";";
    boolean dollarQuoted = false;
    for (String line : script.replace("${prefix}", prefix).replace("${coupon_prefix}", prefix).split("\n")) {
      String stripped = line.strip();
      if (stripped.startsWith("--")) {
        continue;
      }
      if (!dollarQuoted && stripped.regionMatches(true, 0, "DELIMITER ", 0, 10)) {
        add(out, current);
        delimiter = stripped.substring(10).strip();
        continue;
      }
      for (int i = 0; i < line.length(); i++) {
        if (line.startsWith("$$", i)) {
          dollarQuoted = !dollarQuoted;
          current.append("$$");
          i++;
        } else if (!dollarQuoted && line.startsWith(delimiter, i)) {
          add(out, current);
          i += delimiter.length() - 1;
        } else {
          current.append(line.charAt(i));
        }
      }
      current.append('\n');
    }
    add(out, current);
    return out;
  }

  private static void add(List<String> out, StringBuilder statement) {
    if (!statement.toString().isBlank()) {
      out.add(statement.toString().strip());
    }
    statement.setLength(0);
  }
}
