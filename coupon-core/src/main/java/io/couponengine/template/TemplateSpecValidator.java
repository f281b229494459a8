package io.couponengine.template;

import io.couponengine.code.CodeFormat;
import io.couponengine.error.CouponException;
import io.couponengine.error.Violation;
import io.couponengine.internal.Preconditions;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** All static rules of a {@link TemplateSpec}, checked in one pass (compare HikariConfig.validate()). */
final class TemplateSpecValidator {
  static final int MAX_NAME = 100;
  static final int MAX_DESCRIPTION = 1000;
  static final int MAX_ID = 64;
  static final int MAX_SCOPE_ENTRIES = 1000;
  private static final BigDecimal HUNDRED = new BigDecimal(100);
  private static final BigDecimal MAX_AMOUNT = new BigDecimal("100000000");
  private static final Duration MIN_ROLLING = Duration.ofMinutes(1);
  private static final Duration MAX_ROLLING = Duration.ofDays(3650);

  private TemplateSpecValidator() {}

  static void requireValid(String name, String description, CouponCategory category, String productLine,
      long totalCount, int perUserLimit, Validity validity, Discount discount, Scope scope, Stacking stacking,
      String operatorId, String codePrefix, BigDecimal minimumSubtotal, int minimumQuantity,
      ClaimWindow claimWindow, String sharedCode, Distribution distribution, CodeRules externalCodes, int shards) {
    List<Violation> v = new ArrayList<>();
    text(v, "name", name, MAX_NAME, true);
    text(v, "description", description, MAX_DESCRIPTION, false);
    text(v, "productLine", productLine, MAX_ID, true);
    text(v, "operatorId", operatorId, MAX_ID, false);
    if (category == null) {
      v.add(new Violation("category", "must not be null"));
    }
    distribution(v, totalCount, sharedCode, distribution, externalCodes);
    shards(v, shards, sharedCode, distribution, externalCodes);
    if (perUserLimit < 1 || perUserLimit > TemplateSpec.MAX_PER_USER_LIMIT) {
      v.add(new Violation("perUserLimit", "must be between 1 and " + TemplateSpec.MAX_PER_USER_LIMIT));
    }
    validity(v, validity);
    claimWindow(v, claimWindow, validity);
    discount(v, discount, category);
    for (String t : scope.goodsTypes()) {
      text(v, "scope.goodsTypes", t, MAX_ID, true);
    }
    for (String r : scope.regions()) {
      text(v, "scope.regions", r, MAX_ID, true);
    }
    if (scope.goodsTypes().size() + scope.regions().size() > MAX_SCOPE_ENTRIES) {
      v.add(new Violation("scope", "must have at most " + MAX_SCOPE_ENTRIES + " entries"));
    }
    for (String id : stacking.templateIds()) {
      text(v, "stacking.templateIds", id, MAX_ID, true);
    }
    if (minimumSubtotal != null) {
      if (minimumSubtotal.signum() < 0) {
        v.add(new Violation("minimumSubtotal", "must not be negative"));
      } else if (minimumSubtotal.stripTrailingZeros().scale() > 2) {
        v.add(new Violation("minimumSubtotal", "must have at most 2 decimals"));
      } else if (minimumSubtotal.compareTo(MAX_AMOUNT) > 0) {
        v.add(new Violation("minimumSubtotal", "must be at most " + MAX_AMOUNT.toPlainString()));
      }
    }
    if (minimumQuantity < 0 || minimumQuantity > TemplateSpec.MAX_MINIMUM_QUANTITY) {
      v.add(new Violation("minimumQuantity", "must be 0 (none) or between 1 and "
          + TemplateSpec.MAX_MINIMUM_QUANTITY));
    }
    if (codePrefix != null && !CodeFormat.isValidPrefix(codePrefix)) {
      v.add(new Violation("codePrefix", "must be 1 to " + CodeFormat.MAX_PREFIX
          + " characters of " + CodeFormat.ALPHABET));
    }
    if (!v.isEmpty()) {
      throw CouponException.invalidTemplate(v);
    }
  }

