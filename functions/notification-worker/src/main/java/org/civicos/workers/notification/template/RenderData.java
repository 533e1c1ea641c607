package org.civicos.workers.notification.template;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The template root ("dot"): a Go {@code map[string]interface{}} with {@code Entity} (the entity data decoded as
 * Go's {@code encoding/json} would: objects → maps, arrays → slices, numbers → float64, null → nil) and
 * {@code Metadata} (a {@code map[string]string}; absent keys read as {@code ""}).
 */
public final class RenderData {
    private final GoMap root;

    private RenderData(GoMap root) {
        this.root = root;
    }

    /**
     * @param entityData a JSON object, or {@code null}/JSON null (a nil map that behaves as empty)
     * @param metadata   the {@code Metadata} map, e.g. {@code site_url}
     * @throws IllegalArgumentException if {@code entityData} is neither an object nor null ("invalid entity data")
     */
    public static RenderData of(JsonNode entityData, Map<String, String> metadata) {
        Object entity;
        if (entityData == null || entityData.isNull() || entityData.isMissingNode()) {
            entity = GoMap.nilInterfaceMap();
        } else if (entityData.isObject()) {
            entity = convert(entityData);
        } else {
            throw new IllegalArgumentException("invalid entity data: a JSON object is required");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        if (metadata != null) {
            metadata.forEach((k, v) -> meta.put(GoValues.sanitize(k), v == null ? "" : GoValues.sanitize(v)));
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("Entity", entity);
        r.put("Metadata", GoMap.ofStrings(meta));
        return new RenderData(GoMap.ofInterfaces(r));
    }

    Object root() {
        return root;
    }

    private static Object convert(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(GoValues.sanitize(e.getKey()), convert(e.getValue()));
            }
            return GoMap.ofInterfaces(m);
        }
        if (n.isArray()) {
            Object[] items = new Object[n.size()];
            for (int i = 0; i < items.length; i++) {
                items[i] = convert(n.get(i));
            }
            return java.util.Collections.unmodifiableList(java.util.Arrays.asList(items));
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isTextual()) {
            return GoValues.sanitize(n.textValue());
        }
        if (n.isBinary()) {
            return GoValues.sanitize(n.asText());
        }
        return GoValues.sanitize(n.asText());
    }

    static List<Object> listOf(Object... items) {
        return java.util.Collections.unmodifiableList(java.util.Arrays.asList(items));
    }
}
