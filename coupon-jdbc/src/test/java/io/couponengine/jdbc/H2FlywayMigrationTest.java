package io.couponengine.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The Flyway migrations on in-process H2 (always runs), each database in memory. */
class H2FlywayMigrationTest extends AbstractFlywayMigrationTest {
  @Override
  protected Dialect dialect() {
    return Dialect.H2;
  }

  @Override
  protected String createDatabase(String name) {
    return "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
  }

  @Override
  protected void dropDatabase(String name) throws SQLException {
    ddl("jdbc:h2:mem:" + name, "SHUTDOWN");
  }

  @Override
  protected List<String> catalog(Connection c, String name, String prefix) throws SQLException {
    String like = prefix.toUpperCase(Locale.ROOT).replace("_", "\\_") + "%";
    String db = name.toUpperCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    // column order is not compared: V2 appends the columns 0.2 added, createSchema() lists them in place
    out.addAll(rows(c, "column", db, "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH,"
        + " NUMERIC_PRECISION, NUMERIC_SCALE, IS_NULLABLE, COLUMN_DEFAULT, IS_IDENTITY FROM INFORMATION_SCHEMA.COLUMNS"
        + " WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME LIKE ?", like));
    out.addAll(rows(c, "index", db, "SELECT i.TABLE_NAME, i.INDEX_NAME, i.INDEX_TYPE_NAME, k.COLUMN_NAME,"
        + " k.ORDINAL_POSITION FROM INFORMATION_SCHEMA.INDEXES i JOIN INFORMATION_SCHEMA.INDEX_COLUMNS k"
        + " ON k.INDEX_SCHEMA = i.INDEX_SCHEMA AND k.INDEX_NAME = i.INDEX_NAME"
        + " WHERE i.TABLE_SCHEMA = 'PUBLIC' AND i.TABLE_NAME LIKE ?", like));
    // H2 names primary key indexes after a counter
    out.replaceAll(l -> l.replaceAll("PRIMARY_KEY_[0-9A-F]+", "PRIMARY_KEY"));
    Collections.sort(out);
    return out;
  }
}
