package io.couponengine.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/** The Flyway migrations on MariaDB (COUPON_MARIADB_URL, else embedded, else skipped), each in a database of its own. */
class MariaDbFlywayMigrationTest extends AbstractFlywayMigrationTest {
  @BeforeAll
  static void database() {
    TestDatabases.Target t = TestDatabases.mariaDb();
    assumeTrue(t.url() != null, t.whyNot());
  }

  @Override
  protected Dialect dialect() {
    return Dialect.MYSQL;
  }

  @Override
  protected String createDatabase(String name) throws SQLException {
    String url = TestDatabases.mariaDb().url();
    ddl(url, "CREATE DATABASE " + name);
    return withDatabase(url, name);
  }

  @Override
  protected void dropDatabase(String name) throws SQLException {
    ddl(TestDatabases.mariaDb().url(), "DROP DATABASE IF EXISTS " + name);
  }

  /** {@code url} with its database (the path) replaced by {@code name}. */
  static String withDatabase(String url, String name) {
    int slash = url.indexOf('/', url.indexOf("//") + 2);
    int query = url.indexOf('?');
    return (slash < 0 ? url.substring(0, query < 0 ? url.length() : query) : url.substring(0, slash)) + "/" + name
        + (query < 0 ? "" : url.substring(query));
  }

  @Override
  protected List<String> catalog(Connection c, String name, String prefix) throws SQLException {
    String like = prefix.replace("_", "\\_") + "%";
    List<String> out = new ArrayList<>();
    out.addAll(rows(c, "table", name, "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, CREATE_OPTIONS"
        + " FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE ?", name, like));
    // column order is not compared: V2 appends the columns 0.2 added, createSchema() lists them in place
    out.addAll(rows(c, "column", name, "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT,"
        + " CHARACTER_SET_NAME, COLLATION_NAME, EXTRA, COLUMN_KEY FROM information_schema.COLUMNS"
        + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE ?", name, like));
    out.addAll(rows(c, "index", name, "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME,"
        + " SUB_PART, INDEX_TYPE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE ?",
        name, like));
    out.addAll(rows(c, "routine", name, "SELECT ROUTINE_NAME, ROUTINE_TYPE, DATA_TYPE, IS_DETERMINISTIC,"
        + " SQL_DATA_ACCESS, SECURITY_TYPE, SQL_MODE, CHARACTER_SET_CLIENT, COLLATION_CONNECTION,"
        + " DATABASE_COLLATION, ROUTINE_DEFINITION FROM information_schema.ROUTINES"
        + " WHERE ROUTINE_SCHEMA = ? AND ROUTINE_NAME LIKE ?", name, like));
    out.addAll(rows(c, "parameter", name, "SELECT SPECIFIC_NAME, ORDINAL_POSITION, PARAMETER_MODE, PARAMETER_NAME,"
        + " DTD_IDENTIFIER, CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.PARAMETERS"
        + " WHERE SPECIFIC_SCHEMA = ? AND SPECIFIC_NAME LIKE ?", name, like));
    Collections.sort(out);
    return out;
  }
}
