package io.couponengine.jdbc;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Instants as BIGINT microseconds since the epoch, the way every table stores them. */
final class Micros {
  private Micros() {}

  static long of(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000);
  }

  /** {@link #of} as a parameter, or a BIGINT null for a null instant. */
  static Object ofNullable(Instant i) {
    return i == null ? Jdbc.NULL_BIGINT : of(i);
  }

  /** {@link #truncate}, keeping null. */
  static Instant truncateNullable(Instant i) {
    return i == null ? null : truncate(i);
  }

  static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /** What a stored instant reads back as. */
  static Instant truncate(Instant i) {
    return i.truncatedTo(ChronoUnit.MICROS);
  }
}
