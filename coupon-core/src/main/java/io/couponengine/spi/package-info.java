/**
 * Extension points: the storage SPI ({@link io.couponengine.spi.CouponStore}) that adapters implement, and the
 * event listener. Everything here is stable API for integrators.
 */
package io.couponengine.spi;
