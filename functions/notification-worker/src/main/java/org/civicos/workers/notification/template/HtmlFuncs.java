package org.civicos.workers.notification.template;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.civicos.workers.notification.template.GoFunc.Param;

/** The escaping functions html/template inserts into pipelines ({@code _html_template_*}). */
final class HtmlFuncs {
    private HtmlFuncs() {
    }

    static final String FILTER_FAILSAFE = "ZgotmplZ";

    static final Map<String, GoFunc> ALL;

    static {
        Map<String, GoFunc> m = new HashMap<>();
        List<Param> any = List.of(Param.ANY);
        add(m, "_html_template_attrescaper", a -> htmlEscaper(stringify(a)));
        add(m, "_html_template_commentescaper", a -> "");
        add(m, "_html_template_cssescaper", a -> cssEscaper(stringify(a)));
        add(m, "_html_template_cssvaluefilter", a -> cssValueFilter(stringify(a)));
        add(m, "_html_template_htmlnamefilter", a -> htmlNameFilter(stringify(a)));
        add(m, "_html_template_htmlescaper", a -> htmlEscaper(stringify(a)));
        add(m, "_html_template_jsregexpescaper", a -> jsRegexpEscaper(stringify(a)));
        add(m, "_html_template_jsstrescaper", a -> replace(stringify(a), HtmlFuncs.JS_STR));
        add(m, "_html_template_jstmpllitescaper", a -> replace(stringify(a), HtmlFuncs.JS_TMPL));
        add(m, "_html_template_jsvalescaper", HtmlFuncs::jsValEscaper);
        add(m, "_html_template_nospaceescaper", a -> htmlNospaceEscaper(stringify(a)));
        add(m, "_html_template_rcdataescaper", a -> htmlEscaper(stringify(a)));
        add(m, "_html_template_srcsetescaper", a -> srcsetFilterAndEscaper(stringify(a)));
        add(m, "_html_template_urlescaper", a -> urlProcessor(false, stringify(a)));
        add(m, "_html_template_urlfilter", a -> urlFilter(stringify(a)));
        add(m, "_html_template_urlnormalizer", a -> urlProcessor(true, stringify(a)));
        add(m, "_eval_args_", Builtins::evalArgs);
        ALL = Map.copyOf(m);
        assert any != null;
    }

    private static void add(Map<String, GoFunc> m, String name, GoFunc.Impl impl) {
        m.put(name, GoFunc.of(name, List.of(Param.ANY), true, impl));
    }

    /** html/template's {@code stringify}: one string as is; otherwise {@code fmt.Sprint} of the non-nil args. */
    static String stringify(List<Object> args) {
        if (args.size() == 1 && args.get(0) instanceof String s) {
            return s;
        }
        List<Object> a = new ArrayList<>(args.size());
        for (Object o : args) {
            if (o != null) {
                a.add(o);
            }
        }
        return GoFmt.sprint(a);
    }

    // ---------------------------------------------------------------- HTML

    static String htmlEscaper(String s) {
        return htmlReplacer(s, false);
    }

    static String htmlNospaceEscaper(String s) {
        if (s.isEmpty()) {
            return FILTER_FAILSAFE;
        }
        return htmlReplacer(s, true);
    }

    private static String htmlReplacer(String s, boolean nospace) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r;
            if (nospace) {
                r = switch (c) {
                    case 0 -> "&#xfffd;";
                    case '\t' -> "&#9;";
                    case '\n' -> "&#10;";
                    case 11 -> "&#11;";
                    case '\f' -> "&#12;";
                    case '\r' -> "&#13;";
                    case ' ' -> "&#32;";
                    case '"' -> "&#34;";
                    case '&' -> "&amp;";
                    case '\'' -> "&#39;";
                    case '+' -> "&#43;";
                    case '<' -> "&lt;";
                    case '=' -> "&#61;";
                    case '>' -> "&gt;";
                    case '`' -> "&#96;";
                    default -> null;
                };
                if (r == null && (c >= 0xFDD0 && c <= 0xFDEF || c >= 0xFFF0)) {
                    r = "&#x" + Integer.toHexString(c) + ";";
                }
            } else {
                r = switch (c) {
                    case 0 -> "\uFFFD";
                    case '"' -> "&#34;";
                    case '&' -> "&amp;";
                    case '\'' -> "&#39;";
                    case '+' -> "&#43;";
                    case '<' -> "&lt;";
                    case '>' -> "&gt;";
                    default -> null;
                };
            }
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

