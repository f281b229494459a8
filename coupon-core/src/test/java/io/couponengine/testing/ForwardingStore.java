package io.couponengine.testing;

import io.couponengine.claim.ClaimResult;
import io.couponengine.coupon.Coupon;
import io.couponengine.coupon.RedemptionResult;
import io.couponengine.spi.ClaimCommand;
import io.couponengine.spi.CouponStore;
import io.couponengine.spi.ReserveCommand;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store underneath that counts every call by method name, and lets a test make a method fail. For tests that
 * prove what the engine does (or does not) ask of its store.
 */
public class ForwardingStore implements CouponStore {
  private final CouponStore delegate;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, RuntimeException> failures = new ConcurrentHashMap<>();

  /**
   * Wraps a store.
   *
   * @param delegate the real store
   */
  public ForwardingStore(CouponStore delegate) {
    this.delegate = delegate;
  }

  /**
   * How often a method was called.
   *
   * @param method the method name
   * @return the count
   */
  public int calls(String method) {
    AtomicInteger n = calls.get(method);
    return n == null ? 0 : n.get();
  }

  /**
   * Total calls of all methods.
   *
   * @return the count
   */
  public int totalCalls() {
    return calls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /**
   * Makes {@code method} throw {@code e} from now on (null to heal).
   *
   * @param method the method name
   * @param e the exception
   */
  public void failOn(String method, RuntimeException e) {
    if (e == null) {
      failures.remove(method);
    } else {
      failures.put(method, e);
    }
  }

  private void enter(String method) {
    calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
    RuntimeException e = failures.get(method);
    if (e != null) {
      throw e;
    }
  }

  @Override public boolean insertTemplate(Template t) { enter("insertTemplate"); return delegate.insertTemplate(t); }
  @Override public Optional<Template> findTemplate(String id) { enter("findTemplate"); return delegate.findTemplate(id); }
  @Override public List<Template> findTemplates(TemplateStatus s) { enter("findTemplates"); return delegate.findTemplates(s); }
  @Override public boolean updateTemplateStatus(String id, TemplateStatus e, TemplateStatus n, String r) {
    enter("updateTemplateStatus");
    return delegate.updateTemplateStatus(id, e, n, r);
  }
  @Override public long appendCodes(String id, long offset, List<String> codes) {
    enter("appendCodes");
    return delegate.appendCodes(id, offset, codes);
  }
  @Override public long remainingCodes(String id) { enter("remainingCodes"); return delegate.remainingCodes(id); }
  @Override public ClaimResult claim(ClaimCommand c) { enter("claim"); return delegate.claim(c); }
  @Override public ClaimResult claimCode(io.couponengine.spi.CodeClaimCommand c) {
    enter("claimCode");
    return delegate.claimCode(c);
  }
  @Override public List<ClaimResult> grant(List<ClaimCommand> c) { enter("grant"); return delegate.grant(c); }
  @Override public Optional<String> findTemplateIdByCode(String c) {
    enter("findTemplateIdByCode");
    return delegate.findTemplateIdByCode(c);
  }
  @Override public long importCodes(String id, List<String> codes) {
    enter("importCodes");
    return delegate.importCodes(id, codes);
  }
  @Override public void scanPool(String id, int n, java.util.function.Consumer<List<String>> sink) {
    enter("scanPool");
    delegate.scanPool(id, n, sink);
  }
  @Override public List<Coupon> findCouponsByUser(String u) { enter("findCouponsByUser"); return delegate.findCouponsByUser(u); }
  @Override public Optional<Coupon> findCouponByCode(String c) { enter("findCouponByCode"); return delegate.findCouponByCode(c); }
  @Override public Optional<Coupon> expireCoupon(Coupon c, Instant now) { enter("expireCoupon"); return delegate.expireCoupon(c, now); }
  @Override public List<Coupon> expireDueCoupons(Instant now, int limit) {
    enter("expireDueCoupons");
    return delegate.expireDueCoupons(now, limit);
  }
  @Override public RedemptionResult reserve(ReserveCommand c) { enter("reserve"); return delegate.reserve(c); }
  @Override public RedemptionResult commit(String o, Instant now) { enter("commit"); return delegate.commit(o, now); }
  @Override public RedemptionResult release(String o, Instant now) { enter("release"); return delegate.release(o, now); }
  @Override public RedemptionResult revert(String o, Instant now) { enter("revert"); return delegate.revert(o, now); }
  @Override public java.util.Optional<io.couponengine.template.TemplateStats> stats(String t) { enter("stats"); return delegate.stats(t); }
  @Override public String codeKey(String t, String k) { enter("codeKey"); return delegate.codeKey(t, k); }
  @Override public long addToTotal(String t, long n) { enter("addToTotal"); return delegate.addToTotal(t, n); }
  @Override public List<String> findStaleReservations(Instant now, int limit) {
    enter("findStaleReservations");
    return delegate.findStaleReservations(now, limit);
  }
  @Override public void close() { delegate.close(); }
}
