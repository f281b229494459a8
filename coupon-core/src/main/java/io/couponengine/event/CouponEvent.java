package io.couponengine.event;

import io.couponengine.coupon.Coupon;
import io.couponengine.error.CouponException;
import io.couponengine.internal.Preconditions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Something that happened to a template or coupon. Immutable.
 *
 * <p>The {@link #id()} is deterministic for state changes ({@code CLAIMED:<couponId>},
 * {@code COMMITTED:<orderId>}, ...), so an event delivered twice, or by two paths (the engine's listener and a
 * store's durable stream), carries the same id: listeners that must apply an event exactly once key on it.
 *
 * @param id the event id, stable across redeliveries
 * @param type what happened
 * @param occurredAt when
 * @param templateId the template concerned, or null for order events spanning several templates
 * @param userId the user concerned, or null
 * @param orderId the order for RESERVED/COMMITTED/RELEASED, else null
 * @param coupons the coupons after the change (CLAIMED, EXPIRED: one; order events: the order's coupons)
 * @param details extra facts, for example {@code generated}/{@code total} or {@code reason}
 */
public record CouponEvent(String id, EventType type, Instant occurredAt, String templateId, String userId,
                          String orderId, List<Coupon> coupons, Map<String, String> details) {

  /** The longest event id: a type, a colon and an id, with room for a suffix. */
  public static final int MAX_EVENT_ID_LENGTH = 2 * Preconditions.MAX_ID_LENGTH;

  /**
   * Checks the parts and copies the collections (null becomes empty).
   *
   * @param id the event id, stable across redeliveries
   * @param type what happened
   * @param occurredAt when
   * @param templateId the template concerned, or null for order events spanning several templates
   * @param userId the user concerned, or null
   * @param orderId the order for RESERVED/COMMITTED/RELEASED, else null
   * @param coupons the coupons after the change (CLAIMED, EXPIRED: one; order events: the order's coupons)
   * @param details extra facts, for example {@code generated}/{@code total} or {@code reason}
   * @throws CouponException INVALID_ARGUMENT naming {@code id} when it is null, blank, invisible only, longer than
   *     {@value #MAX_EVENT_ID_LENGTH} characters or holds control characters; {@code type} or {@code occurredAt}
   *     when null; {@code templateId}, {@code userId} or {@code orderId} when present but not an id;
   *     {@code coupons[i]} when null; {@code details} when it holds a null key or value
   */
  public CouponEvent {
    Preconditions.requireText(id, "id", MAX_EVENT_ID_LENGTH);
    Preconditions.requireArg(type, "type");
    Preconditions.requireArg(occurredAt, "occurredAt");
    optionalId(templateId, "templateId");
    optionalId(userId, "userId");
    optionalId(orderId, "orderId");
    coupons = coupons == null ? List.of() : Preconditions.requireElements(coupons, "coupons");
    if (details != null) {
      for (Map.Entry<String, String> e : details.entrySet()) {
        if (e.getKey() == null || e.getValue() == null) {
          throw CouponException.invalidField("details", "must not hold a null key or value");
        }
      }
    }
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  private static void optionalId(String value, String name) {
    if (value != null) {
      Preconditions.requireId(value, name);
    }
  }

  /**
   * An event about one coupon, with id {@code TYPE:couponId}.
   *
   * @param type CLAIMED or EXPIRED
   * @param at when
   * @param coupon the coupon after the change
   * @return the event
   * @throws CouponException INVALID_ARGUMENT naming {@code type}, {@code at} or {@code coupon} when null
   */
  public static CouponEvent ofCoupon(EventType type, Instant at, Coupon coupon) {
    Preconditions.requireArg(coupon, "coupon");
    return new CouponEvent(type + ":" + coupon.id(), type, at, coupon.templateId(), coupon.userId(), null,
        List.of(coupon), Map.of());
  }

  /**
   * An event about an order, with id {@code TYPE:orderId}.
   *
   * @param type RESERVED, COMMITTED or RELEASED
   * @param at when
   * @param orderId the order
   * @param userId the user
   * @param coupons the order's coupons after the change
   * @return the event
   * @throws CouponException INVALID_ARGUMENT naming {@code type} or {@code at} when null, {@code orderId} when not an
   *     id, {@code userId} when present but not an id, {@code coupons[i]} when null
   */
  public static CouponEvent ofOrder(EventType type, Instant at, String orderId, String userId, List<Coupon> coupons) {
    Preconditions.requireId(orderId, "orderId");
    return new CouponEvent(type + ":" + orderId, type, at, null, userId, orderId, coupons, Map.of());
  }

  /**
   * An event about a template, with id {@code TYPE:templateId[:suffix]}.
   *
   * @param type a TEMPLATE_* or GENERATION_PROGRESS type
   * @param at when
   * @param templateId the template
   * @param details extra facts
   * @return the event
   * @throws CouponException INVALID_ARGUMENT naming {@code type}, {@code at} or {@code details} when null,
   *     {@code templateId} when not an id, {@code details} when it holds a null key or value
   */
  public static CouponEvent ofTemplate(EventType type, Instant at, String templateId, Map<String, String> details) {
    Preconditions.requireArg(type, "type");
    Preconditions.requireId(templateId, "templateId");
    Preconditions.requireArg(details, "details");
    String suffix = switch (type) {
      case GENERATION_PROGRESS -> ":" + details.get("generated");
      case GRANT_PROGRESS -> ":" + details.get("grantId") + ":" + details.get("processed");
      case CODES_IMPORTED -> ":" + details.get("read") + ":" + details.get("imported");
      default -> "";
    };
    return new CouponEvent(type + ":" + templateId + suffix, type, at, templateId, null, null, List.of(), details);
  }

  /**
   * An event about a store rather than a template or a coupon (a store decorator's health), with id
   * {@code TYPE:store:epochMillis}.
   *
   * @param type STORE_STATE_CHANGED
   * @param at when
   * @param store the name of the store (a decorator's name)
   * @param details extra facts, for example {@code from} and {@code to}
   * @return the event
   * @throws CouponException INVALID_ARGUMENT naming {@code type}, {@code at} or {@code details} when null,
   *     {@code store} when not an id, {@code details} when it holds a null key or value
   */
  public static CouponEvent ofStore(EventType type, Instant at, String store, Map<String, String> details) {
    Preconditions.requireArg(type, "type");
    Preconditions.requireArg(at, "at");
    Preconditions.requireId(store, "store");
    Preconditions.requireArg(details, "details");
    return new CouponEvent(type + ":" + store + ":" + at.toEpochMilli() + ":" + details.getOrDefault("to", ""),
        type, at, null, null, null, List.of(), details);
  }
}
