package org.civicos.workers.cli.mail;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Properties;
import org.civicos.workers.notification.Email;

/** Parses messages back with Jakarta Mail and checks what both transports promise. */
final class MailAssertions {
  static final String SUBJECT = "Réunion du conseil — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🎉👩‍👩‍👧 übermorgen, 会議";
  static final String FROM = "\"Ville de Montréal\" <noreply@civic-os.org>";
  static final String TO = "resident@example.org";
  static final String TEXT = "Bonjour,\nvotre demande est approuvée. 🎉\n";
  static final String HTML = "<p>Bonjour,<br>votre demande est <b>approuvée</b>. 🎉</p>";

  private MailAssertions() {
  }

  static Email email(String subject) {
    return new Email(FROM, TO, Optional.of("support@civic-os.org"), subject, TEXT, HTML, Optional.empty());
  }

  static MimeMessage parse(byte[] raw) throws MessagingException {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
  }

  /** Headers, display name, both parts in order with their charset and encoding, the decoded bodies. */
  static void assertStandardMessage(MimeMessage message, Email email, String messageId)
      throws MessagingException, IOException {
    assertThat(message.getHeader("Message-ID")).containsExactly("<" + messageId + ">");
    assertThat(message.getHeader("MIME-Version")).containsExactly("1.0");
    assertThat(message.getSentDate()).isNotNull();
    InternetAddress from = (InternetAddress) message.getFrom()[0];
    assertThat(from.getAddress()).isEqualTo("noreply@civic-os.org");
    assertThat(from.getPersonal()).isEqualTo("Ville de Montréal");
    assertThat(message.getHeader("From")[0]).doesNotContain("é");
    assertThat(((InternetAddress) message.getRecipients(MimeMessage.RecipientType.TO)[0]).getAddress())
        .isEqualTo(email.to());
    assertThat(message.getRecipients(MimeMessage.RecipientType.TO)).hasSize(1);
    if (email.replyTo().isPresent()) {
      assertThat(((InternetAddress) message.getReplyTo()[0]).getAddress()).isEqualTo(email.replyTo().get());
    }
    assertThat(message.getHeader("Subject")).hasSize(1);
    assertThat(message.getSubject()).isEqualTo(HeaderText.singleLine(email.subject()));
    assertThat(message.getContentType()).startsWith("multipart/alternative");
    Multipart parts = (Multipart) message.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertPart(parts.getBodyPart(0), "text/plain", email.text());
    assertPart(parts.getBodyPart(1), "text/html", email.html());
  }

  static void assertPart(BodyPart part, String type, String body) throws MessagingException, IOException {
    assertThat(part.isMimeType(type)).as(part.getContentType()).isTrue();
    assertThat(part.getContentType().replace("\"", "")).containsIgnoringCase("charset=UTF-8");
    assertThat(part.getHeader("Content-Transfer-Encoding")).containsExactly("base64");
    assertThat((String) part.getContent()).isEqualTo(body.replaceAll("\r\n|\r|\n", "\r\n"));
  }

  /** Every line ends with CRLF (no bare CR or LF) and has at most {@code max} characters. */
  static void assertLines(byte[] raw, int max) {
    for (byte b : raw) {
      assertThat(b).as("only 7-bit bytes").isBetween((byte) 0, (byte) 127);
    }
    String text = new String(raw, StandardCharsets.US_ASCII);
    assertThat(text).endsWith("\r\n");
    assertThat(text.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
    for (String line : text.split("\r\n")) {
      assertThat(line.length()).as("line length: %s", line).isLessThanOrEqualTo(max);
    }
  }
}
