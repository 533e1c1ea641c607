package org.civicos.workers.cli.mail;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Header values that are always safe to write: one logical line (every control character, CR and LF included,
 * becomes a space before anything else happens, so no value can start a header of its own or end the header
 * block), folded so that no physical line exceeds 76 characters. Printable ASCII text is folded at its spaces and
 * left readable; anything else, or ASCII that cannot be folded that short, becomes RFC 2047 {@code B} encoded-words
 * in UTF-8, each holding whole characters. Unnecessary encoding of plain ASCII is avoided on purpose: spam filters
 * score it ({@code SUBJECT_EXCESS_BASE64}).
 */
final class HeaderText {
  static final int MAX_LINE = 76;
  static final String CRLF = "\r\n";
  private static final String FOLD = CRLF + " ";
  private static final Pattern LINE_BREAKING = Pattern.compile("[\\p{Cc}\\u2028\\u2029]+");
  private static final String WORD_START = "=?UTF-8?B?";
  private static final String WORD_END = "?=";

  private HeaderText() {
  }

  /** Control characters (CR, LF, TAB, NUL, C1, and the Unicode line/paragraph separators) become spaces; trimmed. */
  static String singleLine(String value) {
    return value == null ? "" : LINE_BREAKING.matcher(value).replaceAll(" ").strip();
  }

  /**
   * The value of an unstructured header such as Subject, to write after {@code name + ": "}: single-line,
   * folded with CRLF SP, every physical line (the first counted with its header name) at most 76 characters.
   */
  static String unstructured(String name, String value) {
    String text = singleLine(value);
    int used = name.length() + 2;
    if (text.isEmpty()) {
      return "";
    }
    if (plainAscii(text)) {
      String folded = foldAtSpaces(used, text);
      if (folded != null) {
        return folded;
      }
    }
    return encodedWords(text, used);
  }

  /**
   * A complete address header ({@code From: "Name" <a@b.c>}, without the final CRLF): the display name as a quoted
   * string when it is printable ASCII and fits, else as encoded-words; the address moves to a continuation line
   * when the first line would pass 76 characters.
   */
  static String addressHeader(String name, Mailbox mailbox) {
    String prefix = name + ": ";
    if (mailbox.displayName().isEmpty()) {
      return prefix + mailbox.address();
    }
    String display = mailbox.displayName().get();
    String quoted = quote(display);
    String phrase = plainAscii(display) && prefix.length() + quoted.length() <= MAX_LINE ? quoted
        : encodedWords(display, prefix.length());
    String header = prefix + phrase;
    int lastLine = header.length() - (header.lastIndexOf(CRLF) < 0 ? 0 : header.lastIndexOf(CRLF) + 2);
    String address = "<" + mailbox.address() + ">";
    return header + (lastLine + 1 + address.length() > MAX_LINE ? FOLD : " ") + address;
  }

  /**
   * RFC 2047 {@code B} encoded-words for {@code text}, separated by CRLF SP; the first starts on a line of which
   * {@code used} characters are already taken. Characters (code points) are never split between words.
   */
  static String encodedWords(String text, int used) {
    StringBuilder out = new StringBuilder();
    int available = MAX_LINE - used;
    if (maxBytes(available) < 4) {
      out.append(FOLD);
      available = MAX_LINE - 1;
    }
    byte[] bytes = new byte[maxBytes(MAX_LINE - 1)];
    int length = 0;
    for (int i = 0; i < text.length(); ) {
      int codePoint = text.codePointAt(i);
      byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
      if (length > 0 && length + encoded.length > maxBytes(available)) {
        appendWord(out, bytes, length);
        out.append(FOLD);
        available = MAX_LINE - 1;
        length = 0;
      }
      System.arraycopy(encoded, 0, bytes, length, encoded.length);
      length += encoded.length;
      i += Character.charCount(codePoint);
    }
    if (length > 0) {
      appendWord(out, bytes, length);
    }
    return out.toString();
  }

  /** How many UTF-8 bytes fit in one encoded-word of at most {@code available} characters. */
  private static int maxBytes(int available) {
    int base64 = available - WORD_START.length() - WORD_END.length();
    return Math.max(0, base64 / 4 * 3);
  }

  private static void appendWord(StringBuilder out, byte[] bytes, int length) {
    byte[] word = new byte[length];
    System.arraycopy(bytes, 0, word, 0, length);
    out.append(WORD_START).append(Base64.getEncoder().encodeToString(word)).append(WORD_END);
  }

  /** Folds before runs of spaces; null when some word is too long to fit a line. */
  private static String foldAtSpaces(int used, String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    int line = used;
    int i = 0;
    while (i < text.length()) {
      int start = i;
      while (i < text.length() && text.charAt(i) == ' ') {
        i++;
      }
      while (i < text.length() && text.charAt(i) != ' ') {
        i++;
      }
      String chunk = text.substring(start, i);
      if (start > 0 && line + chunk.length() > MAX_LINE) {
        out.append(CRLF);
        line = 0;
      }
      if (line + chunk.length() > MAX_LINE) {
        return null;
      }
      out.append(chunk);
      line += chunk.length();
    }
    return out.toString();
  }

  /**
   * Printable ASCII without {@code =?}: such text reads the same raw. Text that looks like an encoded-word would be
   * decoded by mail clients, so it is encoded itself.
   */
  private static boolean plainAscii(String text) {
    return text.chars().allMatch(c -> c >= 0x20 && c < 0x7f) && !text.contains("=?");
  }

  private static String quote(String display) {
    return "\"" + display.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
