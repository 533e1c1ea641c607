package org.civicos.workers.notification;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately strict address check (the Civic OS {@code email_address} domain's shape), applied before an
 * address reaches SES: no CR/LF or other control characters, so nothing can add a header.
 */
final class EmailAddress {
  private static final Pattern ADDRESS = Pattern.compile("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$");
  private static final Pattern NAMED = Pattern.compile("^\\s*\"?([^\"<>]*?)\"?\\s*<([^<>]+)>\\s*$");

  private EmailAddress() {
  }

  static boolean valid(String address) {
    return address != null && address.length() <= 254 && ADDRESS.matcher(address).matches();
  }

  /** The bare address of {@code a@b.c} or {@code "Name" <a@b.c>}, if well-formed. */
  static Optional<String> parse(String value) {
    if (value == null || value.chars().anyMatch(Character::isISOControl)) {
      return Optional.empty();
    }
    if (valid(value.trim())) {
      return Optional.of(value.trim());
    }
    Matcher named = NAMED.matcher(value);
    if (named.matches() && valid(named.group(2).trim())) {
      return Optional.of(named.group(2).trim());
    }
    return Optional.empty();
  }
}
