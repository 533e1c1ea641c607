package org.civicos.workers.notification;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.civicos.workers.notification.template.CompiledTemplate;
import org.civicos.workers.notification.template.Engine;
import org.civicos.workers.notification.template.RenderData;
import org.civicos.workers.notification.template.TemplateException;
import org.civicos.workers.queue.JobOutcome;
import org.civicos.workers.runtime.JobContext;
import org.civicos.workers.runtime.JobWorker;

/**
 * Kinds {@code validate_template_parts} and {@code preview_template_parts}: one result row per non-empty part, in
 * the order subject, html, text, sms, as the template editor reads them through {@code get_validation_results}
 * and {@code get_preview_results}.
 *
 * <p>Validation parses each part (name {@code validation}) and, for HTML, also runs html/template's contextual
 * analysis, so an unterminated attribute is reported here instead of failing every send later. Preview renders
 * each part against the sample data; a sample that is not a JSON object gives every part an error and still
 * completes the parent, so the editor never polls a {@code pending} row forever.
 */
public final class TemplateCheckWorker implements JobWorker<JsonNode> {
  private static final String[] PARTS = {"subject", "html", "text", "sms"};

  private final boolean preview;
  private final NotificationRenderer renderer;
  private final TemplateCheckRepository results = new TemplateCheckRepository();

  private TemplateCheckWorker(boolean preview, NotificationRenderer renderer) {
    this.preview = preview;
    this.renderer = renderer;
  }

  public static TemplateCheckWorker validation(NotificationRenderer renderer) {
    return new TemplateCheckWorker(false, renderer);
  }

  public static TemplateCheckWorker preview(NotificationRenderer renderer) {
    return new TemplateCheckWorker(true, renderer);
  }

  @Override
  public String kind() {
    return preview ? "preview_template_parts" : "validate_template_parts";
  }

  @Override
  public Class<JsonNode> argsType() {
    return JsonNode.class;
  }

  @Override
  public Duration timeout() {
    return Duration.ofSeconds(20);
  }

  @Override
  public JobOutcome execute(JobContext context, JsonNode args) {
    Optional<UUID> validationId = uuid(args.get("validation_id"));
    if (validationId.isEmpty()) {
      return JobOutcome.cancelled("invalid args: validation_id must be a UUID string");
    }
    List<TemplateCheckRepository.Part> parts = new ArrayList<>();
    for (String part : PARTS) {
      JsonNode source = args.get(part + "_template");
      if (source == null || !source.isTextual() || source.asText().isEmpty()) {
        continue;
      }
      parts.add(preview ? preview(part, source.asText(), args.get("sample_entity_data")) : validate(part, source.asText()));
    }
    if (!results.record(context.database(), validationId.get(), parts)) {
      return JobOutcome.cancelled("no template_validation_results row with id " + validationId.get());
    }
    return JobOutcome.completed();
  }

  private TemplateCheckRepository.Part validate(String part, String source) {
    Engine engine = part.equals("html") ? Engine.HTML : Engine.TEXT;
    try {
      CompiledTemplate compiled = renderer.engine().parse(engine, "validation", source);
      Optional<String> escaping = compiled.escapeError();
      if (escaping.isPresent()) {
        return new TemplateCheckRepository.Part(part, false, "invalid template syntax: " + escaping.get());
      }
      return new TemplateCheckRepository.Part(part, true, "");
    } catch (TemplateException e) {
      return new TemplateCheckRepository.Part(part, false, "invalid template syntax: " + e.getMessage());
    }
  }

  private TemplateCheckRepository.Part preview(String part, String source, JsonNode sample) {
    TemplateCheckRepository.Part syntax = validate(part, source);
    if (!syntax.valid()) {
      return syntax;
    }
    try {
      RenderData data = renderer.data(sample == null || sample.isNull() ? null : sample);
      String output = renderer.render(part.equals("html") ? Engine.HTML : Engine.TEXT,
          part.equals("html") ? "html" : "text", source, data);
      return new TemplateCheckRepository.Part(part, true, output);
    } catch (NotificationRenderer.RenderException e) {
      return new TemplateCheckRepository.Part(part, false, "Rendering error: " + e.getMessage());
    }
  }

  private static Optional<UUID> uuid(JsonNode node) {
    if (node == null || !node.isTextual()) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(node.asText()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
