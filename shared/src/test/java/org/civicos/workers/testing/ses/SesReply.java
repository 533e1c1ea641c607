package org.civicos.workers.testing.ses;

import java.time.Duration;
import java.util.Objects;

/**
 * One answer {@link FakeSesServer} gives to one HTTP attempt: success, an SES error encoded as real SES v2 does
 * (REST-JSON: status code, {@code x-amzn-ErrorType: <Name>:http://internal.amazon.com/coral/com.amazonaws.sesv2/}
 * and a {@code {"message": …}} body), a dropped connection, any of them after a delay.
 *
 * <p>The AWS SDK reads the error name from the {@code x-amzn-ErrorType} header (else the body's {@code __type},
 * else {@code code}), cuts it at {@code :} and after {@code #}, and throws the modeled exception registered under
 * that name; an unknown name gives a plain {@code SesV2Exception} with the status code.
 */
public final class SesReply {
  static final String ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazonaws.sesv2/";
  static final String BODY_TYPE_PREFIX = "com.amazonaws.sesv2#";

  final int status;
  final String errorType;
  final String message;
  final String messageId;
  final Duration delay;
  final boolean drop;
  final boolean typeInBody;

  private SesReply(int status, String errorType, String message, String messageId, Duration delay, boolean drop,
      boolean typeInBody) {
    this.status = status;
    this.errorType = errorType;
    this.message = message;
    this.messageId = messageId;
    this.delay = delay;
    this.drop = drop;
    this.typeInBody = typeInBody;
  }

  /** 200 with a generated SES-like {@code MessageId}. */
  public static SesReply success() {
    return new SesReply(200, null, null, null, Duration.ZERO, false, false);
  }

  /** 200 with this {@code MessageId}. */
  public static SesReply success(String messageId) {
    return new SesReply(200, null, null, Objects.requireNonNull(messageId), Duration.ZERO, false, false);
  }

  /** Any SES error: this status, this error name (e.g. {@code LimitExceededException}), this message. */
  public static SesReply error(int status, String errorType, String message) {
    return new SesReply(status, Objects.requireNonNull(errorType), message, null, Duration.ZERO, false, false);
  }

  /** 429 {@code TooManyRequestsException} (SDK: {@code TooManyRequestsException}; retried as throttling). */
  public static SesReply throttled() {
    return error(429, "TooManyRequestsException", "Too many requests have been made to the operation.");
  }

  /** 500 {@code InternalFailure} (SDK: plain {@code SesV2Exception}, status 500; retried). */
  public static SesReply internalError() {
    return error(500, "InternalFailure",
        "The request processing has failed because of an unknown error, exception or failure.");
  }

  /** 503 {@code ServiceUnavailable} (SDK: plain {@code SesV2Exception}, status 503; retried). */
  public static SesReply serviceUnavailable() {
    return error(503, "ServiceUnavailable", "Service is unavailable. Please try again later.");
  }

  /** 400 {@code MessageRejected} (SDK: {@code MessageRejectedException}), e.g. an unverified identity. */
  public static SesReply messageRejected() {
    return messageRejected("Email address is not verified. The following identities failed the check in region "
        + "US-EAST-1: noreply@example.org");
  }

  public static SesReply messageRejected(String message) {
    return error(400, "MessageRejected", message);
  }

  /** 400 {@code MailFromDomainNotVerifiedException}. */
  public static SesReply mailFromDomainNotVerified() {
    return error(400, "MailFromDomainNotVerifiedException",
        "The message couldn't be sent because the sending domain isn't verified.");
  }

  /** 400 {@code AccountSuspendedException}: the account may no longer send. */
  public static SesReply accountSuspended() {
    return error(400, "AccountSuspendedException",
        "The message can't be sent because the account's ability to send email has been permanently restricted.");
  }

  /** 400 {@code SendingPausedException}: sending is paused for the account or the configuration set. */
  public static SesReply sendingPaused() {
    return error(400, "SendingPausedException",
        "The message can't be sent because the account's ability to send email is currently paused.");
  }

  /** 400 {@code LimitExceededException}. */
  public static SesReply limitExceeded() {
    return error(400, "LimitExceededException", "Maximum sending rate exceeded.");
  }

  /** 404 {@code NotFoundException}, e.g. {@code "Configuration set <name> does not exist."}. */
  public static SesReply notFound(String message) {
    return error(404, "NotFoundException", message);
  }

  /** 400 {@code BadRequestException}, e.g. {@code "Missing final '@domain'"} for an invalid address. */
  public static SesReply badRequest(String message) {
    return error(400, "BadRequestException", message);
  }

  /** Reads the request, then closes the connection without a response (the SDK sees an IOException; retried). */
  public static SesReply drop() {
    return new SesReply(0, null, null, null, Duration.ZERO, true, false);
  }

  /** Success after this delay: with a shorter client timeout, a timed-out attempt. */
  public static SesReply delayed(Duration delay) {
    return success().after(delay);
  }

  /** This reply, sent (or, for {@link #drop()}, the connection dropped) only after the delay. */
  public SesReply after(Duration delay) {
    return new SesReply(status, errorType, message, messageId, Objects.requireNonNull(delay), drop, typeInBody);
  }

  /**
   * This error with its name in the body's {@code __type} ({@code com.amazonaws.sesv2#Name}) and no
   * {@code x-amzn-ErrorType} header: the SDK's fallback, as some AWS JSON services answer.
   */
  public SesReply withTypeInBody() {
    if (errorType == null) {
      throw new IllegalStateException("only an error has a type");
    }
    return new SesReply(status, errorType, message, messageId, delay, drop, true);
  }

  public int status() {
    return status;
  }

  public String errorType() {
    return errorType;
  }

  @Override
  public String toString() {
    String what = drop ? "drop" : errorType == null ? "success" : status + " " + errorType;
    return delay.isZero() ? what : what + " after " + delay;
  }
}
