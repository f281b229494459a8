package io.couponengine.jdbc;

import javax.sql.DataSource;

/**
 * The tables of one prefix in one database and how to reach them: what the store's parts and a
 * {@link JdbcEventApplier} share.
 *
 * @param dataSource where connections come from; owned by the caller
 * @param dialect the dialect the statements are written in
 * @param prefix the validated table prefix
 * @param tx runs units of work as retried transactions
 * @param sql every statement for this prefix and dialect
 */
record Tables(DataSource dataSource, Dialect dialect, String prefix, Tx tx, Sql sql) {

  Tables(DataSource dataSource, Dialect dialect, String prefix, int maxAttempts) {
    this(dataSource, dialect, prefix, new Tx(dataSource, maxAttempts), new Sql(prefix, dialect));
  }
}