    static String htmlNameFilter(String s) {
        if (s.isEmpty()) {
            return FILTER_FAILSAFE;
        }
        s = s.toLowerCase(Locale.ROOT);
        if (HtmlEscaper.attrType(s) != HtmlEscaper.ContentType.PLAIN) {
            return FILTER_FAILSAFE;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z')) {
                return FILTER_FAILSAFE;
            }
        }
        return s;
    }

    // ---------------------------------------------------------------- URLs

    static boolean isSafeURL(String s) {
        int colon = s.indexOf(':');
        if (colon >= 0) {
            String protocol = s.substring(0, colon);
            if (!protocol.contains("/")) {
                return protocol.equalsIgnoreCase("http") || protocol.equalsIgnoreCase("https")
                        || protocol.equalsIgnoreCase("mailto");
            }
        }
        return true;
    }

    static String urlFilter(String s) {
        if (!isSafeURL(s)) {
            return "#" + FILTER_FAILSAFE;
        }
        return s;
    }

    static String urlProcessor(boolean norm, String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        processURLOnto(s, norm, b);
        return b.toString();
    }

    private static boolean isHex(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** Appends the escaped/normalised URL; returns whether anything was changed. */
    static boolean processURLOnto(String str, boolean norm, StringBuilder b) {
        byte[] s = str.getBytes(StandardCharsets.UTF_8);
        boolean changed = false;
        for (int i = 0; i < s.length; i++) {
            int c = s[i] & 0xff;
            boolean keep;
            switch (c) {
                case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']' -> keep = norm;
                case '-', '.', '_', '~' -> keep = true;
                case '%' -> keep = norm && i + 2 < s.length && isHex(s[i + 1] & 0xff) && isHex(s[i + 2] & 0xff);
                default -> keep = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            }
            if (keep) {
                b.append((char) c);
                continue;
            }
            if (c >= 0x80) {
                // multi-byte sequences: always escaped byte by byte
                b.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                changed = true;
                continue;
            }
            b.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            changed = true;
        }
        return changed;
    }

    static String srcsetFilterAndEscaper(String s) {
        StringBuilder b = new StringBuilder();
        int written = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ',') {
                filterSrcsetElement(s, written, i, b);
                b.append(',');
                written = i + 1;
            }
        }
        filterSrcsetElement(s, written, s.length(), b);
        return b.toString();
    }

    private static boolean isHTMLSpace(char c) {
        return c <= 0x20 && (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == 11);
    }

    private static void filterSrcsetElement(String s, int left, int right, StringBuilder b) {
        int start = left;
        while (start < right && isHTMLSpace(s.charAt(start))) {
            start++;
        }
        int end = right;
        for (int i = start; i < right; i++) {
            if (isHTMLSpace(s.charAt(i))) {
                end = i;
                break;
            }
        }
        String url = s.substring(start, end);
        if (isSafeURL(url)) {
            boolean metadataOk = true;
            for (int i = end; i < right; i++) {
                char c = s.charAt(i);
                if (!(isHTMLSpace(c) || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
                    metadataOk = false;
                    break;
                }
            }
            if (metadataOk) {
                b.append(s, left, start);
                processURLOnto(url, true, b);
                b.append(s, end, right);
                return;
            }
        }
        b.append('#').append(FILTER_FAILSAFE);
    }

    // ---------------------------------------------------------------- JS

    private static final Map<Integer, String> JS_STR = new HashMap<>();
    private static final Map<Integer, String> JS_TMPL = new HashMap<>();
    private static final Map<Integer, String> JS_REGEXP = new HashMap<>();

    static {
        for (Map<Integer, String> t : List.of(JS_STR, JS_TMPL, JS_REGEXP)) {
            t.put((int) '"', "\\u0022");
            t.put((int) '&', "\\u0026");
            t.put((int) '\'', "\\u0027");
            t.put((int) '+', "\\u002b");
            t.put((int) '/', "\\/");
            t.put((int) '<', "\\u003c");
            t.put((int) '>', "\\u003e");
            t.put((int) '\\', "\\\\");
        }
        JS_STR.put((int) '`', "\\u0060");
        JS_TMPL.put((int) '`', "\\u0060");
        JS_TMPL.put((int) '$', "\\u0024");
        JS_TMPL.put((int) '{', "\\u007b");
        JS_TMPL.put((int) '}', "\\u007d");
        for (char c : "$()*-.?[]^{|}".toCharArray()) {
            JS_REGEXP.put((int) c, "\\" + c);
        }
    }

    private static String lowUnicode(int r) {
        return switch (r) {
            case '\t' -> "\\t";
            case '\n' -> "\\n";
            case '\f' -> "\\f";
            case '\r' -> "\\r";
            default -> String.format("\\u%04x", r);
        };
    }

    static String replace(String s, Map<Integer, String> table) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int r = s.codePointAt(i);
            i += Character.charCount(r);
            String repl;
            if (r < 0x20) {
                repl = lowUnicode(r);
            } else if (table.containsKey(r)) {
                repl = table.get(r);
            } else if (r == 0x2028) {
                repl = "\\u2028";
            } else if (r == 0x2029) {
                repl = "\\u2029";
            } else {
                b.appendCodePoint(r);
                continue;
            }
            b.append(repl);
        }
        return b.toString();
    }

    static String jsRegexpEscaper(String s) {
        String r = replace(s, JS_REGEXP);
        return r.isEmpty() ? "(?:)" : r;
    }

    static boolean isJSIdentPart(int r) {
        return r == '$' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r == '_' || r >= 'a' && r <= 'z';
    }

    static String jsValEscaper(List<Object> args) {
        Object a;
        if (args.size() == 1) {
            a = args.get(0);
        } else {
            a = GoFmt.sprint(args);
        }
        StringBuilder json = new StringBuilder();
        jsonMarshal(a, json);
        String b = json.toString();
        if (b.isEmpty()) {
            return " null ";
        }
        int first = b.codePointAt(0);
        int last = b.codePointBefore(b.length());
        if (isJSIdentPart(first) || isJSIdentPart(last)) {
            return " " + b + " ";
        }
        return b;
    }

    /** Go's {@code encoding/json} Marshal of the value model (HTML-safe string escaping). */
    static void jsonMarshal(Object v, StringBuilder b) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            jsonString(s, b);
        } else if (v instanceof Boolean x) {
            b.append(x);
        } else if (v instanceof Double d) {
            double abs = Math.abs(d);
            char fmt = 'f';
            if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
                fmt = 'e';
            }
            String s = GoFmt.formatFloat(d, fmt, -1);
            if (fmt == 'e') {
                int n = s.length();
                if (n >= 4 && s.charAt(n - 4) == 'e' && s.charAt(n - 3) == '-' && s.charAt(n - 2) == '0') {
                    s = s.substring(0, n - 2) + s.charAt(n - 1);
                }
            }
            b.append(s);
        } else if (v instanceof Long l) {
            b.append(l);
        } else if (v instanceof GoValues.GoByte x) {
            b.append(x.value());
        } else if (v instanceof GoMap m) {
            if (m.isNil()) {
                b.append("null");
                return;
            }
            b.append('{');
            boolean first = true;
            for (String k : m.sortedKeys()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                jsonString(k, b);
                b.append(':');
                jsonMarshal(m.get(k), b);
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                jsonMarshal(l.get(i), b);
            }
            b.append(']');
        } else if (v instanceof GoValues.Iface i) {
            jsonMarshal(i.value(), b);
        } else {
            jsonString(String.valueOf(v), b);
        }
    }

    private static void jsonString(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '<', '>', '&', 0x2028, 0x2029 -> b.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    // ---------------------------------------------------------------- CSS

    private static boolean isCSSSpace(int c) {
        return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
    }

    static String cssEscaper(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int r = s.codePointAt(i);
            i += Character.charCount(r);
            String repl = switch (r) {
                case 0 -> "\\0";
                case '\t' -> "\\9";
                case '\n' -> "\\a";
                case '\f' -> "\\c";
                case '\r' -> "\\d";
                case '"' -> "\\22";
                case '&' -> "\\26";
                case '\'' -> "\\27";
                case '(' -> "\\28";
                case ')' -> "\\29";
                case '+' -> "\\2b";
                case '/' -> "\\2f";
                case ':' -> "\\3a";
                case ';' -> "\\3b";
                case '<' -> "\\3c";
                case '>' -> "\\3e";
                case '\\' -> "\\\\";
                case '{' -> "\\7b";
                case '}' -> "\\7d";
                default -> null;
            };
            if (repl == null) {
                b.appendCodePoint(r);
                continue;
            }
            b.append(repl);
            if (!repl.equals("\\\\") && (i == s.length() || isHex(s.charAt(i)) || isCSSSpace(s.charAt(i)))) {
                b.append(' ');
            }
        }
        return b.toString();
    }

    /** Decodes CSS escapes ({@code \XX } and {@code \c}). */
    static String decodeCSS(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int j = s.indexOf('\\', i);
            if (j < 0) {
                j = s.length();
            }
            b.append(s, i, j);
            i = j;
            if (s.length() - i < 2) {
                break;
            }
            if (isHex(s.charAt(i + 1))) {
                int k = i + 2;
                while (k < s.length() && k < i + 7 && isHex(s.charAt(k))) {
                    k++;
                }
                int r = Integer.parseInt(s.substring(i + 1, k), 16);
                if (r > Character.MAX_CODE_POINT) {
                    r /= 16;
                    k--;
                }
                if (r >= 0xD800 && r <= 0xDFFF || r == 0) {
                    r = 0xFFFD;
                }
                b.appendCodePoint(r);
                i = k;
                if (i < s.length()) {
                    if (s.startsWith("\r\n", i)) {
                        i += 2;
                    } else if (isCSSSpace(s.charAt(i))) {
                        i++;
                    }
                }
            } else {
                int cp = s.codePointAt(i + 1);
                b.appendCodePoint(cp);
                i += 1 + Character.charCount(cp);
            }
        }
        return b.toString();
    }

    private static boolean isCSSNmchar(int r) {
        return r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9';
    }

    static String cssValueFilter(String s) {
        String b = decodeCSS(s);
        byte[] bytes = b.getBytes(StandardCharsets.UTF_8);
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            switch (c) {
                case 0, '"', '\'', '(', ')', '/', ';', '@', '[', '\\', ']', '`', '{', '}', '<', '>' -> {
                    return FILTER_FAILSAFE;
                }
                case '-' -> {
                    if (i != 0 && bytes[i - 1] == '-') {
                        return FILTER_FAILSAFE;
                    }
                }
                default -> {
                    if (c < 0x80 && isCSSNmchar(c)) {
                        id.append((char) c);
                    }
                }
            }
        }
        String lower = id.toString().toLowerCase(Locale.ROOT);
        if (lower.contains("expression") || lower.contains("mozbinding")) {
            return FILTER_FAILSAFE;
        }
        return b;
    }
}
