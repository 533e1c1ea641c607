package org.civicos.workers.thumbnail.image;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What an input is, decided from its first bytes (magic numbers), never from a declared content type. Only the
 * kinds with {@link #supported()} are rendered; the others exist so the error message can name what was
 * uploaded.
 */
public enum InputKind {
  JPEG("JPEG", true),
  PNG("PNG", true),
  GIF("GIF", true),
  BMP("BMP", true),
  WEBP("WebP", true),
  PDF("PDF", true),

  EMPTY("empty file", false),
  SVG("SVG", false),
  HTML("HTML", false),
  XML("XML", false),
  HEIF("HEIC/HEIF", false),
  AVIF("AVIF", false),
  ISO_MEDIA("ISO media (MP4/QuickTime)", false),
  TIFF("TIFF", false),
  ICO("ICO", false),
  PSD("Photoshop PSD", false),
  JPEG2000("JPEG 2000", false),
  JPEG_XL("JPEG XL", false),
  ZIP("ZIP archive (e.g. an Office document)", false),
  TEXT("plain text", false),
  UNKNOWN("unrecognised content", false);

  /** How many leading bytes {@link #sniff} looks at, at most. */
  public static final int SNIFF_BYTES = 4096;

  private final String label;
  private final boolean supported;

  InputKind(String label, boolean supported) {
    this.label = label;
    this.supported = supported;
  }

  /** Human-readable name used in error messages, e.g. {@code SVG}. */
  public String label() {
    return label;
  }

  /** Whether {@link ThumbnailRenderer} can render this kind. */
  public boolean supported() {
    return supported;
  }

  /**
   * Classifies an input by its leading bytes. Passing only the first {@link #SNIFF_BYTES} bytes (e.g. from a
   * ranged S3 GET) gives the same answer as passing the whole file.
   */
  public static InputKind sniff(byte[] head) {
    return sniff(head, head.length);
  }

  /** Like {@link #sniff(byte[])} on the first {@code length} bytes of {@code data}. */
  static InputKind sniff(byte[] data, int length) {
    int n = Math.min(Math.min(length, data.length), SNIFF_BYTES);
    if (n == 0) {
      return EMPTY;
    }
    if (startsWith(data, n, 0, 0xFF, 0xD8, 0xFF)) {
      return JPEG;
    }
    if (startsWith(data, n, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return PNG;
    }
    if (startsWith(data, n, 0, 'G', 'I', 'F', '8', '7', 'a') || startsWith(data, n, 0, 'G', 'I', 'F', '8', '9', 'a')) {
      return GIF;
    }
    if (startsWith(data, n, 0, 'R', 'I', 'F', 'F') && startsWith(data, n, 8, 'W', 'E', 'B', 'P')) {
      return WEBP;
    }
    if (startsWith(data, n, 0, 'B', 'M') && n >= 18) {
      // "BM" alone is too weak (text starting "BM..."); require a known DIB header size.
      long dib = u32le(data, 14);
      if (dib == 12 || dib == 16 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124) {
        return BMP;
      }
    }
    // Acrobat accepts the header anywhere in the first 1024 bytes.
    if (indexOf(data, Math.min(n, 1024), "%PDF-".getBytes(StandardCharsets.US_ASCII)) >= 0) {
      return PDF;
    }
    if (startsWith(data, n, 0, 'I', 'I', 0x2A, 0x00) || startsWith(data, n, 0, 'M', 'M', 0x00, 0x2A)
        || startsWith(data, n, 0, 'I', 'I', 0x2B, 0x00) || startsWith(data, n, 0, 'M', 'M', 0x00, 0x2B)) {
      return TIFF;
    }
    if (startsWith(data, n, 4, 'f', 't', 'y', 'p') && n >= 12) {
      String brand = new String(data, 8, 4, StandardCharsets.US_ASCII);
      return switch (brand) {
        case "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1" -> HEIF;
        case "avif", "avis" -> AVIF;
        default -> ISO_MEDIA;
      };
    }
    if (startsWith(data, n, 0, 0x00, 0x00, 0x00, 0x0C, 'j', 'P', ' ', ' ') || startsWith(data, n, 0, 0xFF, 0x4F, 0xFF, 0x51)) {
      return JPEG2000;
    }
    if (startsWith(data, n, 0, 0xFF, 0x0A) || startsWith(data, n, 0, 0x00, 0x00, 0x00, 0x0C, 'J', 'X', 'L', ' ')) {
      return JPEG_XL;
    }
    if (startsWith(data, n, 0, 0x00, 0x00, 0x01, 0x00) || startsWith(data, n, 0, 0x00, 0x00, 0x02, 0x00)) {
      return ICO;
    }
    if (startsWith(data, n, 0, '8', 'B', 'P', 'S')) {
      return PSD;
    }
    if (startsWith(data, n, 0, 'P', 'K', 0x03, 0x04)) {
      return ZIP;
    }
    if (looksLikeText(data, n)) {
      String text = new String(data, 0, n, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).stripLeading();
      if (text.startsWith("\ufeff")) {
        text = text.substring(1).stripLeading();
      }
      if (text.startsWith("<svg") || text.startsWith("<!doctype svg")
          || ((text.startsWith("<?xml") || text.startsWith("<!--")) && text.contains("<svg"))) {
        return SVG;
      }
      if (text.startsWith("<!doctype html") || text.startsWith("<html") || text.startsWith("<head")
          || text.startsWith("<body")) {
        return HTML;
      }
      if (text.startsWith("<?xml")) {
        return XML;
      }
      return TEXT;
    }
    return UNKNOWN;
  }

  private static boolean startsWith(byte[] data, int n, int offset, int... magic) {
    if (offset + magic.length > n) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((data[offset + i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] data, int n, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= n; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static long u32le(byte[] data, int offset) {
    return (data[offset] & 0xFFL) | (data[offset + 1] & 0xFFL) << 8 | (data[offset + 2] & 0xFFL) << 16
        | (data[offset + 3] & 0xFFL) << 24;
  }

  /** No NUL bytes and few control characters: ASCII or UTF-8 text (or UTF-8 with a BOM). */
  private static boolean looksLikeText(byte[] data, int n) {
    int control = 0;
    for (int i = 0; i < n; i++) {
      int b = data[i] & 0xFF;
      if (b == 0) {
        return false;
      }
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x1B) {
        control++;
      }
    }
    if (control * 20 > n) {
      return false;
    }
    // Mostly valid UTF-8 (a multi-byte sequence cut at the end of the window is fine).
    String decoded = new String(data, 0, n, StandardCharsets.UTF_8);
    long replaced = decoded.chars().filter(c -> c == 0xFFFD).count();
    return replaced <= 4 + decoded.length() / 100;
  }
}
