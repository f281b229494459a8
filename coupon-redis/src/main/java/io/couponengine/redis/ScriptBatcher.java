package io.couponengine.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Sends the calls of one script that concurrent callers make in shared pipelines (flat combining): a caller queues
 * its call, and whichever caller holds one of the few writer permits takes up to {@value #MAX_BATCH} queued calls,
 * sends them in one pipeline on one connection, hands each caller its own reply (or its own error) and wakes it.
 * Nothing runs on a thread of its own, and a lone caller sends its call at once (a batch of one).
 *
 * <p>Why: each request costs Redis a read and a write system call and an event-loop turn, and each costs the client
 * a write, a read and a thread wake-up; with many callers on one small machine that per-request work, not the
 * script, is what limits the claim rate. A pipeline of n calls pays it once.
 *
 * <p>Every call is still one EVALSHA, atomic on its own; a batch is not a transaction. When the pipeline fails
 * (connection lost, timeout) every call of the batch fails with that error, so each caller sees exactly what a lone
 * call would have seen: an outcome it does not know, which a retry with the same idempotency key settles. A call
 * answered NOSCRIPT never ran: the script is loaded and that call alone is sent again. Only for a standalone
 * server (a batch's calls may be in any slot). Thread-safe.
 */
final class ScriptBatcher {
  /** Calls per pipeline: enough to pay the per-request costs once for a crowd, small enough to keep latency low. */
  static final int MAX_BATCH = 64;
  /** Pipelines in flight at once (each on a connection of its own), so the server never waits on one round trip. */
  static final int WRITERS = 3;
  /**
   * A waiting caller is woken when its call is done, or when it is the oldest queued caller and a writer left (so
   * that it sends the queue); this timeout is only a safety net. Waking callers more often than that (polling) cost
   * the two cores of the test machine more than the batching saved.
   */
  private static final long PARK_NANOS = 10_000_000;

  private final UnifiedJedis jedis;
  private final LuaScript script;
  private final Semaphore writers = new Semaphore(WRITERS);
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();

  ScriptBatcher(UnifiedJedis jedis, LuaScript script) {
    this.jedis = jedis;
    this.script = script;
  }

  /** One queued call and, once done, its reply or error. */
  private static final class Pending {
    final List<String> keys;
    final List<String> args;
    final Thread caller = Thread.currentThread();
    Object reply;
    RuntimeException error;
    volatile boolean done;

    Pending(List<String> keys, List<String> args) {
      this.keys = keys;
      this.args = args;
    }
  }

  /**
   * Runs the script once, in a pipeline shared with concurrent callers.
   *
   * @param keys the keys (one slot)
   * @param args the arguments
   * @return the script's reply
   * @throws RuntimeException the Jedis exception of this call (its error reply) or of its batch's pipeline
   */
  Object run(List<String> keys, List<String> args) {
    Pending me = new Pending(keys, args);
    queue.add(me);
    // the call is on the wire or queued for it and cannot be taken back: an interrupt is kept for the caller to see
    // after the reply, and cleared meanwhile, since parking with the flag set would return at once (a busy spin)
    boolean interrupted = false;
    while (!me.done) {
      interrupted |= Thread.interrupted();
      if (writers.tryAcquire()) {
        try {
          send();
        } finally {
          writers.release();
        }
        // calls queued while every permit was taken: wake the oldest so that it sends them
        Pending next = queue.peek();
        if (next != null && next != me) {
          LockSupport.unpark(next.caller);
        }
      } else if (!me.done) {
        LockSupport.parkNanos(this, PARK_NANOS);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (me.error != null) {
      throw me.error;
    }
    return me.reply;
  }

  private void send() {
    List<Pending> batch = new ArrayList<>(Math.min(MAX_BATCH, 16));
    for (Pending p; batch.size() < MAX_BATCH && (p = queue.poll()) != null; ) {
      batch.add(p);
    }
    if (batch.isEmpty()) {
      return;
    }
    List<Response<Object>> replies = new ArrayList<>(batch.size());
    try {
      try (AbstractPipeline pipeline = jedis.pipelined()) {
        for (Pending p : batch) {
          replies.add(script.queue(pipeline, p.keys, p.args));
        }
        pipeline.sync();
      }
    } catch (RuntimeException e) {
      for (Pending p : batch) {
        p.error = e; // the batch's fate is each call's: unknown outcome, settled by a retry with the same key
        finish(p);
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      try {
        p.reply = replies.get(i).get();
      } catch (JedisNoScriptException e) {
        try {
          p.reply = script.run(jedis, p.keys, p.args); // never ran: load the script and send this call again
        } catch (RuntimeException again) {
          p.error = again;
        }
      } catch (RuntimeException e) {
        p.error = e;
      }
      finish(p);
    }
  }

  private static void finish(Pending p) {
    p.done = true; // publishes reply and error (written before this volatile write)
    LockSupport.unpark(p.caller);
  }
}
