package org.civicos.workers.notification.template;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;

/** Go's {@code fmt} formatting ({@code Sprint}, {@code Sprintln}, {@code Sprintf}) for the value model. */
final class GoFmt {
    private static final String LDIGITS = "0123456789abcdefx";
    private static final String UDIGITS = "0123456789ABCDEFX";

    private final StringBuilder buf = new StringBuilder();
    // flags
    private boolean plus;
    private boolean minus;
    private boolean sharp;
    private boolean space;
    private boolean zero;
    private boolean plusV;
    private boolean sharpV;
    private boolean widPresent;
    private boolean precPresent;
    private int wid;
    private int prec;

    private GoFmt() {
    }

    private void clearFlags() {
        plus = minus = sharp = space = zero = plusV = sharpV = widPresent = precPresent = false;
        wid = prec = 0;
    }

    // ---------------------------------------------------------------- public entry points

    /** {@code fmt.Sprint}. */
    static String sprint(List<Object> args) {
        GoFmt p = new GoFmt();
        boolean prevString = false;
        for (int i = 0; i < args.size(); i++) {
            Object arg = args.get(i);
            boolean isString = arg instanceof String;
            if (i > 0 && !isString && !prevString) {
                p.buf.append(' ');
            }
            p.printArg(arg, 'v');
            prevString = isString;
        }
        return p.buf.toString();
    }

