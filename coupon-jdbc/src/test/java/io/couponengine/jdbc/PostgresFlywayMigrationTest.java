package io.couponengine.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/** The Flyway migrations on PostgreSQL (COUPON_PG_URL, else embedded, else skipped), each database a schema. */
class PostgresFlywayMigrationTest extends AbstractFlywayMigrationTest {
  @BeforeAll
  static void database() {
    TestDatabases.Target t = TestDatabases.postgres();
    assumeTrue(t.url() != null, t.whyNot());
  }

  @Override
  protected Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  protected String createDatabase(String name) throws SQLException {
    String url = TestDatabases.postgres().url();
    ddl(url, "CREATE SCHEMA " + name);
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name;
  }

  @Override
  protected void dropDatabase(String name) throws SQLException {
    ddl(TestDatabases.postgres().url(), "DROP SCHEMA IF EXISTS " + name + " CASCADE");
  }

  @Override
  protected List<String> catalog(Connection c, String name, String prefix) throws SQLException {
    String like = prefix.replace("_", "\\_") + "%";
    List<String> out = new ArrayList<>();
    out.addAll(rows(c, "table", name, "SELECT table_name, table_type FROM information_schema.tables"
        + " WHERE table_schema = ? AND table_name LIKE ?", name, like));
    // column order is not compared: V2 appends the columns 0.2 added, createSchema() lists them in place
    out.addAll(rows(c, "column", name, "SELECT table_name, column_name, data_type, character_maximum_length,"
        + " numeric_precision, numeric_scale, is_nullable, column_default, is_identity, identity_generation,"
        + " collation_name FROM information_schema.columns WHERE table_schema = ? AND table_name LIKE ?",
        name, like));
    out.addAll(rows(c, "index", name, "SELECT tablename, indexname, indexdef FROM pg_indexes"
        + " WHERE schemaname = ? AND tablename LIKE ?", name, like));
    // NOT NULL constraints are named by oids (checked through the columns instead)
    out.addAll(rows(c, "constraint", name, "SELECT tc.table_name, tc.constraint_name, tc.constraint_type,"
        + " kcu.column_name, kcu.ordinal_position FROM information_schema.table_constraints tc"
        + " LEFT JOIN information_schema.key_column_usage kcu ON kcu.constraint_schema = tc.constraint_schema"
        + " AND kcu.constraint_name = tc.constraint_name"
        + " WHERE tc.table_schema = ? AND tc.table_name LIKE ? AND tc.constraint_type <> 'CHECK'", name, like));
    out.addAll(rows(c, "sequence", name, "SELECT sequence_name, data_type, start_value, increment"
        + " FROM information_schema.sequences WHERE sequence_schema = ? AND sequence_name LIKE ?", name, like));
    out.addAll(rows(c, "routine", name, "SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args,"
        + " pg_get_function_result(p.oid) AS result, l.lanname, p.provolatile, p.prosecdef, p.prosrc"
        + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang"
        + " WHERE n.nspname = ? AND p.proname LIKE ?", name, like));
    Collections.sort(out);
    return out;
  }
}
