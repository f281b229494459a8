package io.couponengine.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Creates and drops the tables of a prefix from the dialect's script ({@code schema-<dialect>.sql}). */
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

  static void drop(Tables tables) {
    tables.tx().run("drop schema", c -> {
      try (Statement st = c.createStatement()) {
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
   * The statements of a dialect's migration script to {@code version} (from the version before it) for a prefix;
   * {@code migrate-0.2-<dialect>.sql} adds {@code coupons.valid_from_us} and {@code order_codes.saving} to a 0.1
   * schema.
   */
  static List<String> migrationStatements(Dialect dialect, String version, String prefix) {
    return script(dialect.migrationResource(version), prefix);
  }

  /** The statements of a script resource beside this class, comments dropped, {@code ${prefix}} replaced. */
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
}
