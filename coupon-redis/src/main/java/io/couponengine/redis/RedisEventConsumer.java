package io.couponengine.redis;

import com.fasterxml.jackson.core.type.TypeReference;
import io.couponengine.coupon.Coupon;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.event.CouponEvent;
import io.couponengine.event.CouponEventListener;
import io.couponengine.event.EventType;
import io.couponengine.internal.Json;
import io.couponengine.internal.Preconditions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Reads the event streams a {@link RedisCouponStore} writes inside its scripts (CLAIMED per template; RESERVED,
 * COMMITTED, RELEASED, REVERTED, EXPIRED per user bucket) with a consumer group, and hands each event to a listener.
 * The type is read by name ({@code EventType.valueOf}), so every type a script writes reaches the listener.
 *
 * <pre>{@code
 * RedisEventConsumer consumer = RedisEventConsumer.builder(jedis, "coupons", "ledger", "ledger-1",
 *         event -> ledger.applyOnce(event.id(), event))      // idempotent by event id
 *     .minIdle(Duration.ofSeconds(30))
 *     .build();
 * consumer.start();   // or call pollOnce() from your own scheduler
 * ...
 * consumer.close();   // stops the thread; the client stays open
 * }</pre>
 *
 * <p><b>At-least-once.</b> An entry is XACKed only after the listener returned normally. An entry read by a consumer
 * that died (or whose listener threw) stays pending and is re-claimed with XAUTOCLAIM by any consumer of the group
 * once it has been idle for {@link Builder#minIdle(Duration)}. So a listener may see an event twice; it must be
 * idempotent, keyed on {@link CouponEvent#id()} (deterministic: {@code CLAIMED:<couponId>},
 * {@code RESERVED:<orderId>}, ...). Streams are trimmed with {@code MAXLEN ~}: a consumer group that falls further
 * behind than the trim length loses entries.
 *
 * <p>Defaults: 100 entries per read, 30 s idle before re-claim, 100 ms pause when every stream was empty.
 * {@link #pollOnce()} is not thread-safe per instance; run one thread per consumer name.
 */
public final class RedisEventConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisEventConsumer.class);
  private static final TypeReference<List<Coupon>> COUPONS = new TypeReference<>() {};

  private final UnifiedJedis jedis;
  private final Keys keys;
  private final Shards shards;
  private final String group;
  private final String consumer;
  private final CouponEventListener listener;
  private final int batch;
  private final Duration minIdle;
  private final Duration pause;
  private final Set<String> grouped = ConcurrentHashMap.newKeySet();
  /** Template stream → its template, for CLAIMED entries, which name only the code. */
  private final Map<String, String> templateOfStream = new ConcurrentHashMap<>();
  /** A template stream's slot tag id: the template id, or a sub-pool's of a sharded template (its claim records). */
  private final Map<String, String> tagOfStream = new ConcurrentHashMap<>();
  private volatile boolean running;
  private Thread thread;

  private RedisEventConsumer(Builder b) {
    this.jedis = b.jedis;
    this.keys = new Keys(b.prefix);
    this.shards = new Shards(jedis, keys);
    this.group = b.group;
    this.consumer = b.consumer;
    this.listener = b.listener;
    this.batch = b.batch;
    this.minIdle = b.minIdle;
    this.pause = b.pause;
  }

  /**
   * Starts a builder.
   *
   * @param jedis the client of the store's Redis; not closed by the consumer
   * @param keyPrefix the store's key prefix
   * @param group the consumer group (one per downstream system)
   * @param consumer this consumer's name, unique within the group
   * @param listener receives each event; must be idempotent by event id
   * @return the builder
   * @throws CouponException INVALID_ARGUMENT naming the argument: any is null, {@code keyPrefix} is not a prefix
   *     a store accepts, {@code group} or {@code consumer} is blank, longer than 128 characters or holds control
   *     characters
   */
  public static Builder builder(UnifiedJedis jedis, String keyPrefix, String group, String consumer,
      CouponEventListener listener) {
    return new Builder(jedis, keyPrefix, group, consumer, listener);
  }

  // the options, for tests in this package
  int batch() {
    return batch;
  }

  Duration minIdle() {
    return minIdle;
  }

  Duration pause() {
    return pause;
  }

  /**
   * The streams read: every template's claim stream and every user bucket's stream.
   *
   * @return stream keys
   */
  List<String> streams() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String[]> e : shards.tags(jedis.smembers(keys.registry())).entrySet()) {
      for (String tag : e.getValue()) { // every sub-pool's stream of a sharded template
        String stream = keys.templateEvents(tag);
        templateOfStream.put(stream, e.getKey());
        tagOfStream.put(stream, tag);
        out.add(stream);
      }
    }
    for (int b = 0; b < Keys.USER_BUCKETS; b++) {
      out.add(keys.bucketEvents(b));
    }
    return out;
  }

  /**
   * One pass over every stream: first re-claims entries idle longer than the minimum idle time (left by crashed
   * consumers or failed listener calls), then reads new entries; each entry is acknowledged after the listener
   * returned.
   *
   * @return how many events were delivered
   */
  public int pollOnce() {
    int delivered = 0;
    for (String stream : streams()) {
      ensureGroup(stream);
      Map.Entry<StreamEntryID, List<StreamEntry>> claimed = jedis.xautoclaim(stream, group, consumer,
          minIdle.toMillis(), new StreamEntryID(0, 0), new XAutoClaimParams().count(batch));
      if (claimed != null) {
        delivered += deliver(stream, claimed.getValue());
      }
      List<Map.Entry<String, List<StreamEntry>>> fresh = jedis.xreadGroup(group, consumer,
          XReadGroupParams.xReadGroupParams().count(batch),
          Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
      if (fresh != null) {
        for (Map.Entry<String, List<StreamEntry>> e : fresh) {
          delivered += deliver(stream, e.getValue());
        }
      }
    }
    return delivered;
  }

  private int deliver(String stream, List<StreamEntry> entries) {
    // a CLAIMED entry names the code; its claim record (immutable, beside the stream) is read for the whole batch
    // in one HMGET
    String template = templateOfStream.get(stream);
    Map<String, String> records = Map.of();
    if (template != null) {
      List<String> codes = new ArrayList<>();
      for (StreamEntry entry : entries) {
        if (entry != null && entry.getFields() != null && entry.getFields().get("c") != null) {
          codes.add(entry.getFields().get("c"));
        }
      }
      if (!codes.isEmpty()) {
        List<String> recs = jedis.hmget(keys.claims(tagOfStream.get(stream)), codes.toArray(new String[0]));
        records = new java.util.HashMap<>();
        for (int i = 0; i < codes.size(); i++) {
          if (recs.get(i) != null) {
            records.put(codes.get(i), recs.get(i));
          }
        }
      }
    }
    int n = 0;
    for (StreamEntry entry : entries) {
      if (entry == null || entry.getFields() == null) {
        continue; // trimmed away while pending
      }
      CouponEvent event;
      try {
        event = toEvent(entry.getFields(), template, records);
      } catch (RuntimeException e) {
        log.warn("unreadable event {} in {}: acknowledged and skipped", entry.getID(), stream, e);
        jedis.xack(stream, group, entry.getID());
        continue;
      }
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        log.warn("listener failed on event {}; it stays pending and is re-claimed after {}: {}", event.id(), minIdle,
            e.toString());
        continue;
      }
      jedis.xack(stream, group, entry.getID());
      n++;
    }
    return n;
  }

  /**
   * The event of one stream entry.
   *
   * @param f the entry's fields
   * @param template the template of a template stream, or null for a user bucket's stream
   * @param records the claim records of the batch's CLAIMED entries, by code
   * @return the event
   */
  static CouponEvent toEvent(Map<String, String> f, String template, Map<String, String> records) {
    String code = f.get("c");
    if (code != null && f.get("type") == null) {
      // CLAIMED as claim.lua writes it: the code only
      String rec = records.get(code);
      if (rec == null || template == null) {
        throw new IllegalStateException("no claim record for code '" + code + "'");
      }
      Coupon c = CouponRecord.read(rec, code, template);
      return new CouponEvent("CLAIMED:" + c.id(), EventType.CLAIMED, c.claimedAt(), template, c.userId(), null,
          List.of(c), Map.of());
    }
    String json = f.get("coupons");
    List<Coupon> coupons = json == null ? List.of() : Json.read(json, COUPONS);
    return new CouponEvent(f.get("id"), EventType.valueOf(f.get("type")), Instant.parse(f.get("at")),
        f.get("tpl"), f.get("user"), f.get("order"), coupons, Map.of());
  }

  private void ensureGroup(String stream) {
    if (grouped.contains(stream)) {
      return;
    }
    try {
      jedis.xgroupCreate(stream, group, new StreamEntryID(0, 0), true);
    } catch (JedisDataException e) {
      if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
        throw e;
      }
    }
    grouped.add(stream);
  }

  /** Starts a daemon thread that calls {@link #pollOnce()} in a loop, pausing when nothing arrived. */
  public synchronized void start() {
    if (thread != null) {
      throw CouponException.of(ErrorCode.CONFLICT, "consumer already started");
    }
    running = true;
    thread = new Thread(() -> {
      while (running) {
        try {
          if (pollOnce() == 0) {
            Thread.sleep(pause.toMillis());
          }
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          log.warn("event poll failed; retrying", e);
          try {
            Thread.sleep(pause.toMillis());
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }, "coupon-redis-events-" + consumer);
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops the thread (if started) and waits for it. Idempotent; never closes the client. */
  @Override
  public synchronized void close() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      thread = null;
    }
  }

  /**
   * Options of a {@link RedisEventConsumer}. Each option may be set once. Not thread-safe; {@link #build()} copies
   * the options, so reusing the builder never changes a built consumer.
   */
  public static final class Builder {
    static final int DEFAULT_BATCH = 100;
    static final Duration DEFAULT_MIN_IDLE = Duration.ofSeconds(30);
    static final Duration DEFAULT_PAUSE = Duration.ofMillis(100);
    private static final Duration MAX_DURATION = RedisCouponStore.Builder.MAX_DURATION;

    private final UnifiedJedis jedis;
    private final String prefix;
    private final String group;
    private final String consumer;
    private final CouponEventListener listener;
    private int batch;
    private Duration minIdle;
    private Duration pause;

    private Builder(UnifiedJedis jedis, String keyPrefix, String group, String consumer,
        CouponEventListener listener) {
      this.jedis = Preconditions.requireArg(jedis, "jedis");
      this.prefix = Keys.requirePrefix(keyPrefix, "keyPrefix");
      this.group = Preconditions.requireId(group, "group");
      this.consumer = Preconditions.requireId(consumer, "consumer");
      this.listener = Preconditions.requireArg(listener, "listener");
    }

    /**
     * Entries per read and per re-claim. Default 100.
     *
     * @param count at least 1
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT naming {@code batch} when below 1 or already set
     */
    public Builder batch(int count) {
      Preconditions.requireUnset(batch == 0, "batch", batch);
      this.batch = Preconditions.requireRange(count, 1, Integer.MAX_VALUE, "batch");
      return this;
    }

    /**
     * How long an entry must have been pending before another consumer re-claims it. Default 30 seconds.
     *
     * @param idle from zero to 365 days
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT naming {@code minIdle} when null, out of range or already set
     */
    public Builder minIdle(Duration idle) {
      Preconditions.requireUnset(minIdle == null, "minIdle", minIdle);
      this.minIdle = Preconditions.requireRange(idle, Duration.ZERO, MAX_DURATION, "minIdle");
      return this;
    }

    /**
     * Pause of the background thread after a pass that delivered nothing. Default 100 ms.
     *
     * @param pause from one millisecond to 365 days (the thread sleeps whole milliseconds; 0 would spin)
     * @return this builder
     * @throws CouponException INVALID_ARGUMENT naming {@code pause} when null, out of range or already set
     */
    public Builder pause(Duration pause) {
      Preconditions.requireUnset(this.pause == null, "pause", this.pause);
      this.pause = Preconditions.requireRange(pause, Duration.ofMillis(1), MAX_DURATION, "pause");
      return this;
    }

    /**
     * Builds the consumer (it reads nothing until {@link #pollOnce()} or {@link #start()}).
     *
     * @return the consumer
     */
    public RedisEventConsumer build() {
      Builder copy = new Builder(jedis, prefix, group, consumer, listener);
      copy.batch = batch == 0 ? DEFAULT_BATCH : batch;
      copy.minIdle = minIdle == null ? DEFAULT_MIN_IDLE : minIdle;
      copy.pause = pause == null ? DEFAULT_PAUSE : pause;
      return new RedisEventConsumer(copy);
    }
  }
}
