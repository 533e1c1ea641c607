package org.civicos.workers.cli.mail;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.civicos.workers.config.ConfigException;
import org.civicos.workers.config.Env;

/**
 * How {@link SmtpMailer} reaches its server, read from the environment with errors that name the variable.
 *
 * <ul>
 *   <li>{@code SMTP_HOST} (required) and {@code SMTP_PORT} (587, or 465 with {@code SMTP_TLS=implicit}).
 *   <li>{@code SMTP_USERNAME} and {@code SMTP_PASSWORD}: both or neither; with them the mailer authenticates.
 *   <li>{@code SMTP_TLS}: {@code starttls} (default; the server must offer STARTTLS, else nothing is sent, unlike
 *       the Go worker's opportunistic upgrade), {@code implicit} (TLS from the first byte, SMTPS), or {@code none}
 *       (plain text: mail and credentials readable by anyone on the path, so it is refused unless {@code SMTP_HOST}
 *       is {@code localhost} or resolves only to loopback or private addresses; for local test servers such as
 *       Mailpit or GreenMail). With TLS the certificate must be trusted by the JVM and match the host name.
 *   <li>{@code SMTP_TIMEOUT} (10s): the limit for connecting and for every read and write, so a silent or stalled
 *       server can never hold a job.
 * </ul>
 *
 * <p>{@link #toString()} never shows the password.
 */
public record SmtpSettings(String host, int port, Optional<String> username, Optional<String> password, Tls tls,
    Duration timeout) {
  public static final int DEFAULT_PORT = 587;
  public static final int DEFAULT_IMPLICIT_TLS_PORT = 465;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
  private static final Pattern HOST_AND_PORT = Pattern.compile("^[^:]+:\\d*$");

  /** Transport security, {@code SMTP_TLS}. */
  public enum Tls {
    /** Plain connection upgraded with STARTTLS, which the server must offer. */
    STARTTLS,
    /** TLS from the start (SMTPS, usually port 465). */
    IMPLICIT,
    /** No encryption at all: local test servers only. */
    NONE
  }

  public SmtpSettings {
    Objects.requireNonNull(host, "host");
    if (host.isBlank() || host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))
        || HOST_AND_PORT.matcher(host).matches()) {
      throw new IllegalArgumentException("invalid SMTP host '" + host + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("invalid SMTP port " + port);
    }
    username = username.filter(u -> !u.isEmpty());
    password = password.filter(p -> !p.isEmpty());
    if (username.isPresent() != password.isPresent()) {
      throw new IllegalArgumentException("SMTP username and password must be set together");
    }
    Objects.requireNonNull(tls, "tls");
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("SMTP timeout must be positive and at most " + MAX_TIMEOUT);
    }
  }

  /**
   * Reads {@code SMTP_HOST}, {@code SMTP_PORT}, {@code SMTP_USERNAME}, {@code SMTP_PASSWORD}, {@code SMTP_TLS} and
   * {@code SMTP_TIMEOUT}.
   *
   * @throws ConfigException naming the variable when one is missing or invalid, or when {@code SMTP_TLS=none}
   *     points at a host that is not local or private
   */
  public static SmtpSettings fromEnv(Env env) {
    String host = env.required("SMTP_HOST");
    if (host.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new ConfigException("SMTP_HOST must be a host name or IP address, got '" + host + "'");
    }
    if (HOST_AND_PORT.matcher(host).matches()) {
      // The Go worker's SMTP_HOST carried the port (email-smtp.us-east-1.amazonaws.com:587).
      throw new ConfigException("SMTP_HOST must not include the port (set SMTP_PORT instead), got '" + host + "'");
    }
    Tls tls = env.enumValue("SMTP_TLS", Tls.STARTTLS);
    int port = env.integer("SMTP_PORT", tls == Tls.IMPLICIT ? DEFAULT_IMPLICIT_TLS_PORT : DEFAULT_PORT, 1, 65535);
    Optional<String> username = env.optional("SMTP_USERNAME");
    Optional<String> password = env.optional("SMTP_PASSWORD");
    if (username.isPresent() != password.isPresent()) {
      throw new ConfigException("SMTP_USERNAME and SMTP_PASSWORD must be set together (only "
          + (username.isPresent() ? "SMTP_USERNAME" : "SMTP_PASSWORD") + " is set)");
    }
    Duration timeout = env.duration("SMTP_TIMEOUT", DEFAULT_TIMEOUT, Duration.ofMillis(100));
    if (timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new ConfigException("SMTP_TIMEOUT must be at most 10m, got " + timeout);
    }
    if (tls == Tls.NONE) {
      requireLocal(host);
    }
    return new SmtpSettings(host, port, username, password, tls, timeout);
  }

  /** Whether {@code address} is loopback, private (RFC 1918 / IPv6 ULA), link-local or the wildcard. */
  static boolean local(InetAddress address) {
    byte[] raw = address.getAddress();
    boolean uniqueLocalV6 = raw.length == 16 && (raw[0] & 0xfe) == 0xfc;
    return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
        || address.isAnyLocalAddress() || uniqueLocalV6;
  }

  private static void requireLocal(String host) {
    String why;
    if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
      return;
    }
    try {
      InetAddress[] addresses = InetAddress.getAllByName(host);
      boolean allLocal = true;
      for (InetAddress address : addresses) {
        allLocal &= local(address);
      }
      if (allLocal) {
        return;
      }
      why = "it resolves to a public address";
    } catch (UnknownHostException e) {
      why = "it cannot be resolved";
    }
    throw new ConfigException("SMTP_TLS=none sends mail and credentials unencrypted, so it is only allowed for a"
        + " local or private test server, and SMTP_HOST '" + host + "' is not one (" + why + "); use starttls or"
        + " implicit");
  }

  @Override
  public String toString() {
    return "SmtpSettings[host=" + host + ", port=" + port + ", username=" + username.orElse("<none>")
        + ", password=" + (password.isPresent() ? "<set>" : "<none>") + ", tls=" + tls.name().toLowerCase(Locale.ROOT)
        + ", timeout=" + timeout + "]";
  }
}
