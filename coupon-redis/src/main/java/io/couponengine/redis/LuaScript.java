package io.couponengine.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

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
