package io.couponengine.code.archfixture;

import io.couponengine.CouponEngine;
import io.couponengine.spi.CouponStore;

/** Test fixture: a model class that breaks the floors (ArchitectureTest proves the rules catch it). */
public final class ModelUsingTheStore {
  CouponStore store;
  CouponEngine engine;
}
