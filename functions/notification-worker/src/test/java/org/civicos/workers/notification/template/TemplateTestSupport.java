package org.civicos.workers.notification.template;

import java.time.ZoneId;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Helpers shared by the template unit tests. */
abstract class TemplateTestSupport {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String SITE = "https://portal.example.test";
    static final GoTemplateEngine ENGINE = new GoTemplateEngine(ZoneId.of("America/New_York"), Limits.defaults());

    /** Parses JSON written with single quotes (so data values cannot contain apostrophes). */
    static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static RenderData data(String entityJson) {
        return RenderData.of(entityJson == null ? null : json(entityJson), Map.of("site_url", SITE));
    }

    static String text(String template, String entityJson) {
        return ENGINE.parse(Engine.TEXT, "text", template).execute(data(entityJson));
    }

    static String html(String template, String entityJson) {
        return ENGINE.parse(Engine.HTML, "html", template).execute(data(entityJson));
    }
}
