package io.couponengine.redis;

import io.couponengine.code.CodeFormat;
import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * The key layout. Every key of one template carries the hash tag {@code {t:<templateId>}}; every key of one user
 * carries {@code {u:<bucket>}} where the bucket is {@code crc32(userId) mod USER_BUCKETS}, so a user's coupon states,
 * orders and the bucket's event stream share one slot and each script touches exactly one slot (Redis Cluster).
 * The store-wide code index (shared and imported codes) is sharded the same way by the code, {@code {c:<bucket>}}.
 */
final class Keys {
  /** Fixed: changing it moves every user to another slot (a data migration). */
  static final int USER_BUCKETS = 64;
  /** Fixed: changing it moves every indexed code to another bucket (a data migration). */
  static final int CODE_BUCKETS = 64;

  private final String prefix;

  Keys(String prefix) {
    this.prefix = prefix;
  }

  /**
   * Checks a key prefix given to a public constructor or builder: an id (visible, at most
   * {@value Preconditions#MAX_ID_LENGTH} characters, no control characters) without braces, since a brace would
   * change the hash tag and so the slot of every key.
   *
   * @param prefix the prefix
   * @param field the argument's name, for the message
   * @return the prefix
   * @throws CouponException INVALID_ARGUMENT naming the field
   */
  static String requirePrefix(String prefix, String field) {
    Preconditions.requireId(prefix, field);
    if (prefix.contains("{") || prefix.contains("}")) {
      throw CouponException.invalidField(field, "must not contain braces but was '%s'", prefix);
    }
    return prefix;
  }

  String prefix() {
    return prefix;
  }

  // ---- template slot --------------------------------------------------------------------------------------------

  private String t(String templateId, String suffix) {
    return prefix + ":{t:" + templateId + "}:" + suffix;
  }

  /**
   * The claim scripts' fixed keys of a template, built once per template: meta, pool, uc, cp, dueb, events, epool.
   *
   * @param templateId the template
   * @return seven keys, in that order (do not modify)
   */
  String[] templateKeys(String templateId) {
    return templateKeys.computeIfAbsent(templateId, id -> new String[] {
        meta(id), pool(id), userClaims(id), claims(id), dueBuckets(id), templateEvents(id), entryPool(id)});
  }

  /** Template ids reach here only after the engine found the template, so this stays as small as the catalogue. */
  private final ConcurrentHashMap<String, String[]> templateKeys = new ConcurrentHashMap<>();

  /**
   * Hash: json, status, loaded, added (codes added after creation), key (the code-permutation key, set once), dist
   * ({@code CODE_ENTRY} for a template whose codes are bound by entry; absent otherwise).
   */
  String meta(String templateId) {
    return t(templateId, "meta");
  }

  /** List of codes not yet issued (a CLAIM template: LPOP at the head by claims, RPUSH at the tail by loads). */
  String pool(String templateId) {
    return t(templateId, "pool");
  }

  /**
   * Sorted set of the codes not yet bound of a CODE_ENTRY template, scored by load serial (1 for the first code
   * loaded): removal by code in O(log n) when one is entered, and paging by score for {@code scanPool}.
   */
  String entryPool(String templateId) {
    return t(templateId, "epool");
  }

  /**
   * Set of every code ever imported into the template (never shrinks): an import pools only codes not in it, so a
   * re-run never pools again a code that was issued meanwhile.
   */
  String imported(String templateId) {
    return t(templateId, "imp");
  }

  /**
   * Hash: user → the user's codes of the template in claim order, space separated. The number of codes is the
   * number of claims the user made (codes are never removed), so it is also the per-user count.
   */
  String userClaims(String templateId) {
    return t(templateId, "uc");
  }

  /** Hash: code → claim record ({@link CouponRecord}: the coupon as issued, USABLE; never changed afterwards). */
  String claims(String templateId) {
    return t(templateId, "cp");
  }

  /**
   * Width of one expiry bucket. A claim appends its code to the bucket of its expiry (RPUSH, O(1), no ordering
   * work); the sweep reads the buckets that started at or before now and checks each code's own expiry. Narrow
   * enough that the bucket in progress (read again by every sweep until it has passed) holds minutes of claims,
   * wide enough that a template has few keys (2,016 per week of expiries). Buckets are named by their start, so
   * changing the width needs no migration.
   */
  static final long DUE_BUCKET_MILLIS = 300_000;

  /**
   * The start of the expiry bucket of an instant.
   *
   * @param expiresAtMillis the coupon's expiry, epoch millis
   * @return the bucket's start, epoch millis
   */
  static long dueBucket(long expiresAtMillis) {
    return Math.floorDiv(expiresAtMillis, DUE_BUCKET_MILLIS) * DUE_BUCKET_MILLIS;
  }

  /**
   * List: the codes claimed (or made USABLE again by a revert) whose expiry falls in the bucket starting at
   * {@code bucketStart}, in the order they came; candidates of the active expiry sweep.
   */
  String due(String templateId, long bucketStart) {
    return t(templateId, "due:" + bucketStart);
  }

