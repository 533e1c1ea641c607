package org.civicos.workers.notification.template;

import java.util.List;

/**
 * The value model. Go values are represented as: {@code null} (nil interface), {@link String}, {@link Double}
 * (float64), {@link Long} (int), {@link GoByte} (uint8), {@link Boolean}, {@link GoMap} and {@link List} of
 * values ({@code []interface{}}). During evaluation a value whose static type is {@code interface{}} is wrapped
 * in {@link Iface}, and {@link NoValue#INSTANCE} is Go's invalid {@code reflect.Value}.
 */
final class GoValues {
    private GoValues() {
    }

    /** An evaluation result whose static type is {@code interface{}}; {@code value == null} is a nil interface. */
    record Iface(Object value) {
    }

    /** Go's zero {@code reflect.Value}. */
    enum NoValue {
        INSTANCE
    }

    /** A Go {@code uint8}, e.g. from indexing a string. */
    record GoByte(int value) {
    }

    /** Drops one level of interface: a nil interface becomes {@link NoValue}. Go's {@code indirectInterface}. */
    static Object indirectInterface(Object v) {
        if (v instanceof Iface i) {
            return i.value() == null ? NoValue.INSTANCE : i.value();
        }
        return v;
    }

    /** Converts an evaluation value into the Java value passed to an {@code interface{}} parameter. */
    static Object toArg(Object v) {
        if (v instanceof Iface i) {
            return i.value();
        }
        if (v == NoValue.INSTANCE) {
            return null;
        }
        return v;
    }

    /** The Go type name of a concrete (non-wrapped) value. */
    static String typeName(Object v) {
        if (v == null) {
            return "<nil>";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Double) {
            return "float64";
        }
        if (v instanceof Long) {
            return "int";
        }
        if (v instanceof GoByte) {
            return "uint8";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof GoMap m) {
            return m.typeName();
        }
        if (v instanceof List<?>) {
            return "[]interface {}";
        }
        if (v instanceof Iface) {
            return "interface {}";
        }
        return v.getClass().getSimpleName();
    }

    /** Go's string ordering (UTF-8 byte order, which equals code point order). */
    static int compareStrings(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** Number of UTF-8 bytes of {@code s} (Go's {@code len}). */
    static int utf8Length(CharSequence s) {
        return utf8Length(s, 0, s.length());
    }

    static int utf8Length(CharSequence s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Replaces unpaired surrogates with U+FFFD, as Go's UTF-8 handling of decoded JSON would. */
    static String sanitize(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad;
            if (Character.isHighSurrogate(c)) {
                bad = i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
                if (!bad) {
                    if (b != null) {
                        b.append(c).append(s.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
            } else {
                bad = Character.isLowSurrogate(c);
            }
            if (bad && b == null) {
                b = new StringBuilder(s.length());
                b.append(s, 0, i);
            }
            if (b != null) {
                b.append(bad ? '\uFFFD' : c);
            }
        }
        return b == null ? s : b.toString();
    }

    /** Go's {@code isTrue} on an already indirected value. */
    static boolean truth(Object v) {
        Object x = indirectInterface(v);
        if (x == NoValue.INSTANCE || x == null) {
            return false;
        }
        if (x instanceof String s) {
            return !s.isEmpty();
        }
        if (x instanceof Boolean b) {
            return b;
        }
        if (x instanceof Double d) {
            return d != 0;
        }
        if (x instanceof Long l) {
            return l != 0;
        }
        if (x instanceof GoByte g) {
            return g.value() != 0;
        }
        if (x instanceof GoMap m) {
            return m.size() > 0;
        }
        if (x instanceof List<?> l) {
            return !l.isEmpty();
        }
        return true;
    }
}
