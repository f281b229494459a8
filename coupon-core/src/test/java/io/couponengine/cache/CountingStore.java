package io.couponengine.cache;

import io.couponengine.coupon.Coupon;
import io.couponengine.memory.InMemoryCouponStore;
import io.couponengine.template.Template;
import io.couponengine.template.TemplateStatus;
import io.couponengine.testing.ForwardingStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real {@link InMemoryCouponStore} that counts the reads the near-cache may serve (writes pass through), and can slow them down
 * ({@link #gate}) or make the next ones fail ({@link #failNext}). Test helper; thread-safe.
 */
final class CountingStore extends ForwardingStore {
  final InMemoryCouponStore real;
  final AtomicInteger templateLoads = new AtomicInteger();
  final AtomicInteger userLoads = new AtomicInteger();
  final AtomicInteger statusLoads = new AtomicInteger();
  final AtomicInteger remainingLoads = new AtomicInteger();
  final AtomicInteger closes = new AtomicInteger();
  /** How many of the next cached-read loads throw. */
  final AtomicInteger failNext = new AtomicInteger();
  /** Counted down by a load once it is inside the delegate. */
  volatile CountDownLatch entered = new CountDownLatch(0);
  /** Loads wait here before reading (after, when {@link #holdAfterRead}), while it is not zero. */
  volatile CountDownLatch gate = new CountDownLatch(0);
  /** Makes a user load read first and then wait at the gate, so it returns what it read before a write. */
  volatile boolean holdAfterRead;

  CountingStore() {
    this(new InMemoryCouponStore());
  }

  CountingStore(InMemoryCouponStore real) {
    super(real); // writes pass straight through
    this.real = real;
  }

  private void load(AtomicInteger counter) {
    counter.incrementAndGet();
    entered.countDown();
    await();
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("backend down");
    }
  }

  private void await() {
    try {
      if (!gate.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("gate never opened");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Optional<Template> findTemplate(String templateId) {
    load(templateLoads);
    return real.findTemplate(templateId);
  }

  @Override
  public List<Coupon> findCouponsByUser(String userId) {
    if (holdAfterRead) {
      userLoads.incrementAndGet();
      List<Coupon> read = real.findCouponsByUser(userId);
      entered.countDown();
      await();
      return read;
    }
    load(userLoads);
    return real.findCouponsByUser(userId);
  }

  @Override
  public List<Template> findTemplates(TemplateStatus status) {
    load(statusLoads);
    return real.findTemplates(status);
  }

  @Override
  public long remainingCodes(String templateId) {
    load(remainingLoads);
    return real.remainingCodes(templateId);
  }

  @Override
  public void close() {
    closes.incrementAndGet();
  }
}
