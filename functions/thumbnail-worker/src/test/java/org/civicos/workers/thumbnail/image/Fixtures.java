package org.civicos.workers.thumbnail.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Committed test files under {@code src/test/resources/thumbnail-image/} (see the README there). */
final class Fixtures {
  private Fixtures() {}

  static byte[] read(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/thumbnail-image/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("missing fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
