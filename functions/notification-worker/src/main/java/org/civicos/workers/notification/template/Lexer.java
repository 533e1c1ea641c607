package org.civicos.workers.notification.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Tokenizer for Go template syntax with the default {@code {{ }}} delimiters. */
final class Lexer {

    enum T {
        ERROR, BOOL, CHAR, CHAR_CONSTANT, COMPLEX, ASSIGN, DECLARE, EOF, FIELD, IDENTIFIER, LEFT_DELIM, LEFT_PAREN,
        NUMBER, PIPE, RAW_STRING, RIGHT_DELIM, RIGHT_PAREN, SPACE, STRING, TEXT, VARIABLE,
        // keywords (printed as <word>)
        BLOCK, BREAK, CONTINUE, DOT, DEFINE, ELSE, END, IF, NIL, RANGE, TEMPLATE, WITH;

        boolean isKeyword() {
            return ordinal() >= BLOCK.ordinal();
        }
    }

    record Item(T typ, int pos, String val, int line) {
        @Override
        public String toString() {
            if (typ == T.EOF) {
                return "EOF";
            }
            if (typ == T.ERROR) {
                return val;
            }
            if (typ.isKeyword()) {
                return "<" + val + ">";
            }
            if (val.codePointCount(0, val.length()) > 10) {
                return GoFmt.quote(val.substring(0, val.offsetByCodePoints(0, 10)), '"', false) + "...";
            }
            return GoFmt.quote(val, '"', false);
        }
    }

    private static final Map<String, T> KEY = Map.ofEntries(
            Map.entry(".", T.DOT), Map.entry("block", T.BLOCK), Map.entry("break", T.BREAK),
            Map.entry("continue", T.CONTINUE), Map.entry("define", T.DEFINE), Map.entry("else", T.ELSE),
            Map.entry("end", T.END), Map.entry("if", T.IF), Map.entry("range", T.RANGE), Map.entry("nil", T.NIL),
            Map.entry("template", T.TEMPLATE), Map.entry("with", T.WITH));

    private static final String LEFT = "{{";
    private static final String RIGHT = "}}";
    private static final int EOF = -1;

    private final String input;
    private final boolean breakOK;
    private final boolean continueOK;
    private final List<Item> items = new ArrayList<>();
    private final int[] lineStarts;
    private int start;
    private int pos;
    private int lastWidth;
    private int parenDepth;

    private Lexer(String input, boolean breakOK, boolean continueOK) {
        this.input = input;
        this.breakOK = breakOK;
        this.continueOK = continueOK;
        int n = 1;
        for (int i = 0; i < input.length(); i++) {
            if (input.charAt(i) == '\n') {
                n++;
            }
        }
        lineStarts = new int[n];
        int k = 1;
        for (int i = 0; i < input.length(); i++) {
            if (input.charAt(i) == '\n') {
                lineStarts[k++] = i + 1;
            }
        }
    }

    /** Tokenizes the whole input; the list ends with an EOF or ERROR item. */
    static List<Item> lex(String input, boolean breakOK, boolean continueOK) {
        Lexer l = new Lexer(input, breakOK, continueOK);
        l.run();
        return l.items;
    }

