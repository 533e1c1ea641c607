package org.civicos.workers.cli.mail;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import org.civicos.workers.notification.Email;
import org.civicos.workers.notification.Mailer;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPAddressSucceededException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Mailer} over SMTP (Angus Mail, the Jakarta Mail implementation), for running the notification worker
 * outside AWS (the {@code workers} command's consolidated mode) against any submission server, the SES SMTP
 * interface included. It fixes what the Go worker's SMTP sending got wrong:
 *
 * <ul>
 *   <li>TLS is never silently skipped: {@code starttls} requires the server to offer STARTTLS (no downgrade to
 *       plain text, credentials never sent in clear), {@code implicit} is SMTPS, and {@code none} is only accepted
 *       for local test servers (see {@link SmtpSettings}). Certificates are checked against the host name.
 *   <li>Connecting, and every read and write, is bounded by {@code SMTP_TIMEOUT}: a silent server cannot hold a
 *       job forever. (A conversation has a handful of round trips, so a send that makes progress at the last moment
 *       of each timeout can take a few timeouts in total, never unbounded.)
 *   <li>The message is proper MIME, built with the same headers and structure as {@link MimeMessageWriter}: a
 *       unique {@code Message-ID}, RFC 2047 display names, a single-line folded Subject (CR/LF cannot inject a
 *       header), {@code multipart/alternative} with text then HTML, both UTF-8 and base64, and Jakarta Mail's
 *       boundary, which base64 content cannot contain. The envelope sender is the bare From address even when
 *       From has a display name; there is exactly one recipient.
 *   <li>Errors are classified by exception type and SMTP reply code, never by words in messages: reply codes
 *       carried by {@link SMTPSendFailedException} / {@link SMTPAddressFailedException} decide first (5xx
 *       permanent, 4xx retry; a 552 to RCPT counts as 452, as RFC 5321 advises), then
 *       {@link AuthenticationFailedException} (permanent, unless the server answered 4xx such as 454), then an
 *       I/O cause (refused, reset, timeout, TLS handshake: retry), then the last reply code the transport saw.
 *       Invalid addresses are permanent. A failure with no SMTP reply at all, such as a server that does not offer
 *       the required STARTTLS, is retried: it concerns the server or its configuration, not the message, and the
 *       job then delivers once an operator has fixed it instead of losing the notification.
 * </ul>
 *
 * <p>One connection per message, always closed; a failure of the closing QUIT after the message was accepted is
 * ignored. SMTP itself cannot make delivery exactly-once: when the connection times out or drops after the message
 * data went out but before the server's reply, the send is retried and the recipient may get the message twice (a
 * retry has a new Message-ID, since {@link Email} carries no notification id to derive a stable one from). The returned id is the Message-ID without angle brackets. The password is never logged or put in an
 * error message, and the Jakarta Mail debug output stays off. Thread-safe.
 */
public final class SmtpMailer implements Mailer {
  private static final Logger LOG = LoggerFactory.getLogger(SmtpMailer.class);

  private final SmtpSettings settings;
  private final Session session;
  private final Clock clock;

  public SmtpMailer(SmtpSettings settings) {
    this(settings, new Properties(), Clock.systemUTC());
  }

  /** With extra Jakarta Mail session properties (tests: trusting a self-signed certificate). */
  SmtpMailer(SmtpSettings settings, Properties overrides, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    Properties props = sessionProperties(settings);
    props.putAll(overrides);
    this.session = Session.getInstance(props);
    if (settings.tls() == SmtpSettings.Tls.NONE) {
      LOG.warn("SMTP_TLS=none: messages{} go to {} unencrypted; use this only with a local test server",
          settings.username().isPresent() ? " and the SMTP password" : "", settings.host());
    }
  }

