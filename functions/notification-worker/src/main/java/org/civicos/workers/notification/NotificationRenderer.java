package org.civicos.workers.notification;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.civicos.workers.notification.template.CompiledTemplate;
import org.civicos.workers.notification.template.Engine;
import org.civicos.workers.notification.template.GoTemplateEngine;
import org.civicos.workers.notification.template.RenderData;
import org.civicos.workers.notification.template.TemplateException;

/**
 * Renders the parts of a Civic OS notification template the way the Go worker does: subject, text and SMS with
 * text/template (template name {@code text}), HTML with html/template (name {@code html}), against
 * {@code {Entity: entity_data, Metadata: {site_url}}}.
 */
public final class NotificationRenderer {
  /** The rendered parts; {@code sms} is empty when the template has none. */
  public record Rendered(String subject, String html, String text, String sms) {
  }

  /** A template that does not parse or execute; the message is Go's, prefixed as Civic OS stores it. */
  public static final class RenderException extends org.civicos.workers.WorkersException {
    public RenderException(String message) {
      super(message);
    }
  }

  private final GoTemplateEngine engine;
  private final String siteUrl;

  public NotificationRenderer(GoTemplateEngine engine, String siteUrl) {
    this.engine = engine;
    this.siteUrl = siteUrl;
  }

  public GoTemplateEngine engine() {
    return engine;
  }

  public RenderData data(JsonNode entityData) {
    try {
      return RenderData.of(entityData, Map.of("site_url", siteUrl));
    } catch (IllegalArgumentException e) {
      throw new RenderException("invalid entity data: " + e.getMessage());
    }
  }

  public Rendered render(NotificationTemplate template, JsonNode entityData) {
    RenderData data = data(entityData);
    return new Rendered(
        render(Engine.TEXT, "text", template.subject(), data),
        render(Engine.HTML, "html", template.html(), data),
        render(Engine.TEXT, "text", template.text(), data),
        template.sms() == null || template.sms().isEmpty() ? "" : render(Engine.TEXT, "text", template.sms(), data));
  }

  /** One part; throws {@link RenderException} with Go's parse or execution message. */
  public String render(Engine kind, String name, String source, RenderData data) {
    CompiledTemplate compiled;
    try {
      compiled = engine.parse(kind, name, source == null ? "" : source);
    } catch (TemplateException e) {
      throw new RenderException("invalid template syntax: " + e.getMessage());
    }
    try {
      return compiled.execute(data);
    } catch (TemplateException e) {
      throw new RenderException("template execution error: " + e.getMessage());
    }
  }
}
