package org.civicos.workers.notification;

import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AccountSuspendedException;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.Content;
import software.amazon.awssdk.services.sesv2.model.EmailContent;
import software.amazon.awssdk.services.sesv2.model.LimitExceededException;
import software.amazon.awssdk.services.sesv2.model.MailFromDomainNotVerifiedException;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SendingPausedException;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

/**
 * SES v2 {@code SendEmail} with simple content: SES builds the MIME message itself (RFC 2047 subject, UTF-8 parts
 * with a proper transfer encoding, unique boundary, Message-ID), which is everything the Go worker's hand-made
 * SMTP message got wrong. Errors are classified by the SDK's exception type and status code, never by words in
 * the message: throttling, limits, 5xx and network faults retry; rejections and configuration problems do not.
 */
public final class SesMailer implements Mailer {
  private final SesV2Client ses;

  public SesMailer(SesV2Client ses) {
    this.ses = ses;
  }

  @Override
  public String send(Email email) {
    SendEmailRequest.Builder request = SendEmailRequest.builder()
        .fromEmailAddress(email.from())
        .destination(d -> d.toAddresses(email.to()))
        .content(EmailContent.builder().simple(m -> m
            .subject(utf8(email.subject()))
            .body(Body.builder().text(utf8(email.text())).html(utf8(email.html())).build())).build());
    email.replyTo().ifPresent(request::replyToAddresses);
    email.configurationSet().ifPresent(request::configurationSetName);
    try {
      return ses.sendEmail(request.build()).messageId();
    } catch (SesV2Exception e) {
      throw new MailException("SES " + e.statusCode() + " " + e.getClass().getSimpleName() + ": "
          + e.awsErrorDetails().errorMessage(), !retryable(e), e);
    } catch (SdkServiceException e) {
      throw new MailException("SES " + e.statusCode() + ": " + e.getMessage(), !e.isThrottlingException()
          && e.statusCode() < 500, e);
    } catch (SdkClientException e) {
      throw new MailException("could not reach SES: " + e.getMessage(), false, e);
    }
  }

  static boolean retryable(SesV2Exception e) {
    if (e instanceof TooManyRequestsException || e instanceof LimitExceededException || e.isThrottlingException()) {
      return true;
    }
    if (e instanceof MessageRejectedException || e instanceof MailFromDomainNotVerifiedException
        || e instanceof AccountSuspendedException || e instanceof SendingPausedException
        || e instanceof NotFoundException || e instanceof BadRequestException) {
      return false;
    }
    return e.statusCode() >= 500;
  }

  private static Content utf8(String data) {
    return Content.builder().charset(StandardCharsets.UTF_8.name()).data(data).build();
  }
}
