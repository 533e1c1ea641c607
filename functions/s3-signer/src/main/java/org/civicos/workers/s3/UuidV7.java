package org.civicos.workers.s3;

import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.UUID;

/**
 * RFC 9562 version 7 UUIDs: 48 bits of Unix milliseconds, the version, 74 random bits and the variant, so file
 * ids sort by creation time like Civic OS's {@code uuid_generate_v7()} ones, without a database round trip.
 */
public final class UuidV7 {
  private final InstantSource clock;
  private final SecureRandom random = new SecureRandom();

  public UuidV7(InstantSource clock) {
    this.clock = clock;
  }

  public UUID next() {
    long millis = clock.millis() & 0xFFFF_FFFF_FFFFL;
    long randA = random.nextInt(1 << 12);
    long msb = (millis << 16) | (0x7L << 12) | randA;
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }
}
