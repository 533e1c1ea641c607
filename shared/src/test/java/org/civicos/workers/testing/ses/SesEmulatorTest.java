package org.civicos.workers.testing.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

class SesEmulatorTest {
  private static final String FROM = "\"Civic OS\" <noreply@example.org>";

  @Test
  void sendsThroughTheSdkAndReadsTheEmailBack() {
    String to = SesEmulator.uniqueAddress("resident");
    String replyTo = SesEmulator.uniqueAddress("clerk");
    String subject = "Genehmigung erteilt – Straße № 7 ✓ 日本語";
    String text = "Grüße aus dem Rathaus: ½ € fällig.";
    String html = "<p>Grüße aus dem <b>Rathaus</b>: ½ € fällig.</p>";

    String messageId;
    try (SesV2Client ses = SesEmulator.client()) {
      messageId = ses.sendEmail(simple(FROM, to, subject, text, html)
          .replyToAddresses(replyTo)
          .configurationSetName("civic-notifications")
          .build()).messageId();
    }

    assertThat(messageId).isNotBlank();
    SentEmail mail = SesEmulator.message(messageId);
    assertThat(mail.from()).isEqualTo(FROM);
    assertThat(mail.to()).containsExactly(to);
    assertThat(mail.cc()).isEmpty();
    assertThat(mail.bcc()).isEmpty();
    assertThat(mail.replyTo()).containsExactly(replyTo);
    assertThat(mail.subject()).isEqualTo(subject);
    assertThat(mail.text()).isEqualTo(text);
    assertThat(mail.html()).isEqualTo(html);
    assertThat(mail.at()).isNotNull();
    // What the emulator keeps is all there is: the configuration set and charsets are not stored.
    assertThat(mail.raw().has("configurationSetName")).isFalse();
    assertThat(SesEmulator.messagesTo(to)).extracting(SentEmail::messageId).containsExactly(messageId);
    assertThat(SesEmulator.messagesTo(replyTo)).isEmpty();
  }

  @Test
  void keepsCcBccAndCustomHeaders() {
    String to = SesEmulator.uniqueAddress("to");
    String cc = SesEmulator.uniqueAddress("cc");
    String bcc = SesEmulator.uniqueAddress("bcc");
    String messageId;
    try (SesV2Client ses = SesEmulator.client()) {
      messageId = ses.sendEmail(r -> r
          .fromEmailAddress("noreply@example.org")
          .destination(d -> d.toAddresses(to).ccAddresses(cc).bccAddresses(bcc))
          .content(c -> c.simple(m -> m
              .subject(s -> s.data("Headers").charset("UTF-8"))
              .body(b -> b.text(t -> t.data("text only").charset("UTF-8")))
              .headers(h -> h.name("X-Civic-Notification").value("42"))))).messageId();
    }

    SentEmail mail = SesEmulator.message(messageId);
    assertThat(mail.cc()).containsExactly(cc);
    assertThat(mail.bcc()).containsExactly(bcc);
    assertThat(mail.html()).isNull();
    assertThat(mail.headers()).containsExactly(new MessageHeader("X-Civic-Notification", "42"));
    assertThat(SesEmulator.messagesTo(bcc)).hasSize(1);
  }

  @Test
  void rendersAMimeMessage() {
    String to = SesEmulator.uniqueAddress("mime");
    String messageId;
    try (SesV2Client ses = SesEmulator.client()) {
      messageId = ses.sendEmail(simple(FROM, to, "Grüße", "plain", "<p>html</p>").build()).messageId();
    }

    String eml = SesEmulator.eml(messageId);
    assertThat(eml).contains("From: Civic OS <noreply@example.org>", "To: " + to,
        "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=", "multipart/alternative", "<p>html</p>");
  }

  @Test
  void answersItsOwnValidationErrorsWithoutAnErrorType() {
    try (SesV2Client ses = SesEmulator.client()) {
      // No body at all: the emulator refuses (400) but names no exception, so the SDK has only the base class.
      assertThatThrownBy(() -> ses.sendEmail(r -> r
          .fromEmailAddress("noreply@example.org")
          .destination(d -> d.toAddresses(SesEmulator.uniqueAddress("nobody")))
          .content(c -> c.simple(m -> m.subject(s -> s.data("no body")).body(b -> { })))))
          .isExactlyInstanceOf(SesV2Exception.class)
          .satisfies(e -> assertThat(((SesV2Exception) e).statusCode()).isEqualTo(400));
    }
  }

  @Test
  void clearEmptiesTheStore() {
    String to = SesEmulator.uniqueAddress("cleared");
    try (SesV2Client ses = SesEmulator.client()) {
      ses.sendEmail(simple("noreply@example.org", to, "to be cleared", "x", null).build());
    }
    assertThat(SesEmulator.messagesTo(to)).hasSize(1);

    SesEmulator.clear();

    assertThat(SesEmulator.messagesTo(to)).isEmpty();
  }

  @Test
  void findsTheRepositoryRootFromAModuleDirectory(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("pom.xml"), "<project><modules>\n  <module>shared</module>\n</modules></project>");
    Path module = Files.createDirectories(dir.resolve("functions/notification-worker"));
    Files.writeString(module.resolve("pom.xml"), "<project><artifactId>notification-worker</artifactId></project>");

    assertThat(SesEmulator.repositoryRoot(module)).isEqualTo(dir.toAbsolutePath().normalize());
    assertThat(SesEmulator.repositoryRoot(dir.getRoot())).isNull();
  }

  @Test
  void anUnavailableEmulatorSkipsOrWhenRequiredFails() {
    assertThatThrownBy(() -> SesEmulator.unavailable("not installed", false))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("not installed")
        .hasMessageContaining("scripts/ses-emulator install")
        .hasMessageContaining("scripts/test");
    assertThatThrownBy(() -> SesEmulator.unavailable("not installed", true))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("scripts/ses-emulator install")
        .hasMessageContaining("CIVIC_REQUIRE_SES_EMULATOR=1");
  }

  private static SendEmailRequest.Builder simple(String from, String to, String subject, String text, String html) {
    return SendEmailRequest.builder()
        .fromEmailAddress(from)
        .destination(d -> d.toAddresses(List.of(to)))
        .content(c -> c.simple(m -> m
            .subject(s -> s.data(subject).charset("UTF-8"))
            .body(b -> {
              if (text != null) {
                b.text(t -> t.data(text).charset("UTF-8"));
              }
              if (html != null) {
                b.html(h -> h.data(html).charset("UTF-8"));
              }
            })));
  }
}
