package org.civicos.workers.notification.template;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.civicos.workers.notification.template.GoFunc.CallError;
import org.civicos.workers.notification.template.GoFunc.Param;
import org.civicos.workers.notification.template.GoValues.GoByte;
import org.civicos.workers.notification.template.GoValues.Iface;
import org.civicos.workers.notification.template.GoValues.NoValue;

/** Go's {@code text/template} predefined functions. */
final class Builtins {
    private Builtins() {
    }

    private static final List<Param> V = List.of(Param.VALUE);
    private static final List<Param> VV = List.of(Param.VALUE, Param.VALUE);
    private static final List<Param> A = List.of(Param.ANY);

    static final Map<String, GoFunc> ALL;

    static {
        Map<String, GoFunc> m = new HashMap<>();
        put(m, GoFunc.builtin("and", VV, true, a -> {
            throw new IllegalStateException("unreachable");
        }));
        put(m, GoFunc.builtin("or", VV, true, a -> {
            throw new IllegalStateException("unreachable");
        }));
        put(m, GoFunc.builtin("not", V, false, a -> !GoValues.truth(a.get(0))));
        put(m, GoFunc.builtin("len", V, false, a -> length(a.get(0))));
        put(m, GoFunc.builtin("index", VV, true, a -> index(a.get(0), a.subList(1, a.size()))));
        put(m, GoFunc.builtin("slice", VV, true, a -> slice(a.get(0), a.subList(1, a.size()))));
        put(m, GoFunc.builtin("call", VV, true, a -> {
            Object fn = GoValues.indirectInterface(a.get(0));
            if (fn == NoValue.INSTANCE) {
                throw new CallError("call of nil");
            }
            throw new CallError("non-function of type " + GoValues.typeName(fn));
        }));
        put(m, GoFunc.builtin("print", A, true, GoFmt::sprint));
        put(m, GoFunc.builtin("println", A, true, GoFmt::sprintln));
        put(m, GoFunc.builtin("printf", List.of(Param.STRING, Param.ANY), true,
                a -> GoFmt.sprintf((String) a.get(0), a.subList(1, a.size()))));
        put(m, GoFunc.builtin("html", A, true, a -> htmlEscapeString(evalArgs(a))));
        put(m, GoFunc.builtin("js", A, true, a -> jsEscapeString(evalArgs(a))));
        put(m, GoFunc.builtin("urlquery", A, true, a -> queryEscape(evalArgs(a))));
        put(m, GoFunc.builtin("eq", VV, true, a -> eq(a.get(0), a.subList(1, a.size()))));
        put(m, GoFunc.builtin("ne", VV, false, a -> !eq(a.get(0), a.subList(1, 2))));
        put(m, GoFunc.builtin("lt", VV, false, a -> lt(a.get(0), a.get(1))));
        put(m, GoFunc.builtin("le", VV, false, a -> le(a.get(0), a.get(1))));
        put(m, GoFunc.builtin("gt", VV, false, a -> !le(a.get(0), a.get(1))));
        put(m, GoFunc.builtin("ge", VV, false, a -> !lt(a.get(0), a.get(1))));
        ALL = Map.copyOf(m);
    }

    private static void put(Map<String, GoFunc> m, GoFunc f) {
        m.put(f.name(), f);
    }

    // ---------------------------------------------------------------- len, index, slice

    private static Object length(Object item) throws CallError {
        if (item instanceof Iface i) {
            if (i.value() == null) {
                throw new CallError("len of nil pointer");
            }
            item = i.value();
        }
        if (item == NoValue.INSTANCE) {
            throw new CallError("reflect: call of reflect.Value.Type on zero Value");
        }
        if (item instanceof String s) {
            return (long) GoValues.utf8Length(s);
        }
        if (item instanceof List<?> l) {
            return (long) l.size();
        }
        if (item instanceof GoMap m) {
            return (long) m.size();
        }
        throw new CallError("len of type " + GoValues.typeName(item));
    }

    private static long indexArg(Object index, int cap) throws CallError {
        long x;
        if (index instanceof Long l) {
            x = l;
        } else if (index instanceof GoByte b) {
            x = b.value();
        } else if (index == NoValue.INSTANCE) {
            throw new CallError("cannot index slice/array with nil");
        } else {
            throw new CallError("cannot index slice/array with type " + GoValues.typeName(index));
        }
        if (x < 0 || x > cap) {
            throw new CallError("index out of range: " + x);
        }
        return x;
    }

