package org.civicos.workers.testing.ses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP attempt {@link FakeSesServer} received, with its SendEmail body parsed. Every attempt is recorded,
 * retries included (the SDK's {@code amz-sdk-request: attempt=N; max=M} header says which try it was, and
 * {@code amz-sdk-invocation-id} ties the tries of one call together).
 *
 * @param headers HTTP headers, names in lower case
 * @param body the raw body, UTF-8
 * @param json the parsed body ({@link MissingNode} when it is not JSON)
 * @param reply what the fake answered
 */
public record RecordedSesRequest(
    Instant receivedAt,
    String method,
    String path,
    Map<String, List<String>> headers,
    String body,
    JsonNode json,
    SesReply reply) {

  private static final Pattern ATTEMPT = Pattern.compile("attempt=(\\d+)");

  /** A text field with its charset ({@code Subject}, {@code Body.Text}, {@code Body.Html}). */
  public record Content(String charset, String data) {
  }

  /** The first value of an HTTP header, or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Which try of its call this was (1 for the first), from {@code amz-sdk-request}; 0 when not said. */
  public int sdkAttempt() {
    String value = header("amz-sdk-request");
    if (value == null) {
      return 0;
    }
    Matcher m = ATTEMPT.matcher(value);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** The SDK's id of the call this attempt belongs to. */
  public String invocationId() {
    return header("amz-sdk-invocation-id");
  }

  public String fromEmailAddress() {
    return text(json.path("FromEmailAddress"));
  }

  public List<String> toAddresses() {
    return strings(json.path("Destination").path("ToAddresses"));
  }

  public List<String> ccAddresses() {
    return strings(json.path("Destination").path("CcAddresses"));
  }

  public List<String> bccAddresses() {
    return strings(json.path("Destination").path("BccAddresses"));
  }

  public List<String> replyToAddresses() {
    return strings(json.path("ReplyToAddresses"));
  }

  public String configurationSetName() {
    return text(json.path("ConfigurationSetName"));
  }

  /** {@code Content.Simple.Subject}, or null. */
  public Content subject() {
    return content(simple().path("Subject"));
  }

  /** {@code Content.Simple.Body.Text}, or null. */
  public Content text() {
    return content(simple().path("Body").path("Text"));
  }

  /** {@code Content.Simple.Body.Html}, or null. */
  public Content html() {
    return content(simple().path("Body").path("Html"));
  }

  /** {@code Content.Simple.Headers}: the email's custom headers. */
  public List<MessageHeader> emailHeaders() {
    List<MessageHeader> out = new ArrayList<>();
    for (JsonNode h : simple().path("Headers")) {
      out.add(new MessageHeader(h.path("Name").asText(), h.path("Value").asText()));
    }
    return List.copyOf(out);
  }

  /** {@code EmailTags}, as name/value pairs. */
  public List<MessageHeader> emailTags() {
    List<MessageHeader> out = new ArrayList<>();
    for (JsonNode t : json.path("EmailTags")) {
      out.add(new MessageHeader(t.path("Name").asText(), t.path("Value").asText()));
    }
    return List.copyOf(out);
  }

  private JsonNode simple() {
    return json.path("Content").path("Simple");
  }

  private static Content content(JsonNode n) {
    return n.isObject() ? new Content(text(n.path("Charset")), text(n.path("Data"))) : null;
  }

  private static String text(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? null : n.asText();
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    for (JsonNode s : n) {
      out.add(s.asText());
    }
    return List.copyOf(out);
  }
}
