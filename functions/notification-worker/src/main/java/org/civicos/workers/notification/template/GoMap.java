package org.civicos.workers.notification.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A Go map with string keys: either {@code map[string]interface{}} (values are Go values, {@code null} = nil) or
 * {@code map[string]string}. A nil map behaves as an empty map. Immutable once built.
 */
final class GoMap {
    private final Map<String, Object> entries;
    private final boolean stringValued;
    private final boolean nil;
    private volatile List<String> sortedKeys;

    private GoMap(Map<String, Object> entries, boolean stringValued, boolean nil) {
        this.entries = entries;
        this.stringValued = stringValued;
        this.nil = nil;
    }

    static GoMap ofInterfaces(Map<String, Object> entries) {
        return new GoMap(Collections.unmodifiableMap(entries), false, false);
    }

    static GoMap ofStrings(Map<String, String> entries) {
        return new GoMap(Collections.unmodifiableMap(entries), true, false);
    }

    static GoMap nilInterfaceMap() {
        return new GoMap(Map.of(), false, true);
    }

    boolean stringValued() {
        return stringValued;
    }

    boolean isNil() {
        return nil;
    }

    int size() {
        return entries.size();
    }

    boolean containsKey(String key) {
        return entries.containsKey(key);
    }

    /** The raw entry ({@code null} when absent or nil). */
    Object get(String key) {
        return entries.get(key);
    }

    /**
     * Go's {@code m[key]} as a reflect value: for {@code map[string]interface{}} an {@link Iface}, for
     * {@code map[string]string} a string; the zero value of the element type when the key is absent.
     */
    Object index(String key) {
        Object v = entries.get(key);
        if (stringValued) {
            return v == null ? "" : v;
        }
        return new GoValues.Iface(v);
    }

    String typeName() {
        return stringValued ? "map[string]string" : "map[string]interface {}";
    }

    List<String> sortedKeys() {
        List<String> keys = sortedKeys;
        if (keys == null) {
            keys = new ArrayList<>(entries.keySet());
            keys.sort(GoValues::compareStrings);
            keys = List.copyOf(keys);
            sortedKeys = keys;
        }
        return keys;
    }
}
