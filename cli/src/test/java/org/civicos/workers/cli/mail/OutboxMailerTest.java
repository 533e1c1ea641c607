package org.civicos.workers.cli.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.civicos.workers.cli.mail.MailAssertions.assertLines;
import static org.civicos.workers.cli.mail.MailAssertions.assertStandardMessage;
import static org.civicos.workers.cli.mail.MailAssertions.email;
import static org.civicos.workers.cli.mail.MailAssertions.parse;

import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.civicos.workers.notification.Email;
import org.civicos.workers.notification.Mailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxMailerTest {
  private static final Instant NOW = Instant.parse("2026-03-14T09:26:53.589Z");

  @TempDir
  Path dir;

  private OutboxMailer mailer() {
    return new OutboxMailer(dir.resolve("outbox"), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static byte[] only(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      List<Path> all = files.toList();
      assertThat(all).hasSize(1);
      return Files.readAllBytes(all.get(0));
    }
  }

  @Test
  void writesOneEmlFileThatJakartaMailReadsBack() throws Exception {
    OutboxMailer mailer = mailer();
    Email email = email(MailAssertions.SUBJECT);

    String messageId = mailer.send(email);

    assertThat(messageId).matches("[0-9a-f]{32}@civic-os\\.org");
    try (Stream<Path> files = Files.list(mailer.folder())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly("20260314T092653.589Z-" + messageId.substring(0, 12) + ".eml");
    }
    byte[] raw = only(mailer.folder());
    MimeMessage message = parse(raw);
    assertStandardMessage(message, email, messageId);
    assertThat(message.getHeader("Date")).containsExactly("Sat, 14 Mar 2026 09:26:53 +0000");
    assertThat(message.getSentDate().toInstant()).isEqualTo(NOW.minusMillis(589));
    assertThat(message.getHeader("X-SES-CONFIGURATION-SET")).isNull();
    assertLines(raw, 76);
  }

  @Test
  void nonAsciiSubjectWithEmojiIsUtf8EncodedWordsFoldedTo76() throws Exception {
    String subject = MailAssertions.SUBJECT + " " + MailAssertions.SUBJECT;
    byte[] raw = MimeMessageWriter.write(email(subject), "id@civic-os.org", NOW);

    String header = headerBlock(raw);
    Matcher subjectLines = Pattern.compile("(?m)^Subject: (.*)\r\n((?: .*\r\n)*)").matcher(header);
    assertThat(subjectLines.find()).isTrue();
    assertThat(subjectLines.group(1)).startsWith("=?UTF-8?B?").endsWith("?=");
    assertThat(subjectLines.group(2)).isNotEmpty();
    assertThat(parse(raw).getSubject()).isEqualTo(subject);
    assertLines(raw, 76);
  }

  @Test
  void plainAsciiSubjectStaysReadableAndIsFoldedAtSpaces() throws Exception {
    String subject = "Your permit application 2026-0042 for 12 Main Street was approved by the planning office";
    byte[] raw = MimeMessageWriter.write(email(subject), "id@civic-os.org", NOW);

    assertThat(headerBlock(raw)).contains("Subject: Your permit application 2026-0042 for 12 Main Street was"
        + " approved\r\n by the planning office\r\n");
    assertThat(parse(raw).getSubject()).isEqualTo(subject);
    assertLines(raw, 76);
  }

  @Test
  void subjectWithCrLfStaysOneHeaderAndInjectsNothing() throws Exception {
    String subject = "Hello\r\nBcc: victim@example.org\r\n\r\n--boundary123\nContent-Type: text/html\rX-Evil: 1";
    OutboxMailer mailer = mailer();
    mailer.send(email(subject));

    byte[] raw = only(mailer.folder());
    MimeMessage message = parse(raw);
    assertThat(message.getHeader("Subject")).hasSize(1);
    assertThat(message.getHeader("Bcc")).isNull();
    assertThat(message.getHeader("X-Evil")).isNull();
    assertThat(message.getSubject())
        .isEqualTo("Hello Bcc: victim@example.org --boundary123 Content-Type: text/html X-Evil: 1");
    assertThat(((Multipart) message.getContent()).getCount()).isEqualTo(2);
    assertLines(raw, 76);
  }

  @Test
  void everySubjectRoundTripsInLinesOfAtMost76() throws Exception {
    java.util.Random random = new java.util.Random(42);
    int[][] ranges = {{0x20, 0x7e}, {0xa0, 0x24f}, {0x3040, 0x30ff}, {0x4e00, 0x4fff}, {0x1f300, 0x1f64f},
        {0x1d400, 0x1d4ff}};
    for (int n = 0; n < 300; n++) {
      StringBuilder subject = new StringBuilder();
      int length = random.nextInt(120);
      for (int i = 0; i < length; i++) {
        int[] range = ranges[random.nextInt(n % 2 == 0 ? 1 : ranges.length)];
        subject.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
        if (random.nextInt(6) == 0) {
          subject.append(' ');
        }
      }
      byte[] raw = MimeMessageWriter.write(email(subject.toString()), "id@civic-os.org", NOW);
      assertThat(parse(raw).getSubject()).as("subject %s", subject)
          .isEqualTo(HeaderText.singleLine(subject.toString()));
      assertLines(raw, 76);
    }
  }

  @Test
  void subjectThatLooksLikeAnEncodedWordIsEncodedItself() throws Exception {
    String subject = "=?UTF-8?B?SGFja2Vk?= literal";
    byte[] raw = MimeMessageWriter.write(email(subject), "id@civic-os.org", NOW);
    assertThat(parse(raw).getSubject()).isEqualTo(subject);
  }

  @Test
  void longAsciiWordIsEncodedRatherThanOverflowingTheLine() throws Exception {
    String subject = "x".repeat(300);
    byte[] raw = MimeMessageWriter.write(email(subject), "id@civic-os.org", NOW);
    assertThat(parse(raw).getSubject()).isEqualTo(subject);
    assertLines(raw, 76);
  }

  @Test
  void displayNamesAsciiQuotedAndNonAsciiEncoded() throws Exception {
    Email email = new Email("\"Civic \\\"OS\\\" Notices\" <noreply@civic-os.org>", "Zoë Ødegård <zoe@example.org>",
        Optional.of("Help Desk <help@civic-os.org>"), "Hi", "t", "h", Optional.empty());
    byte[] raw = MimeMessageWriter.write(email, "id@civic-os.org", NOW);
    MimeMessage message = parse(raw);

    assertThat(headerBlock(raw)).contains("From: \"Civic \\\"OS\\\" Notices\" <noreply@civic-os.org>\r\n")
        .contains("Reply-To: \"Help Desk\" <help@civic-os.org>\r\n")
        .contains("To: =?UTF-8?B?");
    assertThat(((jakarta.mail.internet.InternetAddress) message.getFrom()[0]).getPersonal())
        .isEqualTo("Civic \"OS\" Notices");
    jakarta.mail.internet.InternetAddress to =
        (jakarta.mail.internet.InternetAddress) message.getRecipients(MimeMessage.RecipientType.TO)[0];
    assertThat(to.getPersonal()).isEqualTo("Zoë Ødegård");
    assertThat(to.getAddress()).isEqualTo("zoe@example.org");
    assertLines(raw, 76);
  }

  @Test
  void boundaryIsRandomAndCannotOccurInTheContent() throws Exception {
    String hostile = "--=_civic_\r\n--boundary123\r\nContent-Type: application/octet-stream\r\n\r\nAAAA\r\n--=_civic_--";
    Email email = new Email(MailAssertions.FROM, MailAssertions.TO, Optional.empty(), "s", hostile, hostile,
        Optional.empty());
    Set<String> boundaries = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      byte[] raw = MimeMessageWriter.write(email, "id@civic-os.org", NOW);
      MimeMessage message = parse(raw);
      String boundary = new jakarta.mail.internet.ContentType(message.getContentType()).getParameter("boundary");
      boundaries.add(boundary);
      String text = new String(raw, StandardCharsets.US_ASCII);
      String body = text.substring(text.indexOf("\r\n\r\n") + 4);
      assertThat(body.split("--" + Pattern.quote(boundary), -1)).hasSize(4);
      Multipart parts = (Multipart) message.getContent();
      assertThat(parts.getCount()).isEqualTo(2);
      assertThat((String) parts.getBodyPart(0).getContent()).isEqualTo(hostile);
    }
    assertThat(boundaries).hasSize(20);
  }

  @Test
  void messageIdsAreUniqueAndConfigurationSetIsCarried() throws Exception {
    Email email = new Email("noreply@civic-os.org", MailAssertions.TO, Optional.empty(), "s", "t", "h",
        Optional.of("civic-events_1"));
    byte[] raw = MimeMessageWriter.write(email, "id@civic-os.org", NOW);
    assertThat(parse(raw).getHeader("X-SES-CONFIGURATION-SET")).containsExactly("civic-events_1");
    assertThat(headerBlock(raw)).contains("From: noreply@civic-os.org\r\n");

    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      ids.add(MimeMessageWriter.newMessageId(MailAssertions.FROM));
    }
    assertThat(ids).hasSize(1000);
  }

  @Test
  void lineBreaksInBodiesBecomeCrlfAndEmptyBodiesAreFine() throws Exception {
    Email email = new Email(MailAssertions.FROM, MailAssertions.TO, Optional.empty(), "", "a\nb\rc\r\nd", "",
        Optional.empty());
    byte[] raw = MimeMessageWriter.write(email, "id@civic-os.org", NOW);
    MimeMessage message = parse(raw);
    Multipart parts = (Multipart) message.getContent();
    assertThat((String) parts.getBodyPart(0).getContent()).isEqualTo("a\r\nb\r\nc\r\nd");
    assertThat((String) parts.getBodyPart(1).getContent()).isEmpty();
    assertThat(message.getSubject()).isEmpty();
    assertLines(raw, 76);
  }

  @Test
  void concurrentSendsWriteWholeFilesAndLeaveNoTemporaryFiles() throws Exception {
    OutboxMailer mailer = new OutboxMailer(dir.resolve("a/b/outbox"));
    assertThat(mailer.folder()).isDirectory();
    String big = "Lorem ipsum dolor sit amet, ünïcödé 🎉 ".repeat(20_000);
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int n = i;
        futures.add(pool.submit(() -> ids.add(mailer.send(new Email(MailAssertions.FROM, MailAssertions.TO,
            Optional.empty(), "message " + n, big, "<p>" + n + "</p>", Optional.empty())))));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }

    assertThat(new HashSet<>(ids)).hasSize(40);
    try (Stream<Path> files = Files.list(mailer.folder())) {
      List<Path> all = files.toList();
      assertThat(all).hasSize(40).allMatch(p -> p.getFileName().toString().matches("\\d{8}T\\d{6}\\.\\d{3}Z-[0-9a-f]{12}\\.eml"));
      for (Path file : all) {
        MimeMessage message = parse(Files.readAllBytes(file));
        assertThat(ids).contains(message.getMessageID().replaceAll("[<>]", ""));
        assertThat((String) ((Multipart) message.getContent()).getBodyPart(0).getContent()).isEqualTo(big);
      }
    }
  }

  @Test
  void recreatesAMissingFolder() throws Exception {
    OutboxMailer mailer = mailer();
    Files.delete(mailer.folder());
    mailer.send(email("again"));
    assertThat(only(mailer.folder())).isNotEmpty();
  }

  @Test
  void invalidAddressesArePermanentAndWriteNothing() throws IOException {
    OutboxMailer mailer = mailer();
    for (String to : new String[] {"not an address", "a@b.c\r\nBcc: x@example.org", "<>", ""}) {
      Email email = new Email(MailAssertions.FROM, to, Optional.empty(), "s", "t", "h", Optional.empty());
      assertThatThrownBy(() -> mailer.send(email)).isInstanceOfSatisfying(Mailer.MailException.class,
          e -> assertThat(e.permanent()).isTrue());
    }
    Email badFrom = new Email("Name <no-at-sign>", MailAssertions.TO, Optional.empty(), "s", "t", "h",
        Optional.empty());
    assertThatThrownBy(() -> mailer.send(badFrom)).isInstanceOfSatisfying(Mailer.MailException.class,
        e -> assertThat(e.permanent()).isTrue());
    try (Stream<Path> files = Files.list(mailer.folder())) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void fileSystemFailureIsNotPermanent() throws IOException {
    OutboxMailer mailer = mailer();
    Files.delete(mailer.folder());
    Files.writeString(mailer.folder(), "a file where the folder was");
    assertThatThrownBy(() -> mailer.send(email("s"))).isInstanceOfSatisfying(Mailer.MailException.class,
        e -> assertThat(e.permanent()).isFalse());
  }

  private static String headerBlock(byte[] raw) {
    String text = new String(raw, StandardCharsets.US_ASCII);
    return text.substring(0, text.indexOf("\r\n\r\n") + 2);
  }
}
