package org.civicos.workers.cli.mail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.civicos.workers.WorkersException;
import org.civicos.workers.notification.Email;
import org.civicos.workers.notification.Mailer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Mailer} that delivers into a folder instead of the network: each email becomes one RFC 5322 file,
 * {@code <UTC timestamp>-<first 12 hex digits of the Message-ID>.eml} (for example
 * {@code 20250314T092653.589Z-3f9c1a0b7d2e.eml}), which any mail client opens and which sorts by time. It lets the
 * local and demo modes run the real notification worker end to end with nothing to configure and nothing sent.
 *
 * <p>The message is built by {@link MimeMessageWriter}. Each file is written to a hidden temporary file in the same
 * folder, flushed to disk and then atomically renamed, so a reader watching for {@code *.eml} never sees half a
 * message. The folder is created when missing (also again on each send, should it be removed while running).
 * Files are readable by the owner only, as the mail contains personal data. {@link #send} is thread-safe.
 *
 * <p>Errors: an invalid address or configuration set name is permanent (no retry can fix the message); a file
 * system failure (disk full, permissions) is not, so the job retries once an operator has fixed it. The returned id
 * is the Message-ID without angle brackets.
 */
public final class OutboxMailer implements Mailer {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxMailer.class);
  private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
      .withZone(ZoneOffset.UTC);
  static final String TEMP_SUFFIX = ".eml.tmp";

  private final Path folder;
  private final Clock clock;

  /**
   * @param folder where the {@code .eml} files go; created (with its parents) when missing
   * @throws WorkersException when the folder cannot be created
   */
  public OutboxMailer(Path folder) {
    this(folder, Clock.systemUTC());
  }

  OutboxMailer(Path folder, Clock clock) {
    this.folder = folder.toAbsolutePath().normalize();
    this.clock = clock;
    try {
      Files.createDirectories(this.folder);
    } catch (IOException e) {
      throw new WorkersException("cannot create the outbox folder " + this.folder + ": " + e, e);
    }
  }

  /** The absolute folder the messages are written to. */
  public Path folder() {
    return folder;
  }

  @Override
  public String send(Email email) {
    Instant now = clock.instant();
    String messageId;
    byte[] message;
    try {
      messageId = MimeMessageWriter.newMessageId(email.from());
      message = MimeMessageWriter.write(email, messageId, now);
    } catch (IllegalArgumentException e) {
      throw new MailException("outbox: " + e.getMessage(), true, e);
    }
    Path target = folder.resolve(FILE_TIME.format(now) + "-" + messageId.substring(0, 12) + ".eml");
    try {
      writeAtomically(target, message);
    } catch (IOException e) {
      throw new MailException("outbox: could not write " + target + ": " + e, false, e);
    }
    LOG.atInfo().addKeyValue("message_id", messageId).addKeyValue("file", target.toString())
        .log("email written to {}", target);
    return messageId;
  }

  private void writeAtomically(Path target, byte[] message) throws IOException {
    Files.createDirectories(folder);
    Path temp = Files.createTempFile(folder, ".", TEMP_SUFFIX);
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(message);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
