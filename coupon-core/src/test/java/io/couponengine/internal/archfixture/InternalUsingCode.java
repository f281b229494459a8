package io.couponengine.internal.archfixture;

import io.couponengine.code.archfixture.CodeSide;

/** Test fixture: a bottom-floor helper that imports a floor above (ArchitectureTest proves the rules catch it). */
public final class InternalUsingCode {
  CodeSide above;
}
