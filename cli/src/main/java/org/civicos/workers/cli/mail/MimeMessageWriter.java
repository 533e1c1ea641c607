package org.civicos.workers.cli.mail;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.civicos.workers.notification.Email;

/**
 * Writes an {@link Email} as a complete RFC 5322 / MIME message, with only the JDK, so the outbox needs no mail
 * library and a test or a developer can see exactly what a transport would send.
 *
 * <p>The message is what the Go worker's hand-made one should have been: {@code Date} (RFC 5322, UTC), a
 * {@code Message-ID}, {@code From} / {@code Reply-To} / {@code To} with RFC 2047 display names, a single-line
 * {@code Subject} (CR/LF and other controls become spaces; non-ASCII as UTF-8 {@code B} encoded-words; folded to
 * 76-character lines), {@code MIME-Version: 1.0}, then {@code multipart/alternative} with the text part before
 * the HTML part, each {@code charset=UTF-8} and {@code Content-Transfer-Encoding: base64} in 76-character lines.
 * Bodies are put in canonical form (CRLF line breaks) before encoding. The boundary is random per message and
 * contains {@code =_}, which neither base64 nor the fixed part headers can contain, so content can never end a part
 * or inject one. Every line ends with CRLF. When {@link Email#configurationSet()} is set it is carried as
 * {@code X-SES-CONFIGURATION-SET}, the header the SES SMTP interface reads.
 */
public final class MimeMessageWriter {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String CRLF = HeaderText.CRLF;
  private static final Pattern MESSAGE_ID = Pattern.compile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$");
  private static final Pattern CONFIGURATION_SET = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");
  private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");
  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
      "Nov", "Dec"};

  private MimeMessageWriter() {
  }

  /**
   * A new globally unique Message-ID (without angle brackets): 128 random bits at the sender's domain.
   *
   * @param from the From value, a bare address or {@code "Name" <address>}
   * @throws IllegalArgumentException when {@code from} is not a valid address
   */
  public static String newMessageId(String from) {
    return HexFormat.of().formatHex(randomBytes()) + "@" + Mailbox.parse(from).domain();
  }

  /**
   * The whole message, CRLF line endings throughout.
   *
   * @param messageId the Message-ID without angle brackets (see {@link #newMessageId(String)})
   * @param date the Date header's instant, written in UTC
   * @throws IllegalArgumentException when an address, the Message-ID or the configuration set name is invalid
   */
  public static byte[] write(Email email, String messageId, Instant date) {
    Mailbox from = Mailbox.parse(email.from());
    Mailbox to = Mailbox.parse(email.to());
    if (messageId == null || !MESSAGE_ID.matcher(messageId).matches()) {
      throw new IllegalArgumentException("invalid Message-ID '" + messageId + "'");
    }
    String boundary = "=_civic_" + HexFormat.of().formatHex(randomBytes());
    StringBuilder out = new StringBuilder(1024);
    header(out, "Date: " + date(date));
    header(out, "Message-ID: <" + messageId + ">");
    header(out, HeaderText.addressHeader("From", from));
    if (email.replyTo().isPresent()) {
      header(out, HeaderText.addressHeader("Reply-To", Mailbox.parse(email.replyTo().get())));
    }
    header(out, HeaderText.addressHeader("To", to));
    header(out, "Subject: " + HeaderText.unstructured("Subject", email.subject()));
    if (email.configurationSet().isPresent()) {
      header(out, "X-SES-CONFIGURATION-SET: " + configurationSet(email.configurationSet().get()));
    }
    header(out, "MIME-Version: 1.0");
    header(out, "Content-Type: multipart/alternative;" + CRLF + " boundary=\"" + boundary + "\"");
    out.append(CRLF);
    part(out, boundary, "text/plain", email.text());
    part(out, boundary, "text/html", email.html());
    out.append("--").append(boundary).append("--").append(CRLF);
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Text in MIME canonical form: every line break (CR, LF or CRLF) as CRLF. */
  static String canonicalLineBreaks(String text) {
    return LINE_BREAK.matcher(Objects.requireNonNullElse(text, "")).replaceAll(CRLF);
  }

  /** A configuration set name as SES allows it (letters, digits, _ and -, at most 64). */
  static String configurationSet(String name) {
    if (!CONFIGURATION_SET.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid configuration set name '" + name + "'");
    }
    return name;
  }

  /** RFC 5322 date-time in UTC with a numeric zone, English names whatever the default locale. */
  static String date(Instant instant) {
    ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
    return String.format(Locale.ROOT, "%s, %d %s %04d %02d:%02d:%02d +0000",
        DAYS[t.getDayOfWeek().getValue() - 1], t.getDayOfMonth(), MONTHS[t.getMonthValue() - 1], t.getYear(),
        t.getHour(), t.getMinute(), t.getSecond());
  }

  private static void header(StringBuilder out, String line) {
    out.append(line).append(CRLF);
  }

  private static void part(StringBuilder out, String boundary, String type, String body) {
    out.append("--").append(boundary).append(CRLF);
    header(out, "Content-Type: " + type + "; charset=UTF-8");
    header(out, "Content-Transfer-Encoding: base64");
    out.append(CRLF);
    byte[] bytes = canonicalLineBreaks(body).getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 0) {
      out.append(Base64.getMimeEncoder(76, CRLF.getBytes(StandardCharsets.US_ASCII)).encodeToString(bytes))
          .append(CRLF);
    }
  }

  private static byte[] randomBytes() {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    return random;
  }
}
