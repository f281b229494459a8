package io.couponengine;

import static io.couponengine.internal.Preconditions.requireId;

import io.couponengine.code.CodeFormat;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.coupon.RedemptionOutcome;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.error.CouponException;
import io.couponengine.error.ErrorCode;
import io.couponengine.event.EventType;
import io.couponengine.internal.Preconditions;
import io.couponengine.settlement.AppliedCoupon;
import io.couponengine.settlement.BestCombination;
import io.couponengine.settlement.BestCombinationResult;
import io.couponengine.settlement.Cart;
import io.couponengine.settlement.PricedReservation;
import io.couponengine.settlement.RejectedCoupon;
import io.couponengine.settlement.RejectionReason;
import io.couponengine.settlement.SettlementCalculator;
import io.couponengine.settlement.SettlementResult;
import io.couponengine.spi.CouponStore;
import io.couponengine.spi.ReserveCommand;
import io.couponengine.template.Template;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Checkout: prices carts with the pure {@link SettlementCalculator} over coupons and templates read from the store,
 * and runs the order's redemption steps (reserve, commit, release) as single store operations.
 */
final class Checkout {
  private final CouponStore store;
  private final Clock clock;
  private final EventBus events;
  private final Duration reservationTimeout;
  private final SettlementCalculator calculator;

  /**
   * Creates the checkout of one engine.
   *
   * @param store the store
   * @param clock the clock
   * @param events where redemption events go
   * @param reservationTimeout how long a reservation holds its coupons
   * @param calculator the settlement calculator (policy and executors)
   */
  Checkout(CouponStore store, Clock clock, EventBus events, Duration reservationTimeout,
      SettlementCalculator calculator) {
    this.store = store;
    this.clock = clock;
    this.events = events;
    this.reservationTimeout = reservationTimeout;
    this.calculator = calculator;
  }

  /**
   * Prices a cart with the coupons behind the given codes. Each code is normalized and its check character verified
   * before any store is consulted; the coupons and their templates are read from the store and handed to the pure
   * {@link SettlementCalculator} with the configured policy and executors. Nothing is reserved: call
   * {@link #reserve reserve} with the applied codes when the order is placed.
   *
   * <pre>{@code
   * SettlementResult r = engine.settle(cart, List.of("TH-K7PXQ2-ABCD-EFGHJ"));
   * r.finalPrice();
   * }</pre>
   *
   * @param cart the cart; only coupons of {@code cart.userId()} apply
   * @param codes the codes the buyer entered, at most {@value CouponEngine#MAX_CODES_PER_ORDER}, in priority order (when two
   *     cannot be combined the earlier one is kept); may be empty
   * @return the settlement; a malformed code or one no coupon has is rejected with
   *     {@link RejectionReason#UNKNOWN_COUPON} (these rejections come after the calculator's)
   * @throws CouponException INVALID_ARGUMENT for a null cart, list or code, too many codes or a code given twice;
   *     STORE_UNAVAILABLE
   */
  SettlementResult settle(Cart cart, List<String> codes) {
    return price(cart, codes, clock.instant(), null);
  }

  /**
   * Settles a cart and, if the settlement applies every code, reserves them with what each saves, all or none.
   *
   * @param cart the cart; its user places the order
   * @param orderId the order
   * @param codes 1 to {@value CouponEngine#MAX_CODES_PER_ORDER} distinct codes
   * @return the settlement and the reservation
   * @throws CouponException INVALID_ARGUMENT, INVALID_CODE, STORE_UNAVAILABLE
   */
  PricedReservation reserve(Cart cart, String orderId, List<String> codes) {
    Preconditions.requireArg(cart, "cart");
    requireId(orderId, "orderId");
    if (codes == null || codes.isEmpty() || codes.size() > CouponEngine.MAX_CODES_PER_ORDER) {
      throw CouponException.invalidField("codes", "must hold 1 to %d codes", CouponEngine.MAX_CODES_PER_ORDER);
    }
    List<String> canonical = canonicalCodes(codes);
    Instant now = clock.instant();
    SettlementResult priced = price(cart, canonical, now, orderId);
    if (!priced.rejected().isEmpty()) {
      RejectedCoupon first = firstInBuyersOrder(priced.rejected(), canonical);
      return new PricedReservation(
          RedemptionResult.refused(refusal(first.reason()), orderId, null, first.code()), priced);
    }
    Map<String, BigDecimal> savings = new LinkedHashMap<>();
    for (AppliedCoupon a : priced.applied()) {
      savings.put(a.code(), a.saved());
    }
    ReserveCommand command = new ReserveCommand(cart.userId(), orderId, canonical, now, now.plus(reservationTimeout),
        savings);
    RedemptionResult result = StoreCalls.call("reserve", () -> store.reserve(command));
    events.publishOrder(EventType.RESERVED, now, result);
    return new PricedReservation(result, priced);
  }

