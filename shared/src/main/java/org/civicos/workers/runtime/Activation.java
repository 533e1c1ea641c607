package org.civicos.workers.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The payload the poller (or a continuation, or a push trigger) sends a handler: which tenant's which queue to
 * drain and why. It names work, never carries it: the job rows are the source of truth, so a duplicated or
 * late activation costs one empty claim at most.
 */
public record Activation(String tenant, String queue, String reason) {
  public static final String POLL = "poll";
  public static final String CONTINUATION = "continuation";
  public static final Set<String> REASONS = Set.of(POLL, CONTINUATION, "push", "manual");
  private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Why an activation payload was refused. */
  public static final class InvalidActivation extends org.civicos.workers.WorkersException {
    public InvalidActivation(String message) {
      super(message);
    }
  }

  /** Parses and validates a payload; never echoes more than a short prefix of hostile input. */
  public static Activation parse(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (Exception e) {
      throw new InvalidActivation("activation is not JSON: " + preview(json));
    }
    if (node == null || !node.isObject()) {
      throw new InvalidActivation("activation must be a JSON object like {\"tenant\":\"...\",\"queue\":\"...\","
          + "\"reason\":\"poll\"}, got " + preview(json));
    }
    String tenant = text(node, "tenant");
    String queue = text(node, "queue");
    String reason = node.hasNonNull("reason") ? text(node, "reason").toLowerCase(Locale.ROOT) : POLL;
    if (!REASONS.contains(reason)) {
      throw new InvalidActivation("activation reason must be one of " + REASONS + ", got " + preview(reason));
    }
    return new Activation(tenant, queue, reason);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new InvalidActivation("activation needs a string '" + field + "'");
    }
    String text = value.asText();
    if (!field.equals("reason") && !NAME.matcher(text).matches()) {
      throw new InvalidActivation("activation " + field + " " + preview(text) + " is not a valid name "
          + "(lower-case letters, digits, '_' and '-', at most 63 characters)");
    }
    return text;
  }

  public String toJson() {
    return JSON.createObjectNode().put("tenant", tenant).put("queue", queue).put("reason", reason).toString();
  }

  public Activation withReason(String newReason) {
    return new Activation(tenant, queue, newReason);
  }

  static String preview(String text) {
    if (text == null) {
      return "null";
    }
    String clean = text.replaceAll("[\\p{Cntrl}]", "?");
    return "'" + (clean.length() > 80 ? clean.substring(0, 80) + "..." : clean) + "'";
  }
}
