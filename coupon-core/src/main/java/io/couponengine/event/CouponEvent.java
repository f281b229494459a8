package io.couponengine.event;

import io.couponengine.coupon.Coupon;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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

  /** Copies the collections. */
  public CouponEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(occurredAt, "occurredAt");
    coupons = coupons == null ? List.of() : List.copyOf(coupons);
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  /**
   * An event about one coupon, with id {@code TYPE:couponId}.
   *
   * @param type CLAIMED or EXPIRED
   * @param at when
   * @param coupon the coupon after the change
   * @return the event
   */
  public static CouponEvent ofCoupon(EventType type, Instant at, Coupon coupon) {
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
   */
  public static CouponEvent ofOrder(EventType type, Instant at, String orderId, String userId, List<Coupon> coupons) {
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
   */
  public static CouponEvent ofTemplate(EventType type, Instant at, String templateId, Map<String, String> details) {
    String suffix = type == EventType.GENERATION_PROGRESS ? ":" + details.get("generated") : "";
    return new CouponEvent(type + ":" + templateId + suffix, type, at, templateId, null, null, List.of(), details);
  }
}