  private static RejectedCoupon firstInBuyersOrder(List<RejectedCoupon> rejected, List<String> codes) {
    RejectedCoupon first = rejected.get(0);
    for (RejectedCoupon r : rejected) {
      if (codes.indexOf(r.code()) >= 0 && codes.indexOf(r.code()) < codes.indexOf(first.code())) {
        first = r;
      }
    }
    return first;
  }

  /** The reservation outcome for a coupon the settlement would not apply. */
  private static RedemptionOutcome refusal(RejectionReason reason) {
    return switch (reason) {
      case UNKNOWN_COUPON -> RedemptionOutcome.UNKNOWN_CODE;
      case NOT_OWNER -> RedemptionOutcome.NOT_OWNER;
      case EXPIRED -> RedemptionOutcome.EXPIRED;
      case NOT_USABLE -> RedemptionOutcome.NOT_USABLE;
      case NOT_YET_VALID -> RedemptionOutcome.NOT_YET_VALID;
      default -> RedemptionOutcome.NOT_APPLICABLE;
    };
  }

  private static List<String> canonicalCodes(List<String> codes) {
    LinkedHashSet<String> canonical = new LinkedHashSet<>();
    for (String code : codes) {
      if (!canonical.add(CodeFormat.canonicalize(code))) {
        throw CouponException.invalidField("codes", "must not hold '%s' twice", code);
      }
    }
    return List.copyOf(canonical);
  }

