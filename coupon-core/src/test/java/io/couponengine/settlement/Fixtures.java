package io.couponengine.settlement;

import io.couponengine.code.CodeFormat;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.CouponStatus;
import io.couponengine.template.CouponCategory;
import io.couponengine.template.Discount;
import io.couponengine.template.Scope;
import io.couponengine.template.Stacking;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateSpec;
import io.couponengine.template.TemplateStatus;
import io.couponengine.template.Validity;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Builders for settlement tests: templates, coupons and carts without an engine. */
final class Fixtures {
  static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
  static final String USER = "user-1";
  private static final AtomicInteger SEQ = new AtomicInteger();

  private Fixtures() {}

  static BigDecimal money(String s) {
    return new BigDecimal(s);
  }

  static CartLine line(String goodsId, String type, String price) {
    return new CartLine(goodsId, type, null, money(price), 1);
  }

  static CartLine line(String goodsId, String type, String price, int quantity) {
    return new CartLine(goodsId, type, null, money(price), quantity);
  }

  static Cart cart(CartLine... lines) {
    return new Cart(USER, List.of(lines));
  }

  static Template threshold(String threshold, String amount, Scope scope, Stacking stacking) {
    return template(CouponCategory.THRESHOLD, Discount.threshold(money(threshold), money(amount)), scope, stacking);
  }

  static Template discount(String percent, Scope scope, Stacking stacking) {
    return template(CouponCategory.DISCOUNT, Discount.percentOff(money(percent)), scope, stacking);
  }

  static Template direct(String amount, Scope scope, Stacking stacking) {
    return template(CouponCategory.DIRECT, Discount.amountOff(money(amount)), scope, stacking);
  }

  /** Every category stacks with every other category (pairs of one category are refused by the calculator). */
  static Stacking stackAll() {
    return Stacking.withCategories(CouponCategory.values());
  }

  static Template template(CouponCategory category, Discount discount, Scope scope, Stacking stacking) {
    return template(category, discount, scope, stacking, null, 0);
  }

  /** A percentage coupon capped at {@code cap}. */
  static Template cappedDiscount(String percent, String cap, Scope scope, Stacking stacking) {
    return template(CouponCategory.DISCOUNT, Discount.percentOff(money(percent)).capped(money(cap)), scope, stacking);
  }

  /** A template with minimums: {@code minimumSubtotal} null or {@code minimumQuantity} 0 for none. */
  static Template template(CouponCategory category, Discount discount, Scope scope, Stacking stacking,
      String minimumSubtotal, int minimumQuantity) {
    String id = templateId(SEQ.incrementAndGet());
    TemplateSpec spec = TemplateSpec.builder()
        .name("test " + id)
        .category(category)
        .productLine("mall")
        .totalCount(1_000)
        .validity(Validity.rolling(Duration.ofDays(7)))
        .discount(discount)
        .scope(scope)
        .stacking(stacking)
        .minimumSubtotal(minimumSubtotal == null ? null : money(minimumSubtotal))
        .minimumQuantity(minimumQuantity)
        .build();
    return new Template(id, spec, TemplateStatus.AVAILABLE, NOW.minusSeconds(3600), null);
  }

  /** A well-formed template id (six characters of the code alphabet) numbered {@code n}, so stacking can name it. */
  static String templateId(int n) {
    char[] id = new char[CodeFormat.TEMPLATE_ID_LENGTH];
    java.util.Arrays.fill(id, 'T');
    for (int i = id.length - 1; i > 0 && n > 0; i--, n /= CodeFormat.RADIX) {
      id[i] = CodeFormat.ALPHABET.charAt(n % CodeFormat.RADIX);
    }
    return new String(id);
  }

  static Coupon coupon(Template t) {
    return coupon(t, USER, CouponStatus.USABLE, NOW.plus(Duration.ofDays(3)));
  }

  static Coupon coupon(Template t, String user, CouponStatus status, Instant expiresAt) {
    int n = SEQ.incrementAndGet();
    return new Coupon("c" + n, "CODE-" + t.id() + "-" + n, t.id(), user, NOW.minusSeconds(60), expiresAt, status,
        status == CouponStatus.USABLE ? null : "order-x");
  }

  static Map<String, Template> byId(Template... templates) {
    Map<String, Template> m = new HashMap<>();
    for (Template t : templates) {
      m.put(t.id(), t);
    }
    return m;
  }

  static Map<String, Template> byId(List<Template> templates) {
    return byId(templates.toArray(new Template[0]));
  }
}
