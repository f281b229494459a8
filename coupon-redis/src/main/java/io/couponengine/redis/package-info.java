/** Redis storage adapter (filled by the coupon-redis issue). */
package io.couponengine.redis;
