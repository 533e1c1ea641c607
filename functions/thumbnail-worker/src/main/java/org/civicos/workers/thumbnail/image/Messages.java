package org.civicos.workers.thumbnail.image;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Error texts for {@code files.thumbnail_error}: short, stable, no stack traces or class names. */
final class Messages {
  private static final int MAX_DETAIL = 300;
  private static final Pattern CLASS_PREFIX = Pattern.compile("^(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?::\\s*|$)");

  private Messages() {}

  static String unsupported(InputKind kind) {
    return "unsupported file type: " + kind.label();
  }

  static String tooManyBytes(long bytes, long limit) {
    return "file is " + bytes + " bytes, above the limit of " + limit + " bytes";
  }

  static String tooManyPixels(long width, long height, long limit) {
    return "image is " + width + "x" + height + " (" + megapixels(width * height) + " megapixels), above the limit of "
        + megapixelsLimit(limit) + " megapixels";
  }

  static String corrupt(InputKind kind, String detail) {
    return "corrupt or truncated " + kind.label() + ": " + detail;
  }

  static String corrupt(InputKind kind, Throwable cause) {
    return corrupt(kind, describe(cause));
  }

  /** One decimal ("900.0") for real photos, exact for tiny test limits ("0.01"). */
  private static String megapixels(long pixels) {
    return pixels >= 100_000 ? String.format(Locale.ROOT, "%.1f", pixels / 1_000_000.0) : exact(pixels);
  }

  /** "100", "12.5", "0.001". */
  private static String megapixelsLimit(long pixels) {
    return exact(pixels);
  }

  private static String exact(long pixels) {
    return BigDecimal.valueOf(pixels).movePointLeft(6).stripTrailingZeros().toPlainString();
  }

  /** The distinct messages along the cause chain, joined with ": ", capped in length. */
  static String describe(Throwable error) {
    List<String> parts = new ArrayList<>();
    Throwable t = error;
    for (int depth = 0; t != null && depth < 8 && parts.size() < 4; depth++, t = t.getCause()) {
      String message = t.getMessage();
      if (message == null || message.isBlank()) {
        continue;
      }
      // Wrapping exceptions often repeat the cause as "java.io.EOFException: ..."; drop class names.
      message = message.strip().replaceAll("\\s+", " ");
      for (String stripped; !(stripped = CLASS_PREFIX.matcher(message).replaceFirst("")).equals(message); ) {
        message = stripped;
      }
      if (message.isBlank()) {
        continue;
      }
      String finalMessage = message;
      if (parts.stream().noneMatch(p -> p.contains(finalMessage) || finalMessage.contains(p))) {
        parts.add(message);
      }
    }
    String detail = parts.isEmpty() ? "the decoder could not read the data" : String.join(": ", parts);
    return detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL - 3) + "...";
  }
}
