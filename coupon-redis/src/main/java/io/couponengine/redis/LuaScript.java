package io.couponengine.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * One Lua script, run by EVALSHA and loaded again transparently when the server answers NOSCRIPT (after a restart,
 * a fail-over or SCRIPT FLUSH). The SHA1 is computed locally, so the first call needs no SCRIPT LOAD round trip
 * when the server already knows the script. Jedis leaves the NOSCRIPT fallback to the caller
 * ({@code JedisNoScriptException}); this class is that caller. Thread-safe and immutable.
 */
final class LuaScript {
  private final String name;
  private final String source;
  private final String sha;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
  }

  /**
   * Reads {@code /io/couponengine/redis/<name>.lua} from the class path.
   *
   * @param name the script's base name
   * @return the script
   */
  static LuaScript load(String name) {
    try (InputStream in = LuaScript.class.getResourceAsStream(name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + name + ".lua");
      }
      return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String name() {
    return name;
  }

  String sha() {
    return sha;
  }

  String source() {
    return source;
  }

  /**
   * Runs the script by EVALSHA; on NOSCRIPT loads it on the node owning {@code keys.get(0)} and retries once.
   *
   * @param jedis the client
   * @param keys the keys (all in one hash slot)
   * @param args the arguments
   * @return the script's reply
   */
  Object run(UnifiedJedis jedis, List<String> keys, List<String> args) {
    try {
      return jedis.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      reload(jedis, keys.get(0));
      return jedis.evalsha(sha, keys, args);
    }
  }

  /**
   * Queues the script in a pipeline; the caller handles NOSCRIPT from the response with {@link #reload}.
   *
   * @param pipeline the pipeline
   * @param keys the keys
   * @param args the arguments
   * @return the placeholder
   */
  Response<Object> queue(AbstractPipeline pipeline, List<String> keys, List<String> args) {
    return pipeline.evalsha(sha, keys, args);
  }

  /** One call of a script in a batch: its keys (one slot) and arguments. */
  record Call(List<String> keys, List<String> args) {}

  /**
   * Runs the script once per (keys, args) pair in one pipeline ({@code jedis.pipelined()}: a cluster client sends
   * each call to its slot's node) and answers the replies in order. See {@link #runAll(UnifiedJedis, int,
   * IntFunction)}.
   *
   * @param jedis the client
   * @param keys each call's keys (each call's keys in one slot)
   * @param args each call's arguments
   * @return the replies, in the calls' order
   * @throws redis.clients.jedis.exceptions.JedisDataException the first error reply (a script's {@code CE_} error)
   */
  List<Object> runAll(UnifiedJedis jedis, List<List<String>> keys, List<List<String>> args) {
    return runAll(jedis, keys.size(), i -> new Call(keys.get(i), args.get(i)));
  }

  /**
   * Runs {@code calls} calls of the script in one pipeline, each built by {@code call} just before it is queued:
   * the pipeline sends what it has queued as its buffer fills, so the server runs the first calls while the later
   * ones are still being built. A call answered NOSCRIPT never ran, so the script is loaded on each slot that
   * answered it and exactly those calls are sent again, once.
   *
   * @param jedis the client
   * @param calls how many calls
   * @param call builds call {@code i} (once)
   * @return the replies, in the calls' order
   * @throws redis.clients.jedis.exceptions.JedisDataException the first error reply (a script's {@code CE_} error)
   */
  List<Object> runAll(UnifiedJedis jedis, int calls, IntFunction<Call> call) {
    Object[] out = new Object[calls];
    Call[] built = new Call[calls];
    List<Integer> todo = new ArrayList<>(calls);
    for (int i = 0; i < calls; i++) {
      todo.add(i);
    }
    for (int attempt = 0; !todo.isEmpty(); attempt++) {
      List<Response<Object>> replies = new ArrayList<>(todo.size());
      try (AbstractPipeline p = jedis.pipelined()) {
        for (int i : todo) {
          if (built[i] == null) {
            built[i] = call.apply(i);
          }
          replies.add(queue(p, built[i].keys(), built[i].args()));
        }
        p.sync();
      }
      List<Integer> again = new ArrayList<>();
      Set<Integer> reloaded = new HashSet<>();
      for (int n = 0; n < todo.size(); n++) {
        int i = todo.get(n);
        try {
          out[i] = replies.get(n).get();
        } catch (JedisNoScriptException e) {
          if (attempt > 0) {
            throw e;
          }
          String key = built[i].keys().get(0);
          if (reloaded.add(JedisClusterCRC16.getSlot(key))) {
            reload(jedis, key);
          }
          again.add(i);
        }
      }
      todo = again;
    }
    return Arrays.asList(out);
  }

  /**
   * Loads the script on the node owning {@code sampleKey}.
   *
   * @param jedis the client
   * @param sampleKey a key routed to the node that answered NOSCRIPT
   */
  void reload(UnifiedJedis jedis, String sampleKey) {
    String loaded = jedis.scriptLoad(source, sampleKey);
    if (!sha.equals(loaded)) {
      throw new IllegalStateException("script " + name + " loaded as " + loaded + ", expected " + sha);
    }
  }

  private static String sha1(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
