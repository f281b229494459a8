package io.couponengine.redis;

import io.couponengine.code.CodeFormat;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.error.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * The store-wide code index of {@link RedisCouponStore}: shared codes and imported codes → their template, sharded
 * by the code into {@value Keys#CODE_BUCKETS} hashes {@code {c:<bucket>}} (never the template's slot, so taking a
 * code and storing a template are two steps on a cluster). Generated codes are not indexed: they carry their
 * template id. An entry's value is its kind and template: {@code i|T} imported and pooled (a one-script import on a
 * standalone server), {@code n|T} imported in two steps (pooled once the template's {@code imp} set has it),
 * {@code s|T} a shared code, {@code p|T} a shared code taken by an insert of T that has not confirmed it yet (see
 * {@link #insert}). Raw Jedis exceptions pass through; the store translates them.
 */
final class CodeIndex {
  static final LuaScript CAS = LuaScript.load("codecas");
  /**
   * Rounds of taking over dangling entries before giving up. A round is lost only when another insert changed the
   * entry meanwhile, and each takeover ends the insert it took over, so the rounds one insert needs are bounded by
   * the inserts racing for the same code.
   */
  private static final int MAX_ROUNDS = 100;

  private final UnifiedJedis jedis;
  private final Keys keys;

  CodeIndex(UnifiedJedis jedis, Keys keys) {
    this.jedis = jedis;
    this.keys = keys;
  }

  /** The value step 1 of a two-step import writes (see {@code index.lua}). */
  static String indexedBy(String templateId) {
    return "n|" + templateId;
  }

  /** Whether an entry is an imported code's. */
  static boolean imported(String value) {
    return value.startsWith("i|") || value.startsWith("n|");
  }

  /**
   * Stores a template with a shared code, the code unique across the store: takes the code (pending), stores the
   * template ({@code insertMeta}), then confirms the code.
   *
   * <p>The index and the template are in different slots, so a crash can fall between the steps. A pending entry
   * whose template has no meta is dangling (its insert died before storing the template, or has not stored it
   * yet): the next insert with the code takes it over, so a dead insert never blocks a code for good. Taking over
   * an insert that is merely slow is safe because confirming is a compare-and-set from that insert's own pending
   * value: the slow insert then finds the entry taken over, deletes the template it just stored (its insert has
   * not returned, so nobody uses it yet) and is refused, and exactly one of the two keeps the code. A template
   * that was stored but never confirmed (its insert died after the meta) holds the code as well: its pending entry
   * is never taken over, since its meta exists. One leftover remains possible: an insert taken over while slow that
   * then dies between storing its template and failing to confirm leaves that template stored (CREATING, never
   * generated: its insert never returned) while the code is the other template's.
   *
   * @param templateId the template
   * @param code the shared code (canonical)
   * @param insertMeta stores the template; false when its id is taken
   * @param unstore deletes the template {@code insertMeta} just stored
   * @param specCode the shared code of the template already stored under this id, read only when the id was taken
   * @return the result of {@code insertMeta}
   * @throws CouponException INVALID_TEMPLATE (violation {@code sharedCode}) when another template or an import has
   *     the code
   */
  boolean insert(String templateId, String code, BooleanSupplier insertMeta, Runnable unstore,
      java.util.function.Supplier<String> specCode) {
    String mine = "p|" + templateId;
    String key = keys.codeIndex(code);
    String expected = "";
    for (int round = 0; ; round++) {
      List<?> r = (List<?>) CAS.run(jedis, List.of(key), List.of(code, expected, mine));
      String current = (String) r.get(1);
      if ((Long) r.get(0) == 1L || current.equals(mine) || current.equals("s|" + templateId)) {
        break; // taken now, or by an earlier attempt of this very insert
      }
      if (!current.startsWith("p|") || jedis.exists(keys.meta(current.substring(2)))) {
        throw sharedCodeTaken(code);
      }
      if (round == MAX_ROUNDS) {
        throw CouponException.of(ErrorCode.STORE_UNAVAILABLE,
            "shared code '%s' kept changing hands; try again", code);
      }
      expected = current; // dangling: its template does not exist; take it over
    }
    if (!insertMeta.getAsBoolean()) {
      // the id is taken: keep the entry only if that template is an earlier attempt of this insert (same code)
      String next = code.equals(specCode.get()) ? "s|" + templateId : "";
      CAS.run(jedis, List.of(key), List.of(code, mine, next));
      return false;
    }
    List<?> r = (List<?>) CAS.run(jedis, List.of(key), List.of(code, mine, "s|" + templateId));
    if ((Long) r.get(0) == 0L && !("s|" + templateId).equals(r.get(1))) {
      unstore.run(); // another insert took the entry over while this one was storing its template
      throw sharedCodeTaken(code);
    }
    return true;
  }

  /** The refusal of a template whose shared code another template or an import has (as the in-memory store). */
  static CouponException sharedCodeTaken(String code) {
    return CouponException.invalidTemplate(List.of(new Violation("sharedCode",
        "'" + code + "' is already a code of another template")));
  }

  /**
   * The template a code is indexed to: an imported or a shared code, or a pending shared code whose template
   * exists.
   *
   * @param code the code
   * @return the template id, or null
   */
  String find(String code) {
    String v = jedis.hget(keys.codeIndex(code), code);
    if (v == null) {
      return null;
    }
    String t = v.substring(2);
    return !v.startsWith("p|") || jedis.exists(keys.meta(t)) ? t : null;
  }

  /**
   * The templates whose slots hold the claim records of these codes: a generated code names its template; any
   * other can only be an imported code, found in the index (one pipelined round trip, only when there is one).
   *
   * @param codes codes as given by a caller, possibly malformed
   * @return one template id per code, null when the code names none
   */
  List<String> templatesOf(List<String> codes) {
    List<String> out = new ArrayList<>(codes.size());
    boolean indexed = false;
    for (String code : codes) {
      boolean generated = CodeFormat.hasGeneratedShape(code);
      out.add(generated ? Keys.templateOf(code) : null);
      indexed |= !generated;
    }
    if (!indexed) {
      return out;
    }
    List<Response<String>> replies = new ArrayList<>(codes.size());
    try (AbstractPipeline p = jedis.pipelined()) {
      for (int i = 0; i < codes.size(); i++) {
        replies.add(CodeFormat.hasGeneratedShape(codes.get(i)) ? null
            : p.hget(keys.codeIndex(codes.get(i)), codes.get(i)));
      }
      p.sync();
    }
    for (int i = 0; i < codes.size(); i++) {
      String v = replies.get(i) == null ? null : replies.get(i).get();
      if (v != null && imported(v)) {
        out.set(i, v.substring(2)); // shared codes are no coupon's code
      }
    }
    return out;
  }
}
