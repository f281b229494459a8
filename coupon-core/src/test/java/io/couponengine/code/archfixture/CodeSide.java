package io.couponengine.code.archfixture;

import io.couponengine.claim.archfixture.ClaimSide;

/** Test fixture: one side of a package cycle (ArchitectureTest proves the rules catch it). */
public final class CodeSide {
  ClaimSide other;
}
