/** JDBC storage adapter (filled by the coupon-jdbc issue). */
package io.couponengine.jdbc;
