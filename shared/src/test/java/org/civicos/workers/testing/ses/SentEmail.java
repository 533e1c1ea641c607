package org.civicos.workers.testing.ses;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One email as the SES v2 emulator stored it ({@code GET /store}, an element of {@code emails}). Addresses are
 * as sent: a From of {@code "Civic OS" <noreply@example.org>} comes back as that whole string. The emulator does
 * not keep the charsets, the configuration set, the email tags or the feedback address; {@link #raw()} is the
 * stored JSON as it is, for anything else (attachments, for instance).
 *
 * @param at when the emulator stored it, to the second
 */
public record SentEmail(
    String messageId,
    String from,
    List<String> to,
    List<String> cc,
    List<String> bcc,
    List<String> replyTo,
    String subject,
    String text,
    String html,
    List<MessageHeader> headers,
    Instant at,
    JsonNode raw) {

  /** Whether the address is among To, Cc or Bcc (ignoring case; a {@code Name <address>} entry matches too). */
  public boolean isAddressedTo(String address) {
    String wanted = address.toLowerCase(Locale.ROOT);
    for (List<String> list : List.of(to, cc, bcc)) {
      for (String entry : list) {
        String e = entry.toLowerCase(Locale.ROOT).trim();
        if (e.equals(wanted) || e.endsWith("<" + wanted + ">")) {
          return true;
        }
      }
    }
    return false;
  }

  static SentEmail fromStore(JsonNode e) {
    JsonNode destination = e.path("destination");
    List<MessageHeader> headers = new ArrayList<>();
    for (JsonNode h : e.path("headers")) {
      headers.add(new MessageHeader(h.path("name").asText(), h.path("value").asText()));
    }
    return new SentEmail(
        text(e.get("messageId")),
        text(e.get("from")),
        strings(destination.get("to")),
        strings(destination.get("cc")),
        strings(destination.get("bcc")),
        strings(e.get("replyTo")),
        text(e.get("subject")),
        text(e.path("body").get("text")),
        text(e.path("body").get("html")),
        List.copyOf(headers),
        e.hasNonNull("at") ? Instant.ofEpochSecond(e.get("at").asLong()) : null,
        e);
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n != null) {
      for (JsonNode s : n) {
        out.add(s.asText());
      }
    }
    return List.copyOf(out);
  }
}
