/**
 * JDBC storage adapter: {@link io.couponengine.jdbc.JdbcCouponStore} keeps templates, code pools, coupons and
 * orders in H2, PostgreSQL or MySQL/MariaDB through a user-supplied {@link javax.sql.DataSource};
 * {@link io.couponengine.jdbc.JdbcEventApplier} mirrors events of another store into the same tables exactly once.
 * Everything else in this package is internal.
 */
package io.couponengine.jdbc;