  static Properties sessionProperties(SmtpSettings settings) {
    Properties props = new Properties();
    String timeout = Long.toString(settings.timeout().toMillis());
    props.setProperty("mail.smtp.connectiontimeout", timeout);
    props.setProperty("mail.smtp.timeout", timeout);
    props.setProperty("mail.smtp.writetimeout", timeout);
    props.setProperty("mail.smtp.auth", Boolean.toString(settings.username().isPresent()));
    props.setProperty("mail.debug", "false");
    switch (settings.tls()) {
      case STARTTLS -> {
        props.setProperty("mail.smtp.starttls.enable", "true");
        props.setProperty("mail.smtp.starttls.required", "true");
      }
      case IMPLICIT -> props.setProperty("mail.smtp.ssl.enable", "true");
      case NONE -> props.setProperty("mail.smtp.starttls.enable", "false");
    }
    if (settings.tls() != SmtpSettings.Tls.NONE) {
      props.setProperty("mail.smtp.ssl.checkserveridentity", "true");
      props.setProperty("mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");
    }
    return props;
  }

  @Override
  public String send(Email email) {
    Mailbox from;
    Mailbox to;
    String messageId;
    SMTPMessage message;
    try {
      from = Mailbox.parse(email.from());
      to = Mailbox.parse(email.to());
      messageId = MimeMessageWriter.newMessageId(email.from());
      message = message(email, from, to, messageId, clock.instant());
    } catch (IllegalArgumentException | MessagingException | UnsupportedEncodingException e) {
      throw new MailException("SMTP: cannot build the message: " + e.getMessage(), true, e);
    }
    SMTPTransport transport;
    try {
      transport = (SMTPTransport) session.getTransport("smtp");
    } catch (MessagingException e) {
      throw new MailException("SMTP: no transport: " + e.getMessage(), true, e);
    }
    boolean connected = false;
    try {
      transport.connect(settings.host(), settings.port(), settings.username().orElse(null),
          settings.password().orElse(null));
      connected = true;
      transport.sendMessage(message, new Address[] {new InternetAddress(to.address())});
      LOG.atDebug().addKeyValue("message_id", messageId).log("SMTP accepted: {}", transport.getLastServerResponse());
      return messageId;
    } catch (MessagingException e) {
      throw classify(e, connected, transport.getLastReturnCode(), settings.host() + ":" + settings.port());
    } finally {
      close(transport);
    }
  }

