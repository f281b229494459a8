package io.couponengine.redis;

import io.couponengine.spi.CodeClaimCommand;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * A user's failed code entries (CODE_NOT_FOUND, CODE_TAKEN) per fixed window, for
 * {@link RedisCouponStore#claimCode}: one counter per user and window in the user's slot {@code {u:<bucket>}}, so
 * every engine sharing the store counts the same failures. An entry reserves a failure before it is decided
 * ({@link #take}) and gives it back when it did not fail ({@link #giveBack}): at no moment are more failures
 * reserved than allowed, so no more than {@code maxFailures} failures are ever answered in one window, however
 * many entries run at once. The claim is decided in the template's slot, another slot on a cluster, hence three
 * steps rather than one script. Raw Jedis exceptions pass through; the store translates them.
 */
final class FailedEntries {
  static final LuaScript ATTEMPT = LuaScript.load("attempt");

  private final UnifiedJedis jedis;
  private final Keys keys;

  FailedEntries(UnifiedJedis jedis, Keys keys) {
    this.jedis = jedis;
    this.keys = keys;
  }

  /**
   * Reserves one failure in the entry's window.
   *
   * @param e the entry
   * @return false (nothing reserved) when the user already has {@code maxFailures} failures in the window
   */
  boolean take(CodeClaimCommand e) {
    return run("take", e);
  }

  /**
   * Whether the user may still enter codes in the entry's window (reserves nothing): an entry that cannot fail (a
   * shared code) only needs this.
   *
   * @param e the entry
   * @return false when the user has {@code maxFailures} failures in the window
   */
  boolean allowed(CodeClaimCommand e) {
    return run("peek", e);
  }

  /**
   * Gives back a failure {@link #take} reserved, when the entry did not fail.
   *
   * @param e the entry
   */
  void giveBack(CodeClaimCommand e) {
    run("give", e);
  }

  private boolean run(String op, CodeClaimCommand e) {
    String key = keys.failures(e.userId(), e.failureWindow().toMillis(), e.windowIndex());
    Object r = ATTEMPT.run(jedis, List.of(key), List.of(op, Integer.toString(e.maxFailures()),
        Long.toString(e.failureWindow().toMillis())));
    return (Long) r == 1L;
  }
}