  /**
   * The distribution rules: the shared code's shape, CODE_ENTRY without a shared code, and a total of 0 exactly
   * when the codes are imported.
   */
  private static void distribution(List<Violation> v, long totalCount, String sharedCode, Distribution distribution,
      CodeRules externalCodes) {
    if (externalCodes != null && totalCount != 0) {
      v.add(new Violation("totalCount", "must be 0 (unset) for external codes: the total is what is imported"));
    } else if (externalCodes == null && (totalCount < 1 || totalCount > TemplateSpec.MAX_TOTAL_COUNT)) {
      v.add(new Violation("totalCount", "must be between 1 and " + TemplateSpec.MAX_TOTAL_COUNT));
    }
    if (sharedCode != null) {
      if (sharedCode.length() < TemplateSpec.MIN_SHARED_CODE || sharedCode.length() > TemplateSpec.MAX_SHARED_CODE
          || !sharedCode.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
          || c == '_')) {
        v.add(new Violation("sharedCode", "must be " + TemplateSpec.MIN_SHARED_CODE + " to "
            + TemplateSpec.MAX_SHARED_CODE + " letters, digits, '-' or '_'"));
      } else if (CodeFormat.hasGeneratedShape(sharedCode)) {
        v.add(new Violation("sharedCode", "must not have the shape of a generated code"));
      }
      if (distribution == Distribution.CODE_ENTRY) {
        v.add(new Violation("distribution", "must be CLAIM with a shared code"));
      }
    }
  }

  /**
   * The sub-pool count: 1 to MAX_SHARDS, and above 1 only where a store can split the pool exactly: a generated
   * CLAIM pool (a code entered by a user, a shared code and imported codes have no user-to-sub-pool rule).
   */
  private static void shards(List<Violation> v, int shards, String sharedCode, Distribution distribution,
      CodeRules externalCodes) {
    if (shards < 1 || shards > TemplateSpec.MAX_SHARDS) {
      v.add(new Violation("shards", "must be between 1 and " + TemplateSpec.MAX_SHARDS));
    } else if (shards > 1) {
      if (distribution == Distribution.CODE_ENTRY) {
        v.add(new Violation("shards", "must be 1 for a CODE_ENTRY template (a code is bound by whoever enters it)"));
      }
      if (sharedCode != null) {
        v.add(new Violation("shards", "must be 1 with a shared code"));
      }
      if (externalCodes != null) {
        v.add(new Violation("shards", "must be 1 for external (imported) codes"));
      }
    }
  }

  private static void text(List<Violation> v, String field, String value, int max, boolean required) {
    if (value == null) {
      if (required) {
        v.add(new Violation(field, "must not be null"));
      }
    } else if (value.isBlank()) {
      v.add(new Violation(field, "must not be blank"));
    } else {
      try { // the shared rule: at most max characters, a visible one (not only U+00A0 or U+200B), no control ones
        Preconditions.requireText(value, field, max);
      } catch (CouponException e) {
        v.addAll(e.violations());
      }
    }
  }

  private static void claimWindow(List<Violation> v, ClaimWindow window, Validity validity) {
    if (window == null) {
      return;
    }
    if (!window.from().isBefore(window.until())) {
      v.add(new Violation("claimWindow.until", "must be after claimWindow.from"));
    }
    if (validity != null && validity.kind() == Validity.Kind.FIXED && validity.to() != null
        && window.until().isAfter(validity.to())) {
      v.add(new Violation("claimWindow.until", "must not be after the fixed use window's end validity.to"));
    }
  }

  private static void validity(List<Violation> v, Validity validity) {
    if (validity == null) {
      v.add(new Violation("validity", "must not be null"));
      return;
    }
    if (validity.kind() == Validity.Kind.FIXED) {
      if (validity.from() == null) {
        v.add(new Violation("validity.from", "must not be null for a fixed window"));
      }
      if (validity.to() == null) {
        v.add(new Violation("validity.to", "must not be null for a fixed window"));
      }
      if (validity.from() != null && validity.to() != null && !validity.to().isAfter(validity.from())) {
        v.add(new Violation("validity.to", "must be after validity.from"));
      }
      if (validity.duration() != null) {
        v.add(new Violation("validity.duration", "must be null for a fixed window"));
      }
    } else {
      Duration d = validity.duration();
      if (d == null) {
        v.add(new Violation("validity.duration", "must not be null for a rolling validity"));
      } else if (d.compareTo(MIN_ROLLING) < 0 || d.compareTo(MAX_ROLLING) > 0) {
        v.add(new Violation("validity.duration", "must be between 1 minute and 3650 days"));
      }
      if (validity.from() != null || validity.to() != null) {
        v.add(new Violation("validity", "from and to must be null for a rolling validity"));
      }
    }
  }

  private static void discount(List<Violation> v, Discount d, CouponCategory category) {
    if (d == null) {
      v.add(new Violation("discount", "must not be null"));
      return;
    }
    if (category != null && category.discountKind() != d.kind()) {
      v.add(new Violation("discount.kind", "must be " + category.discountKind() + " for category " + category));
    }
    switch (d.kind()) {
      case THRESHOLD -> {
        money(v, "discount.threshold", d.threshold());
        money(v, "discount.amount", d.amount());
        if (d.threshold() != null && d.amount() != null && d.amount().compareTo(d.threshold()) > 0) {
          v.add(new Violation("discount.amount", "must not exceed discount.threshold"));
        }
        absent(v, "discount.percent", d.percent());
        absent(v, "discount.cap", d.cap());
      }
      case AMOUNT_OFF -> {
        money(v, "discount.amount", d.amount());
        absent(v, "discount.threshold", d.threshold());
        absent(v, "discount.percent", d.percent());
        absent(v, "discount.cap", d.cap());
      }
      case PERCENT_OFF -> {
        BigDecimal p = d.percent();
        if (p == null) {
          v.add(new Violation("discount.percent", "must not be null"));
        } else if (p.signum() <= 0 || p.compareTo(HUNDRED) > 0) {
          v.add(new Violation("discount.percent", "must be greater than 0 and at most 100"));
        } else if (p.stripTrailingZeros().scale() > 2) {
          v.add(new Violation("discount.percent", "must have at most 2 decimals"));
        }
        if (d.cap() != null) {
          money(v, "discount.cap", d.cap());
        }
        absent(v, "discount.threshold", d.threshold());
        absent(v, "discount.amount", d.amount());
      }
    }
  }

  private static void money(List<Violation> v, String field, BigDecimal m) {
    if (m == null) {
      v.add(new Violation(field, "must not be null"));
    } else if (m.signum() <= 0) {
      v.add(new Violation(field, "must be positive"));
    } else if (m.stripTrailingZeros().scale() > 2) {
      v.add(new Violation(field, "must have at most 2 decimals"));
    } else if (m.compareTo(MAX_AMOUNT) > 0) {
      v.add(new Violation(field, "must be at most " + MAX_AMOUNT.toPlainString()));
    }
  }

  private static void absent(List<Violation> v, String field, Object value) {
    if (value != null) {
      v.add(new Violation(field, "must be null for this discount kind"));
    }
  }
}