    /** {@code fmt.Sprintln}. */
    static String sprintln(List<Object> args) {
        GoFmt p = new GoFmt();
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                p.buf.append(' ');
            }
            p.printArg(args.get(i), 'v');
        }
        p.buf.append('\n');
        return p.buf.toString();
    }

    /** {@code fmt.Sprint(v)} of a single value. */
    static String sprint1(Object v) {
        GoFmt p = new GoFmt();
        p.printArg(v, 'v');
        return p.buf.toString();
    }

    /** {@code fmt.Sprintf}. */
    static String sprintf(String format, List<Object> a) {
        GoFmt p = new GoFmt();
        p.doPrintf(format, a);
        return p.buf.toString();
    }

    // ---------------------------------------------------------------- printf

    private void doPrintf(String format, List<Object> a) {
        int end = format.length();
        int argNum = 0;
        int i = 0;
        formatLoop:
        while (i < end) {
            int lasti = i;
            while (i < end && format.charAt(i) != '%') {
                i++;
            }
            if (i > lasti) {
                buf.append(format, lasti, i);
            }
            if (i >= end) {
                break;
            }
            i++;
            clearFlags();
            simple:
            for (; i < end; i++) {
                char c = format.charAt(i);
                switch (c) {
                    case '#' -> sharp = true;
                    case '0' -> zero = !minus;
                    case '+' -> plus = true;
                    case '-' -> {
                        minus = true;
                        zero = false;
                    }
                    case ' ' -> space = true;
                    default -> {
                        if ('a' <= c && c <= 'z' && argNum < a.size()) {
                            if (c == 'v') {
                                sharpV = sharp;
                                sharp = false;
                                plusV = plus;
                                plus = false;
                            }
                            printArg(a.get(argNum), c);
                            argNum++;
                            i++;
                            continue formatLoop;
                        }
                        break simple;
                    }
                }
            }
            // width
            if (i < end && format.charAt(i) == '*') {
                i++;
                Integer w = intFromArg(a, argNum);
                argNum++;
                if (w == null) {
                    buf.append("%!(BADWIDTH)");
                } else {
                    wid = w;
                    widPresent = true;
                    if (wid < 0) {
                        wid = -wid;
                        minus = true;
                        zero = false;
                    }
                }
            } else {
                int start = i;
                int n = 0;
                while (i < end && Character.isDigit(format.charAt(i)) && format.charAt(i) < 0x80) {
                    n = n * 10 + (format.charAt(i) - '0');
                    if (n > 1_000_000) {
                        n = 1_000_000;
                    }
                    i++;
                }
                if (i > start) {
                    wid = n;
                    widPresent = true;
                }
            }
            // precision
            if (i + 1 < end && format.charAt(i) == '.') {
                i++;
                if (i < end && format.charAt(i) == '*') {
                    i++;
                    Integer pr = intFromArg(a, argNum);
                    argNum++;
                    if (pr == null || pr < 0) {
                        prec = 0;
                        precPresent = false;
                        if (pr == null) {
                            buf.append("%!(BADPREC)");
                        }
                    } else {
                        prec = pr;
                        precPresent = true;
                    }
                } else {
                    int n = 0;
                    while (i < end && format.charAt(i) >= '0' && format.charAt(i) <= '9') {
                        n = n * 10 + (format.charAt(i) - '0');
                        if (n > 1_000_000) {
                            n = 1_000_000;
                        }
                        i++;
                    }
                    prec = n;
                    precPresent = true;
                }
            }
            if (i >= end) {
                buf.append("%!(NOVERB)");
                break;
            }
            int verb = format.codePointAt(i);
            i += Character.charCount(verb);
            if (verb == '%') {
                buf.append('%');
            } else if (argNum >= a.size()) {
                buf.append("%!").appendCodePoint(verb).append("(MISSING)");
            } else {
                if (verb == 'v') {
                    sharpV = sharp;
                    sharp = false;
                    plusV = plus;
                    plus = false;
                }
                printArg(a.get(argNum), verb);
                argNum++;
            }
        }
        if (argNum < a.size()) {
            clearFlags();
            buf.append("%!(EXTRA ");
            for (int k = argNum; k < a.size(); k++) {
                if (k > argNum) {
                    buf.append(", ");
                }
                Object arg = a.get(k);
                if (arg == null) {
                    buf.append("<nil>");
                } else {
                    buf.append(GoValues.typeName(arg)).append('=');
                    printArg(arg, 'v');
                }
            }
            buf.append(')');
        }
    }

    private static Integer intFromArg(List<Object> a, int argNum) {
        if (argNum < a.size() && a.get(argNum) instanceof Long l && Math.abs(l) <= 1_000_000) {
            return l.intValue();
        }
        if (argNum < a.size() && a.get(argNum) instanceof GoValues.GoByte b) {
            return b.value();
        }
        return null;
    }

    // ---------------------------------------------------------------- printing values

    private void printArg(Object arg, int verb) {
        if (arg == null) {
            if (verb == 'T' || verb == 'v') {
                padString("<nil>");
            } else {
                badVerb(verb, null);
            }
            return;
        }
        if (verb == 'T') {
            padString(GoValues.typeName(arg));
            return;
        }
        printValue(arg, verb, 0);
    }

    private void printValue(Object v, int verb, int depth) {
        if (v == null) {
            // a nil interface element inside a container
            if (depth == 0) {
                printArg(null, verb);
            } else if (sharpV) {
                buf.append("interface {}(nil)");
            } else {
                padString("<nil>");
            }
            return;
        }
        if (v instanceof Boolean b) {
            if (verb == 't' || verb == 'v') {
                padString(b ? "true" : "false");
            } else {
                badVerb(verb, v);
            }
        } else if (v instanceof Double d) {
            fmtFloatVerb(d, verb);
        } else if (v instanceof Long l) {
            fmtIntegerVerb(l, true, verb);
        } else if (v instanceof GoValues.GoByte b) {
            fmtIntegerVerb(b.value(), false, verb);
        } else if (v instanceof String s) {
            fmtStringVerb(s, verb);
        } else if (v instanceof GoMap m) {
            if (sharpV) {
                buf.append(m.typeName());
                if (m.isNil()) {
                    buf.append("(nil)");
                    return;
                }
                buf.append('{');
            } else {
                buf.append("map[");
            }
            boolean first = true;
            for (String k : m.sortedKeys()) {
                if (!first) {
                    buf.append(sharpV ? ", " : " ");
                }
                first = false;
                printValue(k, verb, depth + 1);
                buf.append(':');
                printValue(m.get(k), verb, depth + 1);
            }
            buf.append(sharpV ? '}' : ']');
        } else if (v instanceof List<?> list) {
            if (sharpV) {
                buf.append("[]interface {}{");
            } else {
                buf.append('[');
            }
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    buf.append(sharpV ? ", " : " ");
                }
                printValue(list.get(i), verb, depth + 1);
            }
            buf.append(sharpV ? '}' : ']');
        } else if (v instanceof GoValues.Iface i) {
            printValue(i.value(), verb, depth);
        } else {
            padString(String.valueOf(v));
        }
    }

    private void badVerb(int verb, Object arg) {
        buf.append("%!").appendCodePoint(verb).append('(');
        if (arg == null) {
            buf.append("<nil>");
        } else {
            buf.append(GoValues.typeName(arg)).append('=');
            printArg(arg, 'v');
        }
        buf.append(')');
    }

    // ---------------------------------------------------------------- padding

    private void writePadding(int n) {
        if (n <= 0) {
            return;
        }
        char padByte = zero ? '0' : ' ';
        for (int i = 0; i < n; i++) {
            buf.append(padByte);
        }
    }

    private void padString(String s) {
        if (!widPresent || wid == 0) {
            buf.append(s);
            return;
        }
        int width = wid - s.codePointCount(0, s.length());
        if (!minus) {
            writePadding(width);
            buf.append(s);
        } else {
            buf.append(s);
            writePadding(width);
        }
    }

    // ---------------------------------------------------------------- booleans and strings

    private void fmtStringVerb(String s, int verb) {
        switch (verb) {
            case 'v' -> {
                if (sharpV) {
                    fmtQ(s);
                } else {
                    fmtS(s);
                }
            }
            case 's' -> fmtS(s);
            case 'x' -> fmtSx(s, LDIGITS);
            case 'X' -> fmtSx(s, UDIGITS);
            case 'q' -> fmtQ(s);
            default -> badVerb(verb, s);
        }
    }

    private String truncate(String s) {
        if (precPresent) {
            int n = s.codePointCount(0, s.length());
            if (prec < n) {
                return s.substring(0, s.offsetByCodePoints(0, prec));
            }
        }
        return s;
    }

    private void fmtS(String s) {
        padString(truncate(s));
    }

    private void fmtQ(String s) {
        s = truncate(s);
        if (sharp && canBackquote(s)) {
            padString("`" + s + "`");
        } else if (plus) {
            padString(quote(s, '"', true));
        } else {
            padString(quote(s, '"', false));
        }
    }

    private void fmtSx(String s, String digits) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int length = b.length;
        if (precPresent && prec < length) {
            length = prec;
        }
        int width = 2 * length;
        if (width > 0) {
            if (space) {
                if (sharp) {
                    width *= 2;
                }
                width += length - 1;
            } else if (sharp) {
                width += 2;
            }
        } else {
            if (widPresent) {
                writePadding(wid);
            }
            return;
        }
        if (widPresent && wid > width && !minus) {
            writePadding(wid - width);
        }
        if (sharp) {
            buf.append('0').append(digits.charAt(16));
        }
        for (int i = 0; i < length; i++) {
            if (space && i > 0) {
                buf.append(' ');
                if (sharp) {
                    buf.append('0').append(digits.charAt(16));
                }
            }
            int c = b[i] & 0xff;
            buf.append(digits.charAt(c >> 4)).append(digits.charAt(c & 0xf));
        }
        if (widPresent && wid > width && minus) {
            writePadding(wid - width);
        }
    }

    static boolean canBackquote(String s) {
        for (int i = 0; i < s.length(); ) {
            int r = s.codePointAt(i);
            i += Character.charCount(r);
            if (r == '\t') {
                continue;
            }
            if (r < ' ' || r == 0x7f || r == '`' || r == 0xFEFF || r == 0xFFFD) {
                return false;
            }
        }
        return true;
    }

    /** Go's {@code unicode.IsPrint}. */
    static boolean isPrint(int r) {
        if (r < 0x80) {
            return r >= 0x20 && r < 0x7f;
        }
        return switch (Character.getType(r)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
                    Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                    Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    /** Go's {@code strconv.Quote} ({@code asciiOnly}: {@code QuoteToASCII}). */
    static String quote(String s, char q, boolean asciiOnly) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        b.append(q);
        for (int i = 0; i < s.length(); ) {
            int r = s.codePointAt(i);
            i += Character.charCount(r);
            appendEscapedRune(b, r, q, asciiOnly);
        }
        b.append(q);
        return b.toString();
    }

    static void appendEscapedRune(StringBuilder b, int r, char q, boolean asciiOnly) {
        if (r == q || r == '\\') {
            b.append('\\').appendCodePoint(r);
            return;
        }
        if (asciiOnly) {
            if (r < 0x80 && isPrint(r)) {
                b.appendCodePoint(r);
                return;
            }
        } else if (isPrint(r)) {
            b.appendCodePoint(r);
            return;
        }
        switch (r) {
            case 7 -> b.append("\\a");
            case '\b' -> b.append("\\b");
            case '\f' -> b.append("\\f");
            case '\n' -> b.append("\\n");
            case '\r' -> b.append("\\r");
            case '\t' -> b.append("\\t");
            case 11 -> b.append("\\v");
            default -> {
                if (r < ' ' || r == 0x7f) {
                    b.append("\\x").append(LDIGITS.charAt(r >> 4)).append(LDIGITS.charAt(r & 0xf));
                } else if (r > 0xFFFF) {
                    b.append("\\U").append(String.format("%08x", r));
                } else {
                    b.append("\\u").append(String.format("%04x", r));
                }
            }
        }
    }

    // ---------------------------------------------------------------- integers

    private void fmtIntegerVerb(long v, boolean signed, int verb) {
        switch (verb) {
            case 'v' -> {
                if (sharpV && !signed) {
                    sharp = true;
                    fmtInteger(v, 16, signed, 'v', LDIGITS);
                } else {
                    fmtInteger(v, 10, signed, verb, LDIGITS);
                }
            }
            case 'd' -> fmtInteger(v, 10, signed, verb, LDIGITS);
            case 'b' -> fmtInteger(v, 2, signed, verb, LDIGITS);
            case 'o', 'O' -> fmtInteger(v, 8, signed, verb, LDIGITS);
            case 'x' -> fmtInteger(v, 16, signed, verb, LDIGITS);
            case 'X' -> fmtInteger(v, 16, signed, verb, UDIGITS);
            case 'c' -> padString(validRune(v));
            case 'q' -> {
                String r = validRune(v);
                int cp = r.codePointAt(0);
                if (sharp && cp != '\'' && canBackquote(r) && isPrint(cp)) {
                    padString("'" + r + "'");
                } else {
                    StringBuilder b = new StringBuilder("'");
                    appendEscapedRune(b, cp, '\'', plus);
                    padString(b.append('\'').toString());
                }
            }
            case 'U' -> {
                StringBuilder b = new StringBuilder("U+");
                String hex = Long.toHexString(v).toUpperCase();
                int p = precPresent && prec > 4 ? prec : 4;
                for (int i = hex.length(); i < p; i++) {
                    b.append('0');
                }
                b.append(hex);
                if (sharp && v >= 0 && v <= Character.MAX_CODE_POINT && isPrint((int) v)) {
                    b.append(" '").appendCodePoint((int) v).append('\'');
                }
                boolean oldZero = zero;
                zero = false;
                padString(b.toString());
                zero = oldZero;
            }
            default -> badVerb(verb, signed ? (Object) v : new GoValues.GoByte((int) v));
        }
    }

    private static String validRune(long v) {
        if (v < 0 || v > Character.MAX_CODE_POINT || (v >= 0xD800 && v <= 0xDFFF)) {
            return "\uFFFD";
        }
        return new String(Character.toChars((int) v));
    }

    private void fmtInteger(long v, int base, boolean signed, int verb, String digits) {
        boolean negative = signed && v < 0;
        java.math.BigInteger u = java.math.BigInteger.valueOf(v).abs();
        int precision = 0;
        if (precPresent) {
            precision = prec;
            if (precision == 0 && v == 0) {
                boolean oldZero = zero;
                zero = false;
                writePadding(wid);
                zero = oldZero;
                return;
            }
        } else if (zero && widPresent) {
            precision = wid;
            if (negative || plus || space) {
                precision--;
            }
        }
        String num = u.toString(base);
        if (digits == UDIGITS) {
            num = num.toUpperCase();
        }
        StringBuilder b = new StringBuilder();
        for (int i = num.length(); i < precision; i++) {
            b.append('0');
        }
        b.append(num);
        if (sharp) {
            switch (base) {
                case 2 -> b.insert(0, "0b");
                case 8 -> {
                    if (b.charAt(0) != '0') {
                        b.insert(0, '0');
                    }
                }
                case 16 -> b.insert(0, "0" + digits.charAt(16));
                default -> {
                }
            }
        }
        if (verb == 'O') {
            b.insert(0, "0o");
        }
        if (negative) {
            b.insert(0, '-');
        } else if (plus) {
            b.insert(0, '+');
        } else if (space) {
            b.insert(0, ' ');
        }
        boolean oldZero = zero;
        zero = false;
        padString(b.toString());
        zero = oldZero;
    }

    // ---------------------------------------------------------------- floats

    private void fmtFloatVerb(double v, int verb) {
        switch (verb) {
            case 'v' -> fmtFloat(v, 'g', -1);
            case 'b', 'g', 'G', 'x', 'X' -> fmtFloat(v, (char) verb, -1);
            case 'f', 'e', 'E', 'F' -> fmtFloat(v, (char) verb, 6);
            default -> badVerb(verb, v);
        }
    }

    private void fmtFloat(double v, char verb, int precision) {
        if (precPresent) {
            precision = prec;
        }
        String num = formatFloat(v, verb == 'F' ? 'f' : verb, precision);
        if (num.charAt(0) != '-' && num.charAt(0) != '+') {
            num = "+" + num;
        }
        if (space && num.charAt(0) == '+' && !plus) {
            num = " " + num.substring(1);
        }
        if (num.charAt(1) == 'I' || num.charAt(1) == 'N') {
            boolean oldZero = zero;
            zero = false;
            if (num.charAt(1) == 'N' && !space && !plus) {
                num = num.substring(1);
            }
            padString(num);
            zero = oldZero;
            return;
        }
        if (sharp && verb != 'b') {
            num = sharpFloat(num, verb, precision);
        }
        if (plus || num.charAt(0) != '+') {
            if (zero && widPresent && wid > num.length()) {
                buf.append(num.charAt(0));
                writePadding(wid - num.length());
                buf.append(num, 1, num.length());
                return;
            }
            padString(num);
            return;
        }
        padString(num.substring(1));
    }

    private static String sharpFloat(String num, char verb, int precision) {
        int digits = 0;
        switch (verb) {
            case 'v', 'g', 'G', 'x' -> {
                digits = precision;
                if (digits == -1) {
                    digits = 6;
                }
            }
            default -> {
            }
        }
        String tail = "";
        int ePos = -1;
        for (int i = 1; i < num.length(); i++) {
            char c = num.charAt(i);
            if (c == 'e' || c == 'E' || c == 'p' || c == 'P') {
                ePos = i;
                break;
            }
        }
        String body = num;
        if (ePos >= 0) {
            tail = num.substring(ePos);
            body = num.substring(0, ePos);
        }
        boolean sawNonzero = false;
        boolean hasDot = false;
        for (int i = 1; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '.') {
                hasDot = true;
            } else if (c == '0') {
                if (sawNonzero) {
                    digits--;
                }
            } else if (c >= '1' && c <= '9') {
                sawNonzero = true;
                digits--;
            }
        }
        StringBuilder b = new StringBuilder(body);
        if (!hasDot) {
            if (body.length() == 2 && body.charAt(1) == '0') {
                digits--;
            }
            b.append('.');
        }
        while (digits > 0) {
            b.append('0');
            digits--;
        }
        return b.append(tail).toString();
    }

    /** Decimal digits without trailing zeros; the value is 0.d × 10^dp. */
    private record Dec(String d, int dp) {
        int nd() {
            return d.length();
        }

        char at(int i) {
            return i >= 0 && i < d.length() ? d.charAt(i) : '0';
        }
    }

    private static Dec toDec(BigDecimal bd) {
        if (bd.signum() == 0) {
            return new Dec("", 0);
        }
        bd = bd.stripTrailingZeros();
        String u = bd.unscaledValue().abs().toString();
        return new Dec(u, u.length() - bd.scale());
    }

    private static Dec shortest(double abs) {
        if (abs == 0) {
            return new Dec("", 0);
        }
        return toDec(new BigDecimal(Double.toString(abs)));
    }

    private static Dec roundSig(double abs, int n) {
        if (abs == 0) {
            return new Dec("", 0);
        }
        return toDec(new BigDecimal(abs).round(new MathContext(n, RoundingMode.HALF_EVEN)));
    }

    /** Go's {@code strconv.FormatFloat(v, fmt, prec, 64)} for fmt in e, E, f, g, G (others fall back to %g). */
    static String formatFloat(double v, char fmt, int prec) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (fmt == 'b' || fmt == 'x' || fmt == 'X') {
            return hexOrBinaryFloat(v, fmt, prec);
        }
        boolean neg = (Double.doubleToRawLongBits(v) & Long.MIN_VALUE) != 0;
        double abs = Math.abs(v);
        boolean shortest = prec < 0;
        Dec digs;
        if (shortest) {
            digs = shortest(abs);
            switch (fmt) {
                case 'e', 'E' -> prec = Math.max(digs.nd() - 1, 0);
                case 'f' -> prec = Math.max(digs.nd() - digs.dp(), 0);
                default -> prec = digs.nd();
            }
        } else {
            switch (fmt) {
                case 'e', 'E' -> digs = roundSig(abs, prec + 1);
                case 'f' -> digs = abs == 0 ? new Dec("", 0)
                        : toDec(new BigDecimal(abs).setScale(prec, RoundingMode.HALF_EVEN));
                default -> {
                    if (prec == 0) {
                        prec = 1;
                    }
                    digs = roundSig(abs, prec);
                }
            }
        }
        StringBuilder b = new StringBuilder();
        switch (fmt) {
            case 'e', 'E' -> fmtE(b, neg, digs, prec, fmt);
            case 'f' -> fmtF(b, neg, digs, prec);
            default -> {
                int eprec = prec;
                if (eprec > digs.nd() && digs.nd() >= digs.dp()) {
                    eprec = digs.nd();
                }
                if (shortest) {
                    eprec = 6;
                }
                int exp = digs.dp() - 1;
                if (exp < -4 || exp >= eprec) {
                    if (prec > digs.nd()) {
                        prec = digs.nd();
                    }
                    fmtE(b, neg, digs, prec - 1, fmt == 'G' ? 'E' : 'e');
                } else {
                    if (prec > digs.dp()) {
                        prec = digs.nd();
                    }
                    fmtF(b, neg, digs, Math.max(prec - digs.dp(), 0));
                }
            }
        }
        return b.toString();
    }

    private static void fmtE(StringBuilder b, boolean neg, Dec d, int prec, char fmt) {
        if (neg) {
            b.append('-');
        }
        b.append(d.nd() == 0 ? '0' : d.at(0));
        if (prec > 0) {
            b.append('.');
            for (int i = 1; i <= prec; i++) {
                b.append(d.at(i));
            }
        }
        b.append(fmt);
        int exp = d.dp() - 1;
        if (d.nd() == 0) {
            exp = 0;
        }
        if (exp < 0) {
            b.append('-');
            exp = -exp;
        } else {
            b.append('+');
        }
        if (exp < 10) {
            b.append('0');
        }
        b.append(exp);
    }

    private static void fmtF(StringBuilder b, boolean neg, Dec d, int prec) {
        if (neg) {
            b.append('-');
        }
        if (d.dp() > 0) {
            for (int i = 0; i < d.dp(); i++) {
                b.append(d.at(i));
            }
        } else {
            b.append('0');
        }
        if (prec > 0) {
            b.append('.');
            for (int i = 1; i <= prec; i++) {
                b.append(d.at(d.dp() + i - 1));
            }
        }
    }

    private static String hexOrBinaryFloat(double v, char fmt, int prec) {
        long bits = Double.doubleToRawLongBits(v);
        boolean neg = bits < 0;
        int exp = (int) ((bits >> 52) & 0x7ff);
        long mant = bits & ((1L << 52) - 1);
        if (fmt == 'b') {
            if (exp == 0) {
                exp++;
            } else {
                mant |= 1L << 52;
            }
            exp += -1023 - 52;
            return (neg ? "-" : "") + mant + "p" + (exp >= 0 ? "+" : "") + exp;
        }
        String s = Double.toHexString(Math.abs(v)); // 0x1.8p1
        if (v == 0) {
            s = "0x0p+00";
        } else {
            int p = s.indexOf('p');
            String m = s.substring(2, p);
            int e = Integer.parseInt(s.substring(p + 1));
            if (m.endsWith(".0")) {
                m = m.substring(0, m.length() - 2);
            }
            if (prec >= 0) {
                String frac = m.contains(".") ? m.substring(m.indexOf('.') + 1) : "";
                String intPart = m.contains(".") ? m.substring(0, m.indexOf('.')) : m;
                StringBuilder f = new StringBuilder(frac);
                while (f.length() < prec) {
                    f.append('0');
                }
                m = prec == 0 ? intPart : intPart + "." + f.substring(0, prec);
            }
            s = "0x" + m + "p" + (e >= 0 ? "+" : "-") + (Math.abs(e) < 10 ? "0" : "") + Math.abs(e);
        }
        if (fmt == 'X') {
            s = s.toUpperCase();
        }
        return (neg ? "-" : "") + s;
    }
}