    int lineOf(int p) {
        int lo = 0;
        int hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= p) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo + 1;
    }

    private interface State {
        State run();
    }

    private void run() {
        State s = this::lexText;
        while (s != null) {
            s = s.run();
        }
    }

    private int next() {
        if (pos >= input.length()) {
            lastWidth = 0;
            return EOF;
        }
        int r = input.codePointAt(pos);
        lastWidth = Character.charCount(r);
        pos += lastWidth;
        return r;
    }

    private int peek() {
        int r = next();
        backup();
        return r;
    }

    private void backup() {
        pos -= lastWidth;
    }

    private void emit(T t) {
        items.add(new Item(t, start, input.substring(start, pos), lineOf(start)));
        start = pos;
    }

    private void ignore() {
        start = pos;
    }

    private boolean accept(String valid) {
        int r = next();
        if (r != EOF && valid.indexOf(r) >= 0) {
            return true;
        }
        backup();
        return false;
    }

    private void acceptRun(String valid) {
        int r;
        do {
            r = next();
        } while (r != EOF && valid.indexOf(r) >= 0);
        backup();
    }

    private State errorf(String msg) {
        items.add(new Item(T.ERROR, start, msg, lineOf(start)));
        return null;
    }

    static boolean isSpace(int r) {
        return r == ' ' || r == '\t' || r == '\r' || r == '\n';
    }

    static boolean isAlphaNumeric(int r) {
        return r == '_' || (r >= 0 && (Character.isLetter(r) || Character.isDigit(r)));
    }

    private static boolean hasLeftTrimMarker(String s, int at) {
        return at + 1 < s.length() && s.charAt(at) == '-' && isSpace(s.charAt(at + 1));
    }

    private static boolean hasRightTrimMarker(String s, int at) {
        return at + 1 < s.length() && isSpace(s.charAt(at)) && s.charAt(at + 1) == '-';
    }

    private State lexText() {
        int x = input.indexOf(LEFT, pos);
        if (x >= 0) {
            if (x > pos) {
                pos = x;
                int trimLength = 0;
                if (hasLeftTrimMarker(input, pos + LEFT.length())) {
                    int j = pos;
                    while (j > start && isSpace(input.charAt(j - 1))) {
                        j--;
                    }
                    trimLength = pos - j;
                }
                pos -= trimLength;
                if (pos > start) {
                    items.add(new Item(T.TEXT, start, input.substring(start, pos), lineOf(start)));
                }
                pos += trimLength;
                ignore();
            }
            return this::lexLeftDelim;
        }
        pos = input.length();
        if (pos > start) {
            emit(T.TEXT);
        }
        emit(T.EOF);
        return null;
    }

    private State lexLeftDelim() {
        pos += LEFT.length();
        boolean trimSpace = hasLeftTrimMarker(input, pos);
        int afterMarker = trimSpace ? 2 : 0;
        if (input.startsWith("/*", pos + afterMarker)) {
            pos += afterMarker;
            ignore();
            return this::lexComment;
        }
        items.add(new Item(T.LEFT_DELIM, start, LEFT, lineOf(start)));
        pos += afterMarker;
        ignore();
        parenDepth = 0;
        return this::lexInsideAction;
    }

    private State lexComment() {
        pos += 2;
        int x = input.indexOf("*/", pos);
        if (x < 0) {
            return errorf("unclosed comment");
        }
        pos = x + 2;
        int delim = atRightDelim();
        if (delim == 0) {
            return errorf("comment ends before closing delimiter");
        }
        if (delim == 2) {
            pos += 2;
        }
        pos += RIGHT.length();
        if (delim == 2) {
            while (pos < input.length() && isSpace(input.charAt(pos))) {
                pos++;
            }
        }
        ignore();
        return this::lexText;
    }

    /** 0: not at a right delimiter; 1: at one; 2: at one preceded by a trim marker. */
    private int atRightDelim() {
        if (hasRightTrimMarker(input, pos) && input.startsWith(RIGHT, pos + 2)) {
            return 2;
        }
        if (input.startsWith(RIGHT, pos)) {
            return 1;
        }
        return 0;
    }

    private State lexRightDelim() {
        boolean trimSpace = atRightDelim() == 2;
        if (trimSpace) {
            pos += 2;
            ignore();
        }
        pos += RIGHT.length();
        emit(T.RIGHT_DELIM);
        if (trimSpace) {
            while (pos < input.length() && isSpace(input.charAt(pos))) {
                pos++;
            }
            ignore();
        }
        return this::lexText;
    }

    private State lexInsideAction() {
        if (atRightDelim() != 0) {
            if (parenDepth == 0) {
                return this::lexRightDelim;
            }
            return errorf("unclosed left paren");
        }
        int r = next();
        if (r == EOF) {
            return errorf("unclosed action");
        } else if (isSpace(r)) {
            backup();
            return this::lexSpace;
        } else if (r == '=') {
            emit(T.ASSIGN);
        } else if (r == ':') {
            if (next() != '=') {
                return errorf("expected :=");
            }
            emit(T.DECLARE);
        } else if (r == '|') {
            emit(T.PIPE);
        } else if (r == '"') {
            return this::lexQuote;
        } else if (r == '`') {
            return this::lexRawQuote;
        } else if (r == '$') {
            return this::lexVariable;
        } else if (r == '\'') {
            return this::lexChar;
        } else if (r == '.' && pos < input.length() && (input.charAt(pos) < '0' || input.charAt(pos) > '9')) {
            return this::lexField;
        } else if (r == '.' || r == '+' || r == '-' || ('0' <= r && r <= '9')) {
            backup();
            return this::lexNumber;
        } else if (isAlphaNumeric(r)) {
            backup();
            return this::lexIdentifier;
        } else if (r == '(') {
            emit(T.LEFT_PAREN);
            parenDepth++;
        } else if (r == ')') {
            emit(T.RIGHT_PAREN);
            parenDepth--;
            if (parenDepth < 0) {
                return errorf("unexpected right paren " + fmtU(r));
            }
        } else if (r < 0x80 && GoFmt.isPrint(r)) {
            emit(T.CHAR);
        } else {
            return errorf("unrecognized character in action: " + fmtU(r));
        }
        return this::lexInsideAction;
    }

    /** Go's {@code %#U}. */
    static String fmtU(int r) {
        String hex = Integer.toHexString(r).toUpperCase();
        StringBuilder b = new StringBuilder("U+");
        for (int i = hex.length(); i < 4; i++) {
            b.append('0');
        }
        b.append(hex);
        if (GoFmt.isPrint(r)) {
            b.append(" '").appendCodePoint(r).append('\'');
        }
        return b.toString();
    }

    private State lexSpace() {
        int numSpaces = 0;
        while (true) {
            int r = peek();
            if (!isSpace(r)) {
                break;
            }
            next();
            numSpaces++;
        }
        if (hasRightTrimMarker(input, pos - 1) && input.startsWith(RIGHT, pos - 1 + 2)) {
            pos--;
            if (numSpaces == 1) {
                return this::lexRightDelim;
            }
        }
        emit(T.SPACE);
        return this::lexInsideAction;
    }

    private State lexIdentifier() {
        while (true) {
            int r = next();
            if (isAlphaNumeric(r)) {
                continue;
            }
            backup();
            String word = input.substring(start, pos);
            if (!atTerminator()) {
                return errorf("bad character " + fmtU(r));
            }
            T key = KEY.get(word);
            if (key != null) {
                if (key == T.BREAK && !breakOK || key == T.CONTINUE && !continueOK) {
                    emit(T.IDENTIFIER);
                } else {
                    emit(key);
                }
            } else if (word.charAt(0) == '.') {
                emit(T.FIELD);
            } else if (word.equals("true") || word.equals("false")) {
                emit(T.BOOL);
            } else {
                emit(T.IDENTIFIER);
            }
            return this::lexInsideAction;
        }
    }

    private State lexField() {
        return lexFieldOrVariable(T.FIELD);
    }

    private State lexVariable() {
        return lexFieldOrVariable(T.VARIABLE);
    }

    private State lexFieldOrVariable(T typ) {
        if (atTerminator()) {
            emit(typ == T.VARIABLE ? T.VARIABLE : T.DOT);
            return this::lexInsideAction;
        }
        int r;
        while (true) {
            r = next();
            if (!isAlphaNumeric(r)) {
                backup();
                break;
            }
        }
        if (!atTerminator()) {
            return errorf("bad character " + fmtU(r));
        }
        emit(typ);
        return this::lexInsideAction;
    }

    private boolean atTerminator() {
        int r = peek();
        if (isSpace(r)) {
            return true;
        }
        switch (r) {
            case EOF, '.', ',', '|', ':', ')', '(' -> {
                return true;
            }
            default -> {
                return r == RIGHT.charAt(0);
            }
        }
    }

    private State lexChar() {
        while (true) {
            int r = next();
            if (r == '\\') {
                r = next();
                if (r != EOF && r != '\n') {
                    continue;
                }
            }
            if (r == EOF || r == '\n') {
                return errorf("unterminated character constant");
            }
            if (r == '\'') {
                break;
            }
        }
        emit(T.CHAR_CONSTANT);
        return this::lexInsideAction;
    }

    private State lexNumber() {
        if (!scanNumber()) {
            return errorf("bad number syntax: " + GoFmt.quote(input.substring(start, pos), '"', false));
        }
        int sign = peek();
        if (sign == '+' || sign == '-') {
            if (!scanNumber() || input.charAt(pos - 1) != 'i') {
                return errorf("bad number syntax: " + GoFmt.quote(input.substring(start, pos), '"', false));
            }
            emit(T.COMPLEX);
        } else {
            emit(T.NUMBER);
        }
        return this::lexInsideAction;
    }

    private boolean scanNumber() {
        accept("+-");
        String digits = "0123456789_";
        if (accept("0")) {
            if (accept("xX")) {
                digits = "0123456789abcdefABCDEF_";
            } else if (accept("oO")) {
                digits = "01234567_";
            } else if (accept("bB")) {
                digits = "01_";
            }
        }
        acceptRun(digits);
        if (accept(".")) {
            acceptRun(digits);
        }
        if (digits.length() == 11 && accept("eE")) {
            accept("+-");
            acceptRun("0123456789_");
        }
        if (digits.length() == 23 && accept("pP")) {
            accept("+-");
            acceptRun("0123456789_");
        }
        accept("i");
        if (isAlphaNumeric(peek())) {
            next();
            return false;
        }
        return true;
    }

    private State lexQuote() {
        while (true) {
            int r = next();
            if (r == '\\') {
                r = next();
                if (r != EOF && r != '\n') {
                    continue;
                }
            }
            if (r == EOF || r == '\n') {
                return errorf("unterminated quoted string");
            }
            if (r == '"') {
                break;
            }
        }
        emit(T.STRING);
        return this::lexInsideAction;
    }

    private State lexRawQuote() {
        while (true) {
            int r = next();
            if (r == EOF) {
                return errorf("unterminated raw quoted string");
            }
            if (r == '`') {
                break;
            }
        }
        emit(T.RAW_STRING);
        return this::lexInsideAction;
    }
}
