package org.civicos.workers.notification;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.civicos.workers.aws.AwsJsonApi;

/**
 * SES v2 {@code SendEmail} ({@code POST /v2/email/outbound-emails}, REST-JSON, SigV4 name {@code ses}) on
 * {@link AwsJsonApi}, in place of the SDK's {@code SesV2Client}, which cost 3 MB of jars and ~600 ms of init for
 * this one call. It retries what that client retried, as often and with the same backoff (the SDK's default,
 * "legacy" retry mode): throttling, 500/502/503/504, SES's transient error names and I/O failures, 4 attempts
 * in all, after 0–100, 0–200, 0–400 ms (250–500, 500–1000, 1000–2000 ms when throttled). A retry after an I/O
 * failure may send the email a second time, if SES accepted the first attempt and only the answer was lost; the
 * SDK did the same, and SES v2 has no idempotency key to prevent it.
 */
public final class SesApi {
  public static final String SEND_EMAIL_PATH = "/v2/email/outbound-emails";
  static final int MAX_ATTEMPTS = 4;
  static final Duration BASE_DELAY = Duration.ofMillis(100);
  static final Duration THROTTLED_BASE_DELAY = Duration.ofMillis(500);

  /** The error names AWS uses for throttling, whatever the status code (the SDK's list). */
  static final Set<String> THROTTLING_ERRORS = Set.of("Throttling", "ThrottlingException", "ThrottledException",
      "ProvisionedThroughputExceededException", "SlowDown", "TooManyRequestsException", "RequestLimitExceeded",
      "BandwidthLimitExceeded", "RequestThrottled", "RequestThrottledException", "EC2ThrottledException",
      "TransactionInProgressException");
  /** Other error names the SDK treats as transient and retries. */
  private static final Set<String> TRANSIENT_ERRORS = Set.of("PriorRequestNotComplete", "RequestTimeout",
      "RequestTimeoutException", "InternalError");
  private static final Set<Integer> TRANSIENT_STATUS = Set.of(500, 502, 503, 504);

  /** Waits before a retry; {@link Thread#sleep} outside tests. */
  @FunctionalInterface
  public interface Pause {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** SES answered with an error (after the retries, if it was one to retry). */
  public static final class ErrorAnswer extends Exception {
    private final int status;
    private final Optional<String> type;
    private final Optional<String> errorMessage;
    private final Optional<String> requestId;

    ErrorAnswer(int status, Optional<String> type, Optional<String> errorMessage, Optional<String> requestId) {
      super("SES " + status + " " + type.orElse("(no error type)") + ": " + errorMessage.orElse("(no message)"));
      this.status = status;
      this.type = type;
      this.errorMessage = errorMessage;
      this.requestId = requestId;
    }

    public int status() {
      return status;
    }

    /** The error name SES gave ({@code MessageRejected}, {@code TooManyRequestsException}...), if any. */
    public Optional<String> type() {
      return type;
    }

    public Optional<String> errorMessage() {
      return errorMessage;
    }

    public Optional<String> requestId() {
      return requestId;
    }

    /** Throttled: status 429 or one of AWS's throttling error names. */
    public boolean throttling() {
      return SesApi.throttling(status, type);
    }
  }

  private final AwsJsonApi api;
  private final Pause pause;
  private final DoubleSupplier unitRandom;

  public SesApi(AwsJsonApi api) {
    this(api, duration -> Thread.sleep(duration), () -> ThreadLocalRandom.current().nextDouble());
  }

  /** @param unitRandom jitter in [0, 1) */
  public SesApi(AwsJsonApi api, Pause pause, DoubleSupplier unitRandom) {
    this.api = api;
    this.pause = pause;
    this.unitRandom = unitRandom;
  }

  /** Where requests go. */
  public URI endpoint() {
    return api.endpoint();
  }

  /**
   * Sends one {@code SendEmail} request body.
   *
   * @return SES's {@code MessageId} (null when a successful answer has none, as the SDK returned)
   * @throws ErrorAnswer SES refused it, or kept failing in a way worth retrying
   * @throws IOException SES could not be reached, or its answer not read, on the last attempt; also when the
   *     thread is interrupted while waiting to retry (then with the interrupt flag set)
   */
  public String sendEmail(byte[] request) throws ErrorAnswer, IOException {
    for (int attempt = 1; ; attempt++) {
      AwsJsonApi.Response response;
      try {
        response = api.post(SEND_EMAIL_PATH, Map.of(), request);
      } catch (IOException e) {
        if (attempt == MAX_ATTEMPTS) {
          throw new IOException(e.getMessage() + " (" + attempt + " attempts)", e);
        }
        response = null;
      }
      if (response != null && response.successful()) {
        return messageId(response); // never retried: SES has accepted the email
      }
      boolean throttled = false;
      if (response != null) {
        ErrorAnswer error = new ErrorAnswer(response.status(), response.errorType(), response.errorMessage(),
            response.requestId());
        if (attempt == MAX_ATTEMPTS || !retryable(error)) {
          throw error;
        }
        throttled = error.throttling();
      }
      try {
        pause.sleep(delayBeforeRetry(attempt, throttled));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting to retry SES SendEmail after attempt " + attempt);
      }
    }
  }

  /**
   * Exponential backoff with jitter, as the SDK's legacy mode: the ceiling doubles from the base delay with every
   * retry; throttling waits between half the ceiling and the ceiling, anything else between zero and the
   * ceiling.
   */
  Duration delayBeforeRetry(int failedAttempt, boolean throttled) {
    long ceiling = (throttled ? THROTTLED_BASE_DELAY : BASE_DELAY).toMillis() << (failedAttempt - 1);
    double r = unitRandom.getAsDouble();
    return Duration.ofMillis(throttled ? ceiling / 2 + (long) (r * (ceiling / 2)) : (long) (r * ceiling));
  }

  static boolean throttling(int status, Optional<String> type) {
    return status == 429 || type.filter(THROTTLING_ERRORS::contains).isPresent();
  }

  private static boolean retryable(ErrorAnswer error) {
    return error.throttling() || TRANSIENT_STATUS.contains(error.status())
        || error.type().filter(TRANSIENT_ERRORS::contains).isPresent();
  }

  private static String messageId(AwsJsonApi.Response response) throws IOException {
    var json = response.json();
    if (!json.isObject()) {
      // The SDK failed such an answer as unreadable; whether SES sent the email is unknown.
      throw new IOException("SES answered " + response.status() + " with a body that is not a JSON object: "
          + response.text(200));
    }
    return json.path("MessageId").isTextual() ? json.get("MessageId").asText() : null;
  }
}