  private SMTPMessage message(Email email, Mailbox from, Mailbox to, String messageId, Instant now)
      throws MessagingException, UnsupportedEncodingException {
    SMTPMessage message = new SMTPMessage(session) {
      @Override
      protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", "<" + messageId + ">");
      }
    };
    message.setSentDate(Date.from(now));
    message.setFrom(internetAddress(from));
    if (email.replyTo().isPresent()) {
      message.setReplyTo(new Address[] {internetAddress(Mailbox.parse(email.replyTo().get()))});
    }
    message.setRecipient(Message.RecipientType.TO, internetAddress(to));
    message.setHeader("Subject", HeaderText.unstructured("Subject", email.subject()));
    if (email.configurationSet().isPresent()) {
      message.setHeader("X-SES-CONFIGURATION-SET", MimeMessageWriter.configurationSet(email.configurationSet().get()));
    }
    MimeMultipart alternative = new MimeMultipart("alternative");
    alternative.addBodyPart(part(email.text(), "plain"));
    alternative.addBodyPart(part(email.html(), "html"));
    message.setContent(alternative);
    message.setEnvelopeFrom(from.address());
    message.saveChanges();
    return message;
  }

  private static MimeBodyPart part(String body, String subtype) throws MessagingException {
    MimeBodyPart part = new MimeBodyPart();
    part.setText(MimeMessageWriter.canonicalLineBreaks(body), StandardCharsets.UTF_8.name(), subtype);
    part.setHeader("Content-Transfer-Encoding", "base64");
    return part;
  }

  private static InternetAddress internetAddress(Mailbox mailbox) throws UnsupportedEncodingException,
      AddressException {
    InternetAddress address = new InternetAddress(mailbox.address(), mailbox.displayName().orElse(null),
        StandardCharsets.UTF_8.name());
    address.validate();
    return address;
  }

  /**
   * Permanent or not, from what Angus reports: reply codes of its typed exceptions first, then authentication
   * failure, then I/O causes, then the last reply code the transport read.
   *
   * @param connected whether the failure came after the connection (TLS and authentication included) was set up
   */
  static MailException classify(MessagingException e, boolean connected, int lastReturnCode, String server) {
    Reply reply = reply(e);
    if (reply != null) {
      return new MailException("SMTP " + reply.code() + " to " + reply.command() + " at " + server + ": "
          + reply.response(), !reply.temporary(), e);
    }
    if (e instanceof AuthenticationFailedException) {
      boolean temporary = lastReturnCode >= 400 && lastReturnCode < 500;
      return new MailException("SMTP authentication failed at " + server + (lastReturnCode > 0 ? " ("
          + lastReturnCode + ")" : "") + ": " + detail(e), !temporary, e);
    }
    if (hasCause(e, AddressException.class)) {
      return new MailException("SMTP: invalid address: " + detail(e), true, e);
    }
    String what = connected ? "SMTP: sending to " + server + " failed: " : "SMTP: connecting to " + server
        + " failed: ";
    if (hasCause(e, IOException.class)) {
      return new MailException(what + detail(e), false, e);
    }
    if (lastReturnCode >= 500 && lastReturnCode < 600) {
      return new MailException(what + lastReturnCode + " " + detail(e), true, e);
    }
    return new MailException(what + detail(e), false, e);
  }

  /** A reply the server gave to one command: its code, whether it is temporary, and the server's text. */
  record Reply(int code, boolean temporary, String command, String response) {
  }

  /**
   * The decisive reply in Angus's exception chain: the first permanent (5xx) one, otherwise the first temporary
   * (4xx) one, otherwise null. A 552 to RCPT is temporary (RFC 5321 4.5.3.1.10: some servers send it for "too many
   * recipients"). {@link SMTPAddressSucceededException}s, successes reported in the chain, are skipped.
   */
  static Reply reply(MessagingException e) {
    Reply temporary = null;
    for (Exception x = e; x != null; x = x instanceof MessagingException m ? m.getNextException() : null) {
      Reply reply;
      if (x instanceof SMTPAddressSucceededException) {
        continue;
      } else if (x instanceof SMTPAddressFailedException failed) {
        int code = failed.getReturnCode();
        reply = new Reply(code, code / 100 == 4 || code == 552, command(failed.getCommand()),
            HeaderText.singleLine(failed.getMessage()));
      } else if (x instanceof SMTPSendFailedException failed) {
        int code = failed.getReturnCode();
        reply = new Reply(code, code / 100 == 4, command(failed.getCommand()),
            HeaderText.singleLine(failed.getMessage()));
      } else {
        continue;
      }
      if (reply.code() / 100 == 5 && !reply.temporary()) {
        return reply;
      }
      if (reply.code() / 100 == 4 || reply.code() / 100 == 5) {
        temporary = temporary == null ? reply : temporary;
      }
    }
    return temporary;
  }

  private static String command(String command) {
    if (command == null || command.isBlank()) {
      return "a command";
    }
    return command.equals(".") ? "the end of DATA" : HeaderText.singleLine(command);
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The message of each exception in the chain (server replies, I/O errors), trimmed to one line. */
  private static String detail(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null && out.length() < 500; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      String line = HeaderText.singleLine(message);
      if (!line.isEmpty() && out.indexOf(line) < 0) {
        out.append(out.length() == 0 ? "" : "; ").append(line);
      }
    }
    return out.toString();
  }

  private static void close(SMTPTransport transport) {
    try {
      transport.close();
    } catch (MessagingException e) {
      LOG.debug("SMTP close: {}", e.getMessage());
    }
  }
}