  /**
   * Settles with the coupons behind {@code codes}; a coupon already RESERVED for {@code ownOrder} is priced as the
   * usable coupon it was, so a repeated priced reservation settles as the first did and the store replays it.
   */
  private SettlementResult price(Cart cart, List<String> codes, Instant now, String ownOrder) {
    if (cart == null) {
      throw CouponException.invalidField("cart", "must not be null");
    }
    if (codes == null || codes.size() > CouponEngine.MAX_CODES_PER_ORDER) {
      throw CouponException.invalidField("codes", "must hold 0 to %d codes", CouponEngine.MAX_CODES_PER_ORDER);
    }
    List<Coupon> found = new ArrayList<>(codes.size());
    List<RejectedCoupon> unknown = new ArrayList<>();
    Map<String, Template> templates = new HashMap<>();
    LinkedHashSet<String> seen = new LinkedHashSet<>();
    for (String code : codes) {
      if (code == null) {
        throw CouponException.invalidField("codes", "must not contain null");
      }
      String canonical;
      try {
        canonical = CodeFormat.canonicalize(code);
      } catch (CouponException e) {
        if (e.code() != ErrorCode.INVALID_CODE) {
          throw e;
        }
        // a malformed code is still a duplicate when given twice: compare it as a canonical code would be
        if (!seen.add(code.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT))) {
          throw CouponException.invalidField("codes", "must not hold '%s' twice", code);
        }
        unknown.add(new RejectedCoupon(code, null, RejectionReason.UNKNOWN_COUPON));
        continue;
      }
      if (!seen.add(canonical)) {
        throw CouponException.invalidField("codes", "must not hold '%s' twice", code);
      }
      Optional<Coupon> coupon = StoreCalls.call("find coupon", () -> store.findCouponByCode(canonical));
      if (coupon.isEmpty()) {
        unknown.add(new RejectedCoupon(canonical, null, RejectionReason.UNKNOWN_COUPON));
      } else {
        Coupon c = coupon.get();
        boolean ours = ownOrder != null && c.status() == CouponStatus.RESERVED && ownOrder.equals(c.orderId());
        found.add(ours ? c.withStatus(CouponStatus.USABLE, null) : c);
        loadSettlementTemplate(templates, c.templateId());
      }
    }
    return calculator.settle(cart, found, templates, now).withRejected(unknown);
  }

  /**
   * Finds the combination of the cart user's usable coupons that gives the lowest price (see
   * {@link BestCombination} for the search and its tie rules) and settles it.
   *
   * <pre>{@code
   * BestCombinationResult best = engine.bestCombination(cart);
   * engine.reserve(cart.userId(), orderId, best.coupons().stream().map(Coupon::code).toList());
   * }</pre>
   *
   * @param cart the cart
   * @return the best combination (empty when no coupon lowers the price) and its settlement; when the user holds
   *     more than {@value BestCombination#MAX_COUPONS} usable coupons, the ones expiring first are considered
   * @throws CouponException INVALID_ARGUMENT for a null cart, STORE_UNAVAILABLE
   */
  BestCombinationResult bestCombination(Cart cart) {
    if (cart == null) {
      throw CouponException.invalidField("cart", "must not be null");
    }
    Instant now = clock.instant();
    List<Coupon> usable = new ArrayList<>();
    for (Coupon c : StoreCalls.call("find coupons", () -> store.findCouponsByUser(cart.userId()))) {
      if (c.statusAt(now) == CouponStatus.USABLE) {
        usable.add(c);
      }
    }
    if (usable.size() > BestCombination.MAX_COUPONS) {
      usable.sort((a, b) -> a.expiresAt().compareTo(b.expiresAt()));
      usable = new ArrayList<>(usable.subList(0, BestCombination.MAX_COUPONS));
    }
    Map<String, Template> templates = new HashMap<>();
    for (Coupon c : usable) {
      loadSettlementTemplate(templates, c.templateId());
    }
    return new BestCombination(calculator).find(cart, usable, templates, now);
  }

  private void loadSettlementTemplate(Map<String, Template> templates, String templateId) {
    if (!templates.containsKey(templateId)) {
      StoreCalls.call("find template", () -> store.findTemplate(templateId))
          .ifPresent(t -> templates.put(templateId, t));
    }
  }

  /**
   * Reserves coupons for an order, all or none: USABLE → RESERVED. Idempotent by order id. A reservation not
   * committed or released within the reservation timeout is released by the sweeper.
   *
   * @param userId the user placing the order (every code must be theirs)
   * @param orderId the order id
   * @param codes the codes to reserve, 1 to {@value CouponEngine#MAX_CODES_PER_ORDER}, distinct
   * @return RESERVED, or a refusal naming the offending code
   * @throws CouponException INVALID_ARGUMENT, INVALID_CODE, STORE_UNAVAILABLE
   */
  RedemptionResult reserve(String userId, String orderId, List<String> codes) {
    requireId(userId, "userId");
    requireId(orderId, "orderId");
    if (codes == null || codes.isEmpty() || codes.size() > CouponEngine.MAX_CODES_PER_ORDER) {
      throw CouponException.invalidField("codes", "must hold 1 to %d codes", CouponEngine.MAX_CODES_PER_ORDER);
    }
    List<String> canonical = canonicalCodes(codes);
    Instant now = clock.instant();
    ReserveCommand command = new ReserveCommand(userId, orderId, canonical, now,
        now.plus(reservationTimeout));
    RedemptionResult result = StoreCalls.call("reserve", () -> store.reserve(command));
    events.publishOrder(EventType.RESERVED, now, result);
    return result;
  }

  /**
   * Commits an order's reservation: RESERVED → USED. Idempotent by order id.
   *
   * @param orderId the order
   * @return COMMITTED (also for a late payment: a released order whose coupons are all still usable is committed
   *     again, re-taking them), ORDER_EXPIRED (released and one of its coupons is gone: nothing taken),
   *     ORDER_NOT_FOUND, or ORDER_CONFLICT (the order was reverted)
   * @throws CouponException INVALID_ARGUMENT, STORE_UNAVAILABLE
   */
  RedemptionResult commit(String orderId) {
    return finish(orderId, EventType.COMMITTED, store::commit);
  }

  /**
   * Releases an order's reservation: RESERVED → USABLE (for example when the order is cancelled). Idempotent by
   * order id.
   *
   * @param orderId the order
   * @return RELEASED, ORDER_NOT_FOUND or ORDER_CONFLICT (the order was committed)
   * @throws CouponException INVALID_ARGUMENT, STORE_UNAVAILABLE
   */
  RedemptionResult release(String orderId) {
    return finish(orderId, EventType.RELEASED, store::release);
  }

  /**
   * Reverts a committed order.
   *
   * @param orderId the order
   * @return REVERTED, NOT_COMMITTED or ORDER_NOT_FOUND
   * @throws CouponException INVALID_ARGUMENT, STORE_UNAVAILABLE
   */
  RedemptionResult revert(String orderId) {
    return finish(orderId, EventType.REVERTED, store::revert);
  }

  private RedemptionResult finish(String orderId, EventType type, BiFunction<String, Instant, RedemptionResult> step) {
    requireId(orderId, "orderId");
    Instant now = clock.instant();
    RedemptionResult result = StoreCalls.call(type.name().toLowerCase(Locale.ROOT),
        () -> step.apply(orderId, now));
    events.publishOrder(type, now, result);
    return result;
  }
}
