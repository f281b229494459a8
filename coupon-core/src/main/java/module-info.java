/**
 * The coupon engine: templates, codes, claims, settlement and the storage SPI, with an in-memory store and a
 * Caffeine near-cache. Start at {@link io.couponengine.CouponEngine}.
 *
 * <p>{@code io.couponengine.internal} (argument checks, JSON) is exported to the adapter modules only. The model
 * packages are opened to Jackson, which reads and writes templates, specs and coupons as JSON.
 */
module io.couponengine.core {
  requires transitive com.fasterxml.jackson.annotation;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires transitive com.github.benmanes.caffeine; // NearCachedStore.caches() returns Caffeine caches
  requires org.slf4j;

  exports io.couponengine;
  exports io.couponengine.cache;
  exports io.couponengine.claim;
  exports io.couponengine.code;
  exports io.couponengine.coupon;
  exports io.couponengine.error;
  exports io.couponengine.event;
  exports io.couponengine.memory;
  exports io.couponengine.settlement;
  exports io.couponengine.spi;
  exports io.couponengine.template;
  exports io.couponengine.internal to io.couponengine.redis, io.couponengine.jdbc;

  opens io.couponengine.coupon to com.fasterxml.jackson.databind;
  opens io.couponengine.template to com.fasterxml.jackson.databind;

  uses io.couponengine.settlement.SettlementExecutor;
}
