package org.civicos.workers.cli.mail;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.SocketTimeoutException;
import org.civicos.workers.notification.Mailer.MailException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPAddressSucceededException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

/** {@link SmtpMailer#classify}: by exception type and reply code; the words in messages never matter. */
class SmtpClassificationTest {
  private static final String SERVER = "smtp.example.org:587";

  private static InternetAddress to() throws AddressException {
    return new InternetAddress("resident@example.org");
  }

  private static SendFailedException chain(Exception... next) {
    SendFailedException root = new SendFailedException("Invalid Addresses");
    MessagingException last = root;
    for (Exception e : next) {
      last.setNextException(e);
      last = e instanceof MessagingException m ? m : last;
    }
    return root;
  }

  @Test
  void replyCodesDecideWhateverTheWords() throws Exception {
    MailException unavailable = SmtpMailer.classify(chain(new SMTPAddressFailedException(to(), "RCPT TO:<x>", 550,
        "550 mailbox unavailable")), true, 550, SERVER);
    assertThat(unavailable.permanent()).isTrue();

    MailException temporary = SmtpMailer.classify(chain(new SMTPAddressFailedException(to(), "RCPT TO:<x>", 451,
        "451 permanently failed, rejected, invalid (words do not matter)")), true, 451, SERVER);
    assertThat(temporary.permanent()).isFalse();

    MailException connection = SmtpMailer.classify(new SMTPSendFailedException(".", 554,
        "554 connection timeout temporarily unavailable", null, new Address[0], new Address[0], new Address[0]),
        true, 554, SERVER);
    assertThat(connection.permanent()).isTrue();
  }

  @Test
  void successesInTheChainAreIgnoredAndPermanentWins() throws Exception {
    SendFailedException onlySuccess = chain(new SMTPAddressSucceededException(to(), "RCPT TO:<x>", 250, "250 ok"));
    assertThat(SmtpMailer.reply(onlySuccess)).isNull();

    SendFailedException mixed = chain(new SMTPAddressSucceededException(to(), "RCPT TO:<x>", 250, "250 ok"),
        new SMTPAddressFailedException(to(), "RCPT TO:<y>", 452, "452 later"),
        new SMTPAddressFailedException(to(), "RCPT TO:<z>", 550, "550 no"));
    assertThat(SmtpMailer.reply(mixed).code()).isEqualTo(550);
    assertThat(SmtpMailer.classify(mixed, true, 550, SERVER).permanent()).isTrue();
  }

  @Test
  void withoutAReplyCode() {
    assertThat(SmtpMailer.classify(new AuthenticationFailedException("535 5.7.8 nope"), false, 535, SERVER)
        .permanent()).isTrue();
    assertThat(SmtpMailer.classify(new AuthenticationFailedException("454 4.7.0 later"), false, 454, SERVER)
        .permanent()).isFalse();
    assertThat(SmtpMailer.classify(new MessagingException("Exception reading response",
        new SocketTimeoutException("Read timed out")), true, 354, SERVER).permanent()).isFalse();
    assertThat(SmtpMailer.classify(new MessagingException("no TLS offered"), false, 250, SERVER).permanent())
        .isFalse();
    assertThat(SmtpMailer.classify(new MessagingException("greeting refused"), false, 554, SERVER).permanent())
        .isTrue();
    assertThat(SmtpMailer.classify(new MessagingException("bad", new AddressException("bad address")), true, -1,
        SERVER).permanent()).isTrue();
  }
}
