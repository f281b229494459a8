package io.couponengine.redis;

import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The one place where Redis failures become {@link CouponException}s, as Jedis maps error prefixes in
 * {@code Protocol.processError}. A script's {@code error_reply} starting with {@code CE_<ERROR_CODE>} becomes that
 * {@link ErrorCode}; everything else (connection refused or reset, timeouts, cluster redirections that could not be
 * followed, out-of-memory, READONLY replicas, script errors) becomes STORE_UNAVAILABLE with the cause attached.
 */
final class RedisErrors {
  static final String SCRIPT_ERROR_PREFIX = "CE_";

  private RedisErrors() {}

  static CouponException translate(String operation, RuntimeException e) {
    if (e instanceof CouponException ce) {
      return ce;
    }
    if (e instanceof JedisDataException && e.getMessage() != null) {
      String msg = e.getMessage();
      int at = msg.indexOf(SCRIPT_ERROR_PREFIX);
      if (at >= 0) {
        int end = msg.indexOf(' ', at);
        String name = msg.substring(at + SCRIPT_ERROR_PREFIX.length(), end < 0 ? msg.length() : end);
        String text = end < 0 ? name : msg.substring(end + 1);
        for (ErrorCode code : ErrorCode.values()) {
          if (code.name().equals(name)) {
            return CouponException.withCause(code, text, e);
          }
        }
      }
    }
    return CouponException.storeUnavailable(operation, e);
  }
}