  /**
   * Sorted set: the start of every non-empty expiry bucket (member and score), written by the claim that creates
   * the bucket's list and removed by the sweep that empties it, so the sweep finds due buckets by score.
   */
  String dueBuckets(String templateId) {
    return t(templateId, "dueb");
  }

  /** String with TTL: the code issued to a (user, idempotency key). */
  String idempotency(String templateId, String userId, String key) {
    return t(templateId, "idem:" + userId.length() + ":" + userId + ":" + key);
  }

  /** Stream of CLAIMED events. */
  String templateEvents(String templateId) {
    return t(templateId, "events");
  }

  // ---- sub-pools of a sharded template (see Shards) ------------------------------------------------------------
  // A shard's keys are the template-slot keys above built from its tag id instead of the template id (shard 0's tag
  // id is the template id itself), so every script runs unchanged on a shard; these three exist only for shards.

  /**
   * Hash of one shard's pool bookkeeping: {@code status} ({@code SHARD}: {@code append.lua} takes it as its meta),
   * {@code loaded} (codes of this shard's serials appended), {@code mvseq} (moves taken from this shard),
   * {@code mvin} (moves applied to this shard).
   */
  String shardState(String tagId) {
    return t(tagId, "shard");
  }

  /** Hash of the moves taken from this shard and not yet finished: move id → {@code <receiver>|<codes>}. */
  String moves(String tagId) {
    return t(tagId, "moves");
  }

  /** Set of the move ids applied to this shard's pool (never shrinks: a late apply of a finished move is a no-op). */
  String movesApplied(String tagId) {
    return t(tagId, "mvapplied");
  }

  /**
   * The template whose slot holds a code's claim record, read from the code itself.
   *
   * @param code a code as given by a caller, possibly malformed
   * @return the template id, or null when the code names none
   */
  static String templateOf(String code) {
    try {
      String t = CodeFormat.templateIdOf(code);
      return CodeFormat.isValidTemplateId(t) ? t : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  // ---- code slot ------------------------------------------------------------------------------------------------

  static int codeBucket(String code) {
    CRC32 crc = new CRC32();
    crc.update(code.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % CODE_BUCKETS);
  }

  /**
   * Hash of one code bucket of the store-wide code index: code → {@code i|<templateId>} (an imported code),
   * {@code s|<templateId>} (a template's shared code) or {@code p|<templateId>} (a shared code taken by an insert
   * that has not confirmed it yet). Sharded by the code's CRC32 into {@value #CODE_BUCKETS} buckets with their own
   * hash tag {@code {c:<bucket>}}, so the index never shares a slot with a template and spreads over a cluster.
   */
  String codeIndex(int bucket) {
    return prefix + ":{c:" + bucket + "}:codes";
  }

  /** The index hash holding {@code code}. */
  String codeIndex(String code) {
    return codeIndex(codeBucket(code));
  }

  /** Set of every template id (its own slot). */
  String registry() {
    return prefix + ":templates";
  }

  // ---- user slot ------------------------------------------------------------------------------------------------

  static int bucket(String userId) {
    CRC32 crc = new CRC32();
    crc.update(userId.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % USER_BUCKETS);
  }

  private String b(int bucket, String suffix) {
    return prefix + ":{u:" + bucket + "}:" + suffix;
  }

  /** Hash: code → current coupon JSON, for coupons whose status changed since the claim (absent = USABLE). */
  String states(String userId) {
    return b(bucket(userId), "st:" + userId);
  }

  /**
   * String with TTL: the user's coupon list cache, a JSON array of the user's coupons as issued, or
   * {@code ?<token>} while a rebuild is in progress; a claim deletes it ({@link UserListCache}).
   */
  String list(String userId) {
    return b(bucket(userId), "list:" + userId);
  }

  /**
   * String, expiring one window length after it was created: the user's failed code entries in one fixed window of
   * {@code windowMillis} ({@code CodeClaimCommand.windowIndex()}); the key names the window, so a new window starts
   * at 0 without a reset.
   */
  String failures(String userId, long windowMillis, long windowIndex) {
    return b(bucket(userId), "fail:" + windowMillis + ":" + windowIndex + ":" + userId);
  }

  /** Hash: order id → order (user, status, codes). */
  String orders(int bucket) {
    return b(bucket, "orders");
  }

  /** Sorted set: reserved order ids by reservedUntil millis. */
  String reservations(int bucket) {
    return b(bucket, "resv");
  }

  /**
   * Hash: the bucket's share of each template's figures, moved by the scripts that change its users' coupons:
   * {@code <templateId>:r} reserved, {@code :u} used, {@code :e} expired, {@code :d} discount given in hundredths,
   * {@code :f} the rest of the discount in units of 1e-8 (integers, HINCRBY only).
   */
  String stats(int bucket) {
    return b(bucket, "stats");
  }

  /** Stream of RESERVED, COMMITTED, RELEASED, REVERTED, EXPIRED events of the bucket's users. */
  String bucketEvents(int bucket) {
    return b(bucket, "events");
  }

  /** String: the user who owns an order id (written before the reservation; its own slot). */
  String orderOwner(String orderId) {
    return prefix + ":order:" + orderId;
  }
}
