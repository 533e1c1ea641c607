package org.civicos.workers.notification;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * SES v2 {@code SendEmail} with simple content: SES builds the MIME message itself (RFC 2047 subject, UTF-8 parts
 * with a proper transfer encoding, unique boundary, Message-ID), which is everything the Go worker's hand-made
 * SMTP message got wrong. Errors are classified by SES's error name and status code, never by words in the
 * message: throttling, limits, 5xx and network faults retry; rejections and configuration problems do not.
 */
public final class SesMailer implements Mailer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UTF_8 = StandardCharsets.UTF_8.name();

  /** Errors no retry can fix: the message, the sender identity, the account or the request itself is refused. */
  private static final Set<String> PERMANENT_ERRORS = Set.of("MessageRejected", "MailFromDomainNotVerifiedException",
      "AccountSuspendedException", "SendingPausedException", "NotFoundException", "BadRequestException");
  /** Errors that pass: sending faster than the account's rate or quota allows. */
  private static final Set<String> TRANSIENT_ERRORS = Set.of("TooManyRequestsException", "LimitExceededException");

  private final SesApi ses;

  public SesMailer(SesApi ses) {
    this.ses = ses;
  }

  @Override
  public String send(Email email) {
    try {
      return ses.sendEmail(request(email));
    } catch (SesApi.ErrorAnswer e) {
      String name = e.type().map(SesMailer::errorName).map(n -> " " + n).orElse("");
      throw new MailException("SES " + e.status() + name + ": " + e.errorMessage().orElse("(no message)"),
          permanent(e), e);
    } catch (IOException | SdkClientException e) { // the SDK's exception: credentials could not be resolved
      throw new MailException("could not reach SES: " + e.getMessage(), false, e);
    }
  }

  /**
   * Permanent unless throttled, over a sending limit or a server fault; SES's own refusals are permanent whatever
   * their status, and so is any other 4xx.
   */
  static boolean permanent(SesApi.ErrorAnswer e) {
    Optional<String> type = e.type();
    if (e.throttling() || type.filter(TRANSIENT_ERRORS::contains).isPresent()) {
      return false;
    }
    if (type.filter(PERMANENT_ERRORS::contains).isPresent()) {
      return true;
    }
    return e.status() < 500;
  }

  /** The name the SDK's exception for this error had, so recorded messages read as before. */
  private static String errorName(String type) {
    return type.equals("MessageRejected") ? "MessageRejectedException" : type;
  }

  /**
   * The {@code SendEmail} body, its members in the order the SDK writes them (so the bytes, and the signature,
   * are the SDK's for the same email; a test compares them).
   */
  static byte[] request(Email email) {
    ObjectNode body = JSON.createObjectNode();
    body.put("FromEmailAddress", email.from());
    body.putObject("Destination").putArray("ToAddresses").add(email.to());
    email.replyTo().ifPresent(r -> body.putArray("ReplyToAddresses").add(r));
    ObjectNode simple = body.putObject("Content").putObject("Simple");
    utf8(simple.putObject("Subject"), email.subject());
    ObjectNode parts = simple.putObject("Body");
    utf8(parts.putObject("Text"), email.text());
    utf8(parts.putObject("Html"), email.html());
    email.configurationSet().ifPresent(c -> body.put("ConfigurationSetName", c));
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree of strings always serialises", e);
    }
  }

  private static void utf8(ObjectNode content, String data) {
    content.put("Data", data).put("Charset", UTF_8);
  }
}
