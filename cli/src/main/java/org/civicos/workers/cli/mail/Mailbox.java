package org.civicos.workers.cli.mail;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One parsed address, {@code a@b.c} or {@code "Name" <a@b.c>}: the bare address (what the SMTP envelope and the
 * Message-ID domain use) and the optional display name (what the header shows). The address check is the same
 * deliberately strict shape the notification worker applies (the Civic OS {@code email_address} domain), and any
 * control character is refused, so a value can never add a header or an SMTP command.
 */
record Mailbox(Optional<String> displayName, String address) {
  private static final Pattern ADDRESS = Pattern.compile("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$");

  Mailbox {
    if (!validAddress(address)) {
      throw new IllegalArgumentException("invalid email address '" + address + "'");
    }
    displayName = displayName.map(String::strip).filter(name -> !name.isEmpty());
    if (displayName.isPresent() && displayName.get().codePoints().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("display name contains a control character");
    }
  }

  /**
   * Parses {@code a@b.c}, {@code <a@b.c>}, {@code Name <a@b.c>} or {@code "Name" <a@b.c>} (backslash escapes in a
   * quoted name are undone).
   *
   * @throws IllegalArgumentException when the value is not one of those shapes or the address is invalid
   */
  static Mailbox parse(String value) {
    if (value == null || value.codePoints().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("invalid email address (missing, or contains a control character)");
    }
    String trimmed = value.strip();
    int open = trimmed.lastIndexOf('<');
    if (open < 0) {
      return new Mailbox(Optional.empty(), trimmed);
    }
    if (!trimmed.endsWith(">")) {
      throw new IllegalArgumentException("invalid email address '" + value + "'");
    }
    String address = trimmed.substring(open + 1, trimmed.length() - 1).strip();
    String name = trimmed.substring(0, open).strip();
    if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
      name = unescape(name.substring(1, name.length() - 1));
    } else if (name.indexOf('"') >= 0 || name.indexOf('<') >= 0 || name.indexOf('>') >= 0) {
      throw new IllegalArgumentException("invalid display name in '" + value + "'");
    }
    return new Mailbox(Optional.of(name), address);
  }

  static boolean validAddress(String address) {
    return address != null && address.length() <= 254 && ADDRESS.matcher(address).matches();
  }

  /** The part after {@code @}, used as the right-hand side of Message-IDs. */
  String domain() {
    return address.substring(address.indexOf('@') + 1);
  }

  private static String unescape(String quoted) {
    StringBuilder out = new StringBuilder(quoted.length());
    for (int i = 0; i < quoted.length(); i++) {
      char c = quoted.charAt(i);
      if (c == '\\' && i + 1 < quoted.length()) {
        c = quoted.charAt(++i);
      } else if (c == '"') {
        throw new IllegalArgumentException("unescaped quote in display name");
      }
      out.append(c);
    }
    return out.toString();
  }
}
