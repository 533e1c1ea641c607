package org.civicos.workers.aws;

import java.io.IOException;
import java.util.Set;
import org.civicos.workers.WorkersException;
import org.w3c.dom.Element;

/**
 * An S3 request that failed for good (after {@link S3ObjectClient}'s own retries): S3's answer, with its HTTP
 * status and the {@code <Code>} and {@code <Message>} of its XML error body, or no answer at all (status 0: the
 * connection failed, was reset or timed out).
 */
public final class S3RequestException extends WorkersException {
  /** Codes that mean "slow down": S3's SlowDown and the generic AWS ones S3-compatible servers may send. */
  private static final Set<String> THROTTLING = Set.of("SlowDown", "Throttling", "ThrottlingException",
      "RequestLimitExceeded", "TooManyRequestsException", "RequestThrottled");
  /** S3's messages are one sentence; anything longer is not worth carrying into job errors. */
  private static final int MAX_MESSAGE = 300;

  private final int status;
  private final String code;
  private final String s3Message;

  public S3RequestException(String operation, int status, String code, String s3Message) {
    super(operation + ": S3 answered " + status + (code.isEmpty() ? "" : " " + code)
        + (s3Message.isEmpty() ? "" : " (" + s3Message + ")"));
    this.status = status;
    this.code = code;
    this.s3Message = s3Message;
  }

  private S3RequestException(String operation, IOException cause) {
    super(operation + ": no answer from S3: " + describe(cause), cause);
    this.status = 0;
    this.code = "";
    this.s3Message = "";
  }

  /** The connection failed: refused, reset, timed out or cut mid-body. */
  public static S3RequestException noAnswer(String operation, IOException cause) {
    return new S3RequestException(operation, cause);
  }

  /** From an error answer; {@code body} may be empty (HEAD has none) or not XML (a proxy's page). */
  public static S3RequestException fromAnswer(String operation, int status, byte[] body) {
    String code = "";
    String message = "";
    try {
      Element error = body.length == 0 ? null : S3Xml.parse(body).getDocumentElement();
      if (error != null && error.getTagName().equals("Error")) {
        code = S3Xml.child(error, "Code").trim();
        message = S3Xml.child(error, "Message").trim();
        message = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message;
      }
    } catch (IOException e) {
      // not S3's XML (a proxy's or load balancer's page): the status says enough
    }
    if (code.isEmpty() && status == 404) {
      code = "NotFound";
    }
    return new S3RequestException(operation, status, code, message);
  }

  /** The HTTP status, or 0 when no answer came. */
  public int status() {
    return status;
  }

  /** S3's error code ({@code NoSuchKey}, {@code AccessDenied}, {@code SlowDown}, ...), or empty. */
  public String code() {
    return code;
  }

  /** S3's own message, or empty. */
  public String s3Message() {
    return s3Message;
  }

  public boolean notFound() {
    return status == 404;
  }

  public boolean throttling() {
    return status == 429 || THROTTLING.contains(code);
  }

  /**
   * Whether the same request may succeed a moment later: no answer, a 5xx, 408, throttling, or S3's
   * {@code RequestTimeout} (a 400 that only says the body came too slowly). Everything else is S3 refusing this
   * request (4xx) and is not retried here; callers decide whether a refusal such as 403 can change later (a
   * policy being fixed).
   */
  public boolean transientFault() {
    return status == 0 || status >= 500 || status == 408 || throttling() || "RequestTimeout".equals(code);
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