    private static Object index(Object item, List<Object> indexes) throws CallError {
        item = GoValues.indirectInterface(item);
        if (item == NoValue.INSTANCE) {
            throw new CallError("index of untyped nil");
        }
        for (Object idx : indexes) {
            idx = GoValues.indirectInterface(idx);
            if (item instanceof Iface i) {
                if (i.value() == null) {
                    throw new CallError("index of nil pointer");
                }
                item = i.value();
            }
            if (item instanceof List<?> list) {
                long x = indexArg(idx, list.size());
                if (x == list.size()) {
                    throw new CallError("index out of range: " + x);
                }
                item = new Iface(list.get((int) x));
            } else if (item instanceof String s) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                long x = indexArg(idx, b.length);
                if (x == b.length) {
                    throw new CallError("index out of range: " + x);
                }
                item = new GoByte(b[(int) x] & 0xff);
            } else if (item instanceof GoMap m) {
                if (idx == NoValue.INSTANCE) {
                    throw new CallError("value is nil; should be of type string");
                }
                if (!(idx instanceof String key)) {
                    throw new CallError("value has type " + GoValues.typeName(idx) + "; should be string");
                }
                item = m.index(key);
            } else {
                throw new CallError("can't index item of type " + GoValues.typeName(item));
            }
        }
        return item;
    }

    private static Object slice(Object item, List<Object> indexes) throws CallError {
        item = GoValues.indirectInterface(item);
        if (item == NoValue.INSTANCE) {
            throw new CallError("slice of untyped nil");
        }
        if (indexes.size() > 3) {
            throw new CallError("too many slice indexes: " + indexes.size());
        }
        int cap;
        byte[] bytes = null;
        if (item instanceof String s) {
            if (indexes.size() == 3) {
                throw new CallError("cannot 3-index slice a string");
            }
            bytes = s.getBytes(StandardCharsets.UTF_8);
            cap = bytes.length;
        } else if (item instanceof List<?> l) {
            cap = jsonSliceCap(l.size());
        } else {
            throw new CallError("can't slice item of type " + GoValues.typeName(item));
        }
        int len = bytes != null ? bytes.length : ((List<?>) item).size();
        long[] idx = {0, len, 0};
        for (int i = 0; i < indexes.size(); i++) {
            idx[i] = indexArg(indexes.get(i), cap);
        }
        if (idx[0] > idx[1]) {
            throw new CallError("invalid slice index: " + idx[0] + " > " + idx[1]);
        }
        if (indexes.size() == 3 && idx[1] > idx[2]) {
            throw new CallError("invalid slice index: " + idx[1] + " > " + idx[2]);
        }
        if (bytes != null) {
            return new String(bytes, (int) idx[0], (int) (idx[1] - idx[0]), StandardCharsets.UTF_8);
        }
        List<?> l = (List<?>) item;
        List<Object> out = new ArrayList<>((int) (idx[1] - idx[0]));
        for (long i = idx[0]; i < idx[1]; i++) {
            // between len and cap Go exposes the zero values of the backing array
            out.add(i < l.size() ? l.get((int) i) : null);
        }
        return java.util.Collections.unmodifiableList(out);
    }

    /**
     * The capacity of a {@code []interface{}} that encoding/json built by appending {@code len} elements one at a
     * time (Go's growth: doubling up to 512 elements, then about 1.25x).
     */
    static int jsonSliceCap(int len) {
        int cap = 0;
        while (cap < len) {
            if (cap == 0) {
                cap = 1;
            } else if (cap < 256) {
                cap *= 2;
            } else {
                cap += (cap + 3 * 256) / 4;
            }
        }
        return cap;
    }

    // ---------------------------------------------------------------- comparisons

    private enum Kind {
        INVALID, BOOL, INT, UINT, FLOAT, STRING
    }

    private static Kind basicKind(Object v) {
        if (v instanceof Boolean) {
            return Kind.BOOL;
        }
        if (v instanceof Long) {
            return Kind.INT;
        }
        if (v instanceof GoByte) {
            return Kind.UINT;
        }
        if (v instanceof Double) {
            return Kind.FLOAT;
        }
        if (v instanceof String) {
            return Kind.STRING;
        }
        return Kind.INVALID;
    }

    private static boolean comparable(Object v) {
        return !(v instanceof GoMap) && !(v instanceof List<?>);
    }

    private static long intOf(Object v) {
        return v instanceof Long l ? l : ((GoByte) v).value();
    }

    static boolean eq(Object arg1, List<Object> arg2) throws CallError {
        arg1 = GoValues.indirectInterface(arg1);
        if (arg1 != NoValue.INSTANCE && !comparable(arg1)) {
            throw new CallError("invalid type for comparison");
        }
        if (arg2.isEmpty()) {
            throw new CallError("missing argument for comparison");
        }
        Kind k1 = basicKind(arg1);
        for (Object a : arg2) {
            Object arg = GoValues.indirectInterface(a);
            Kind k2 = basicKind(arg);
            boolean truth;
            if (k1 != k2) {
                if (k1 == Kind.INT && k2 == Kind.UINT || k1 == Kind.UINT && k2 == Kind.INT) {
                    truth = intOf(arg1) == intOf(arg);
                } else {
                    if (arg1 != NoValue.INSTANCE && arg != NoValue.INSTANCE) {
                        throw new CallError("incompatible types for comparison");
                    }
                    truth = false;
                }
            } else {
                switch (k1) {
                    case BOOL, STRING -> truth = arg1.equals(arg);
                    case FLOAT -> truth = ((Double) arg1).doubleValue() == ((Double) arg).doubleValue();
                    case INT, UINT -> truth = intOf(arg1) == intOf(arg);
                    default -> {
                        if (arg == NoValue.INSTANCE || arg1 == NoValue.INSTANCE) {
                            truth = arg1 == arg;
                        } else {
                            if (!comparable(arg)) {
                                throw new CallError("invalid type for comparison");
                            }
                            truth = arg1.equals(arg);
                        }
                    }
                }
            }
            if (truth) {
                return true;
            }
        }
        return false;
    }

    static boolean lt(Object arg1, Object arg2) throws CallError {
        arg1 = GoValues.indirectInterface(arg1);
        Kind k1 = basicKind(arg1);
        if (k1 == Kind.INVALID) {
            throw new CallError("invalid type for comparison");
        }
        arg2 = GoValues.indirectInterface(arg2);
        Kind k2 = basicKind(arg2);
        if (k2 == Kind.INVALID) {
            throw new CallError("invalid type for comparison");
        }
        if (k1 != k2) {
            if (k1 == Kind.INT && k2 == Kind.UINT || k1 == Kind.UINT && k2 == Kind.INT) {
                return intOf(arg1) < intOf(arg2);
            }
            throw new CallError("incompatible types for comparison");
        }
        return switch (k1) {
            case BOOL -> throw new CallError("invalid type for comparison");
            case FLOAT -> (Double) arg1 < (Double) arg2;
            case INT, UINT -> intOf(arg1) < intOf(arg2);
            case STRING -> GoValues.compareStrings((String) arg1, (String) arg2) < 0;
            default -> throw new CallError("invalid type for comparison");
        };
    }

    static boolean le(Object arg1, Object arg2) throws CallError {
        boolean lessThan = lt(arg1, arg2);
        if (lessThan) {
            return true;
        }
        return eq(arg1, List.of(arg2));
    }

    // ---------------------------------------------------------------- escaping helpers

    /** text/template's {@code evalArgs}: a single string as is, otherwise {@code fmt.Sprint}. */
    static String evalArgs(List<Object> args) {
        if (args.size() == 1 && args.get(0) instanceof String s) {
            return s;
        }
        List<Object> a = new ArrayList<>(args.size());
        for (Object o : args) {
            a.add(o == null ? "<no value>" : o);
        }
        return GoFmt.sprint(a);
    }

    static String htmlEscapeString(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = switch (c) {
                case '"' -> "&#34;";
                case '\'' -> "&#39;";
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case 0 -> "\uFFFD";
                default -> null;
            };
            if (r != null && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (r != null) {
                    b.append(r);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    static String jsEscapeString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c < 0x80) {
                switch (c) {
                    case '\\' -> b.append("\\\\");
                    case '\'' -> b.append("\\'");
                    case '"' -> b.append("\\\"");
                    case '<' -> b.append("\\u003C");
                    case '>' -> b.append("\\u003E");
                    case '&' -> b.append("\\u0026");
                    case '=' -> b.append("\\u003D");
                    default -> {
                        if (c < ' ') {
                            b.append(String.format("\\u%04X", c));
                        } else {
                            b.append((char) c);
                        }
                    }
                }
            } else if (GoFmt.isPrint(c)) {
                b.appendCodePoint(c);
            } else {
                b.append(String.format("\\u%04X", c));
            }
        }
        return b.toString();
    }

    /** Go's {@code url.QueryEscape}. */
    static String queryEscape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                b.append((char) c);
            } else if (c == ' ') {
                b.append('+');
            } else {
                b.append('%').append("0123456789ABCDEF".charAt(c >> 4)).append("0123456789ABCDEF".charAt(c & 15));
            }
        }
        return b.toString();
    }
}
