package org.civicos.workers.cli.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.civicos.workers.cli.mail.MailAssertions.assertLines;
import static org.civicos.workers.cli.mail.MailAssertions.assertStandardMessage;
import static org.civicos.workers.cli.mail.MailAssertions.email;
import static org.civicos.workers.cli.mail.MailAssertions.parse;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.civicos.workers.cli.mail.ScriptedSmtpServer.Security;
import org.civicos.workers.cli.mail.SmtpSettings.Tls;
import org.civicos.workers.notification.Email;
import org.civicos.workers.notification.Mailer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SmtpMailerTest {
  private static final String USER = "mailer";
  private static final String PASSWORD = "s3cret-pässword";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private GreenMail greenMail;

  @BeforeEach
  void startGreenMail() {
    greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("noreply@civic-os.org", USER, PASSWORD));
    greenMail.start();
  }

  @AfterEach
  void stopGreenMail() {
    greenMail.stop();
  }

  private int greenMailPort() {
    return greenMail.getSmtp().getPort();
  }

  private static SmtpSettings settings(int port, Tls tls, Optional<String> user, Optional<String> password,
      Duration timeout) {
    return new SmtpSettings("127.0.0.1", port, user, password, tls, timeout);
  }

  /** Trusts only the test certificate; host-name checking stays on. */
  private static SmtpMailer tlsMailer(SmtpSettings settings) {
    Properties trust = new Properties();
    trust.put("mail.smtp.ssl.socketFactory", TestTls.clientSocketFactory());
    return new SmtpMailer(settings, trust, Clock.systemUTC());
  }

  private static Mailer.MailException failure(Mailer mailer, Email email) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> mailer.send(email));
    assertThat(thrown).isInstanceOf(Mailer.MailException.class);
    return (Mailer.MailException) thrown;
  }

  private static byte[] raw(MimeMessage message) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    message.writeTo(out);
    return out.toByteArray();
  }

  @Test
  void deliversToGreenMailOverPlainSmtpWithAuthentication() throws Exception {
    SmtpMailer mailer = new SmtpMailer(settings(greenMailPort(), Tls.NONE, Optional.of(USER), Optional.of(PASSWORD),
        TIMEOUT));
    Email email = email(MailAssertions.SUBJECT);

    String messageId = mailer.send(email);

    assertThat(messageId).matches("[0-9a-f]{32}@civic-os\\.org");
    assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage received = greenMail.getReceivedMessages()[0];
    byte[] raw = raw(received);
    MimeMessage message = parse(raw);
    assertStandardMessage(message, email, messageId);
    assertThat(message.getHeader("Return-Path")).containsExactly("<noreply@civic-os.org>");
  }

  @Test
  void deliversWithoutCredentialsAndCarriesTheConfigurationSet() throws Exception {
    SmtpMailer mailer = new SmtpMailer(settings(greenMailPort(), Tls.NONE, Optional.empty(), Optional.empty(),
        TIMEOUT));
    Email email = new Email("noreply@civic-os.org", "resident@example.org", Optional.empty(), "Plain subject",
        "text", "<p>html</p>", Optional.of("civic-events"));

    mailer.send(email);

    assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage message = parse(raw(greenMail.getReceivedMessages()[0]));
    assertThat(message.getSubject()).isEqualTo("Plain subject");
    assertThat(message.getHeader("Subject")).containsExactly("Plain subject");
    assertThat(message.getHeader("X-SES-CONFIGURATION-SET")).containsExactly("civic-events");
    assertThat(message.getReplyTo()[0].toString()).isEqualTo("noreply@civic-os.org");
  }

  @Test
  void subjectWithCrLfStaysOneHeader() throws Exception {
    SmtpMailer mailer = new SmtpMailer(settings(greenMailPort(), Tls.NONE, Optional.empty(), Optional.empty(),
        TIMEOUT));
    mailer.send(email("Hello\r\nBcc: victim@example.org\r\n\r\nbody?"));

    assertThat(greenMail.waitForIncomingEmail(5_000, 1)).isTrue();
    assertThat(greenMail.getReceivedMessages()).hasSize(1);
    MimeMessage message = parse(raw(greenMail.getReceivedMessages()[0]));
    assertThat(message.getHeader("Subject")).hasSize(1);
    assertThat(message.getHeader("Bcc")).isNull();
    assertThat(message.getSubject()).isEqualTo("Hello Bcc: victim@example.org body?");
  }

  @Test
  void startTlsIsUsedBeforeAuthenticationAndTheCertificateIsChecked() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(Security.STARTTLS, Map.of())) {
      SmtpMailer mailer = tlsMailer(new SmtpSettings("localhost", server.port(), Optional.of(USER),
          Optional.of(PASSWORD), Tls.STARTTLS, TIMEOUT));

      String messageId = mailer.send(email(MailAssertions.SUBJECT));

      assertThat(server.tlsUsed()).isTrue();
      assertThat(server.clearCommands()).hasSize(2).allMatch(c -> c.startsWith("EHLO") || c.equals("STARTTLS"));
      assertThat(server.commands()).anyMatch(c -> c.startsWith("AUTH PLAIN"))
          .contains("MAIL FROM:<noreply@civic-os.org>", "RCPT TO:<resident@example.org>");
      byte[] raw = server.messages().get(0).getBytes(StandardCharsets.ISO_8859_1);
      assertStandardMessage(parse(raw), email(MailAssertions.SUBJECT), messageId);
      assertLines(raw, 998);
      String text = new String(raw, StandardCharsets.US_ASCII);
      String subject = text.substring(text.indexOf("\r\nSubject: ") + 2);
      for (String line : subject.substring(0, subject.indexOf("\r\n", subject.indexOf("?=\r\n") + 2)).split("\r\n")) {
        assertThat(line).hasSizeLessThanOrEqualTo(76);
      }
    }
  }

  @Test
  void startTlsWithAnUntrustedCertificateFailsAndRetries() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(Security.STARTTLS, Map.of())) {
      SmtpMailer mailer = new SmtpMailer(new SmtpSettings("localhost", server.port(), Optional.of(USER),
          Optional.of(PASSWORD), Tls.STARTTLS, TIMEOUT));

      Mailer.MailException e = failure(mailer, email("s"));

      assertThat(e.permanent()).isFalse();
      assertThat(server.commands()).noneMatch(c -> c.startsWith("AUTH") || c.startsWith("MAIL"));
    }
  }

  @Test
  void startTlsRequiredAgainstAServerWithoutItSendsNothingAndRetries() throws Exception {
    SmtpMailer mailer = new SmtpMailer(settings(greenMailPort(), Tls.STARTTLS, Optional.of(USER),
        Optional.of(PASSWORD), TIMEOUT));

    Mailer.MailException e = failure(mailer, email("s"));

    assertThat(e.permanent()).isFalse();
    assertThat(e.getMessage()).contains("127.0.0.1:" + greenMailPort()).contains("STARTTLS");
    assertThat(greenMail.getReceivedMessages()).isEmpty();

    try (ScriptedSmtpServer server = new ScriptedSmtpServer(Security.PLAIN, Map.of())) {
      SmtpMailer scripted = new SmtpMailer(settings(server.port(), Tls.STARTTLS, Optional.of(USER),
          Optional.of(PASSWORD), TIMEOUT));
      assertThat(failure(scripted, email("s")).permanent()).isFalse();
      assertThat(server.commands()).noneMatch(c -> c.startsWith("AUTH") || c.startsWith("MAIL"));
    }
  }

  @Test
  void implicitTlsDelivers() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(Security.IMPLICIT, Map.of())) {
      SmtpMailer mailer = tlsMailer(new SmtpSettings("localhost", server.port(), Optional.empty(), Optional.empty(),
          Tls.IMPLICIT, TIMEOUT));

      String messageId = mailer.send(email(MailAssertions.SUBJECT));

      assertThat(server.tlsUsed()).isTrue();
      assertThat(server.clearCommands()).isEmpty();
      byte[] raw = server.messages().get(0).getBytes(StandardCharsets.ISO_8859_1);
      assertStandardMessage(parse(raw), email(MailAssertions.SUBJECT), messageId);
    }
  }

  @Test
  void authenticationFailureIsPermanent() {
    SmtpMailer mailer = new SmtpMailer(settings(greenMailPort(), Tls.NONE, Optional.of(USER),
        Optional.of("wrong-password"), TIMEOUT));

    Mailer.MailException e = failure(mailer, email("s"));

    assertThat(e.permanent()).isTrue();
    assertThat(e.getMessage()).contains("535").doesNotContain("wrong-password");
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void temporaryAuthenticationFailureRetries() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(Security.PLAIN,
        Map.of("AUTH", "454 4.7.0 Temporary authentication failure"))) {
      SmtpMailer mailer = new SmtpMailer(settings(server.port(), Tls.NONE, Optional.of(USER), Optional.of(PASSWORD),
          TIMEOUT));
      Mailer.MailException e = failure(mailer, email("s"));
      assertThat(e.permanent()).isFalse();
      assertThat(e.getMessage()).contains("454");
    }
  }

  @Test
  void replyCodesDecide() throws Exception {
    record Case(String verb, String reply, boolean permanent) {
    }
    List<Case> cases = List.of(
        new Case("RCPT", "550 5.1.1 <resident@example.org>: Recipient address rejected: mailbox unavailable", true),
        new Case("RCPT", "553 5.1.3 bad recipient address syntax", true),
        new Case("RCPT", "554 5.7.1 relay access denied", true),
        new Case("RCPT", "450 4.2.0 mailbox temporarily unavailable", false),
        new Case("RCPT", "451 4.3.0 try again later", false),
        new Case("RCPT", "452 4.5.3 too many recipients", false),
        new Case("RCPT", "552 5.3.4 too many recipients (as 452, RFC 5321)", false),
        new Case("MAIL", "553 5.7.1 sender not allowed", true),
        new Case("MAIL", "421 4.7.0 too many connections, try later", false),
        new Case(ScriptedSmtpServer.DATA_END, "554 5.7.1 message rejected as spam", true),
        new Case(ScriptedSmtpServer.DATA_END, "451 4.7.1 greylisted, try again", false),
        new Case("DATA", "554 5.5.1 no valid recipients", true));
    List<String> problems = new ArrayList<>();
    for (Case c : cases) {
      try (ScriptedSmtpServer server = new ScriptedSmtpServer(Security.PLAIN, Map.of(c.verb(), c.reply()))) {
        SmtpMailer mailer = new SmtpMailer(settings(server.port(), Tls.NONE, Optional.empty(), Optional.empty(),
            TIMEOUT));
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> mailer.send(email("s")));
        if (!(thrown instanceof Mailer.MailException e)) {
          problems.add(c + " -> " + thrown);
        } else if (e.permanent() != c.permanent() || !e.getMessage().contains(c.reply().substring(0, 3))) {
          problems.add(c + " -> permanent=" + e.permanent() + ": " + e.getMessage());
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void invalidAddressesArePermanentAndNeverConnect() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(Security.PLAIN, Map.of())) {
      SmtpMailer mailer = new SmtpMailer(settings(server.port(), Tls.NONE, Optional.empty(), Optional.empty(),
          TIMEOUT));
      for (String to : new String[] {"no-at-sign", "a@b.c\r\nRCPT TO:<x@example.org>", "two@example.org, three@example.org"}) {
        Email email = new Email(MailAssertions.FROM, to, Optional.empty(), "s", "t", "h", Optional.empty());
        assertThat(failure(mailer, email).permanent()).as(to).isTrue();
      }
      assertThat(server.commands()).isEmpty();
    }
  }

  @Test
  void connectionRefusedRetries() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    SmtpMailer mailer = new SmtpMailer(settings(port, Tls.STARTTLS, Optional.empty(), Optional.empty(), TIMEOUT));

    Mailer.MailException e = failure(mailer, email("s"));

    assertThat(e.permanent()).isFalse();
    assertThat(e.getMessage()).contains("127.0.0.1:" + port);
  }

  @Test
  void aServerThatNeverAnswersTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor = Thread.ofVirtual().start(() -> {
        try {
          accepted.add(silent.accept());
        } catch (IOException e) {
          // closed
        }
      });
      SmtpMailer mailer = new SmtpMailer(settings(silent.getLocalPort(), Tls.STARTTLS, Optional.empty(),
          Optional.empty(), Duration.ofMillis(500)));

      long start = System.nanoTime();
      Mailer.MailException e = failure(mailer, email("s"));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(e.permanent()).isFalse();
      assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400)).isLessThan(Duration.ofSeconds(3));
      acceptor.join(1_000);
      for (Socket socket : accepted) {
        socket.close();
      }
    }
  }

  @Test
  void aServerThatStallsAfterTheMessageTimesOutAndRetries() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(Security.PLAIN,
        Map.of(ScriptedSmtpServer.DATA_END, ScriptedSmtpServer.SILENT))) {
      SmtpMailer mailer = new SmtpMailer(settings(server.port(), Tls.NONE, Optional.empty(), Optional.empty(),
          Duration.ofMillis(500)));
      long start = System.nanoTime();
      Mailer.MailException e = failure(mailer, email("s"));
      assertThat(e.permanent()).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void settingsNeverShowThePassword() {
    SmtpSettings settings = settings(25, Tls.NONE, Optional.of(USER), Optional.of(PASSWORD), TIMEOUT);
    assertThat(settings.toString()).doesNotContain(PASSWORD).contains("password=<set>");
    assertThatThrownBy(() -> settings(25, Tls.NONE, Optional.of(USER), Optional.empty(), TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
