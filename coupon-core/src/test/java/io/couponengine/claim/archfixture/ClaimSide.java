package io.couponengine.claim.archfixture;

import io.couponengine.code.archfixture.CodeSide;

/** Test fixture: the other side of a package cycle (ArchitectureTest proves the rules catch it). */
public final class ClaimSide {
  CodeSide other;
}
