package org.civicos.workers.notification.template;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.civicos.workers.notification.template.Lexer.Item;
import org.civicos.workers.notification.template.Lexer.T;
import org.civicos.workers.notification.template.Node.*;

/** Recursive-descent parser producing the set of named trees defined by one template source. */
final class Parser {

    private final String parseName;
    private final Set<String> funcs;
    private final List<Item> items;
    private int itemIdx;
    private final Item[] token = new Item[3];
    private int peekCount;
    private final Map<String, ListNode> treeSet = new LinkedHashMap<>();

    // per-tree state
    private List<String> vars = new ArrayList<>(List.of("$"));
    private int rangeDepth;
    private int actionLine;

    private Parser(String parseName, String text, Set<String> funcs) {
        this.parseName = parseName;
        this.funcs = funcs;
        this.items = Lexer.lex(text, !funcs.contains("break"), !funcs.contains("continue"));
    }

    /** Parses {@code text}; the result maps template names (including {@code name}) to their bodies. */
    static Map<String, ListNode> parse(String name, String text, Set<String> funcs) {
        Parser p = new Parser(name, text, funcs);
        ListNode root = p.parseMain();
        p.add(name, root);
        return p.treeSet;
    }

    // ---------------------------------------------------------------- token plumbing

    private Item lexNext() {
        Item it = items.get(itemIdx);
        if (itemIdx < items.size() - 1) {
            itemIdx++;
        }
        return it;
    }

    private Item next() {
        if (peekCount > 0) {
            peekCount--;
        } else {
            token[0] = lexNext();
        }
        return token[peekCount];
    }

    private void backup() {
        peekCount++;
    }

    private void backup2(Item t1) {
        token[1] = t1;
        peekCount = 2;
    }

    private void backup3(Item t2, Item t1) {
        token[1] = t1;
        token[2] = t2;
        peekCount = 3;
    }

    private Item peek() {
        if (peekCount > 0) {
            return token[peekCount - 1];
        }
        peekCount = 1;
        token[0] = lexNext();
        return token[0];
    }

    private Item nextNonSpace() {
        Item t;
        do {
            t = next();
        } while (t.typ() == T.SPACE);
        return t;
    }

    private Item peekNonSpace() {
        Item t = nextNonSpace();
        backup();
        return t;
    }

    private TemplateParseException errorf(String msg) {
        return new TemplateParseException("template: " + parseName + ":" + token[0].line() + ": " + msg);
    }

    private Item expect(T expected, String context) {
        Item t = nextNonSpace();
        if (t.typ() != expected) {
            throw unexpected(t, context);
        }
        return t;
    }

    private Item expectOneOf(T e1, T e2, String context) {
        Item t = nextNonSpace();
        if (t.typ() != e1 && t.typ() != e2) {
            throw unexpected(t, context);
        }
        return t;
    }

    private TemplateParseException unexpected(Item t, String context) {
        if (t.typ() == T.ERROR) {
            String extra = "";
            if (actionLine != 0 && actionLine != t.line()) {
                extra = " in action started at " + parseName + ":" + actionLine;
                if (t.val().endsWith(" action")) {
                    extra = extra.substring(" in action".length());
                }
            }
            return errorf(t + extra);
        }
        return errorf("unexpected " + t + " in " + context);
    }

    // ---------------------------------------------------------------- structure

    private void add(String name, ListNode root) {
        ListNode existing = treeSet.get(name);
        if (existing == null || isEmptyTree(existing)) {
            treeSet.put(name, root);
            return;
        }
        if (!isEmptyTree(root)) {
            throw errorf("template: multiple definition of template " + GoFmt.quote(name, '"', false));
        }
    }

    static boolean isEmptyTree(Node n) {
        if (n == null) {
            return true;
        }
        if (n instanceof ListNode l) {
            for (Node c : l.nodes) {
                if (!isEmptyTree(c)) {
                    return false;
                }
            }
            return true;
        }
        if (n instanceof TextNode t) {
            return t.text.isBlank() && t.text.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\n'
                    || c == '\r' || c == 0x0B || c == '\f' || c == 0x85 || c == 0xA0);
        }
        return n instanceof CommentNode;
    }

    private ListNode parseMain() {
        ListNode root = new ListNode(peek().pos());
        while (peek().typ() != T.EOF) {
            if (peek().typ() == T.LEFT_DELIM) {
                Item delim = next();
                if (nextNonSpace().typ() == T.DEFINE) {
                    parseDefinition();
                    continue;
                }
                backup2(delim);
            }
            Node n = textOrAction();
            if (n instanceof EndNode || n instanceof ElseNode) {
                throw errorf("unexpected " + n);
            }
            root.nodes.add(n);
        }
        return root;
    }

    private void parseDefinition() {
        String context = "define clause";
        List<String> savedVars = vars;
        int savedRange = rangeDepth;
        vars = new ArrayList<>(List.of("$"));
        rangeDepth = 0;
        Item name = expectOneOf(T.STRING, T.RAW_STRING, context);
        String n = unquote(name.val());
        expect(T.RIGHT_DELIM, context);
        Object[] res = itemList();
        Node end = (Node) res[1];
        if (!(end instanceof EndNode)) {
            throw errorf("unexpected " + end + " in " + context);
        }
        add(n, (ListNode) res[0]);
        vars = savedVars;
        rangeDepth = savedRange;
    }

    /** Returns {list, terminating end/else node}. */
    private Object[] itemList() {
        ListNode list = new ListNode(peekNonSpace().pos());
        while (peekNonSpace().typ() != T.EOF) {
            Node n = textOrAction();
            if (n instanceof EndNode || n instanceof ElseNode) {
                return new Object[] {list, n};
            }
            list.nodes.add(n);
        }
        throw errorf("unexpected EOF");
    }

    private Node textOrAction() {
        Item t = nextNonSpace();
        switch (t.typ()) {
            case TEXT:
                return new TextNode(t.pos(), t.val());
            case LEFT_DELIM:
                actionLine = t.line();
                try {
                    return action();
                } finally {
                    actionLine = 0;
                }
            default:
                throw unexpected(t, "input");
        }
    }

    private Node action() {
        Item t = nextNonSpace();
        switch (t.typ()) {
            case BLOCK:
                return blockControl();
            case BREAK:
                return breakControl(t.pos(), t.line());
            case CONTINUE:
                return continueControl(t.pos(), t.line());
            case ELSE:
                return elseControl();
            case END:
                return endControl();
            case IF:
                return branch(BranchKind.IF);
            case RANGE:
                return branch(BranchKind.RANGE);
            case TEMPLATE:
                return templateControl();
            case WITH:
                return branch(BranchKind.WITH);
            default:
                break;
        }
        backup();
        Item tok = peek();
        return new ActionNode(tok.pos(), tok.line(), pipeline("command", T.RIGHT_DELIM));
    }

    private Node breakControl(int pos, int line) {
        Item t = nextNonSpace();
        if (t.typ() != T.RIGHT_DELIM) {
            throw unexpected(t, "{{break}}");
        }
        if (rangeDepth == 0) {
            throw errorf("{{break}} outside {{range}}");
        }
        return new BreakNode(pos, line);
    }

    private Node continueControl(int pos, int line) {
        Item t = nextNonSpace();
        if (t.typ() != T.RIGHT_DELIM) {
            throw unexpected(t, "{{continue}}");
        }
        if (rangeDepth == 0) {
            throw errorf("{{continue}} outside {{range}}");
        }
        return new ContinueNode(pos, line);
    }

    private Node elseControl() {
        Item p = peekNonSpace();
        if (p.typ() == T.IF || p.typ() == T.WITH) {
            return new ElseNode(p.pos(), p.line());
        }
        Item t = expect(T.RIGHT_DELIM, "else");
        return new ElseNode(t.pos(), t.line());
    }

    private Node endControl() {
        return new EndNode(expect(T.RIGHT_DELIM, "end").pos());
    }

    private BranchNode branch(BranchKind kind) {
        String context = kind.word;
        int mark = vars.size();
        try {
            PipeNode pipe = pipeline(context, T.RIGHT_DELIM);
            if (kind == BranchKind.RANGE) {
                rangeDepth++;
            }
            Object[] res = itemList();
            if (kind == BranchKind.RANGE) {
                rangeDepth--;
            }
            ListNode list = (ListNode) res[0];
            Node next = (Node) res[1];
            ListNode elseList = null;
            if (next instanceof ElseNode) {
                T nt = peek().typ();
                if (kind == BranchKind.IF && nt == T.IF || kind == BranchKind.WITH && nt == T.WITH) {
                    next();
                    elseList = new ListNode(next.pos);
                    elseList.nodes.add(branch(kind));
                } else {
                    Object[] r2 = itemList();
                    elseList = (ListNode) r2[0];
                    Node n2 = (Node) r2[1];
                    if (!(n2 instanceof EndNode)) {
                        throw errorf("expected end; found " + n2);
                    }
                }
            }
            return new BranchNode(kind, pipe.pos, pipe.line, pipe, list, elseList);
        } finally {
            while (vars.size() > mark) {
                vars.remove(vars.size() - 1);
            }
        }
    }

    private Node templateControl() {
        String context = "template clause";
        Item t = nextNonSpace();
        String name = parseTemplateName(t, context);
        PipeNode pipe = null;
        if (nextNonSpace().typ() != T.RIGHT_DELIM) {
            backup();
            pipe = pipeline(context, T.RIGHT_DELIM);
        }
        return new TemplateNode(t.pos(), t.line(), name, pipe);
    }

    private Node blockControl() {
        String context = "block clause";
        Item t = nextNonSpace();
        String name = parseTemplateName(t, context);
        PipeNode pipe = pipeline(context, T.RIGHT_DELIM);
        List<String> savedVars = vars;
        int savedRange = rangeDepth;
        vars = new ArrayList<>(List.of("$"));
        rangeDepth = 0;
        Object[] res = itemList();
        Node end = (Node) res[1];
        if (!(end instanceof EndNode)) {
            throw errorf("unexpected " + end + " in " + context);
        }
        add(name, (ListNode) res[0]);
        vars = savedVars;
        rangeDepth = savedRange;
        return new TemplateNode(t.pos(), t.line(), name, pipe);
    }

    private String parseTemplateName(Item t, String context) {
        if (t.typ() == T.STRING || t.typ() == T.RAW_STRING) {
            return unquote(t.val());
        }
        throw unexpected(t, context);
    }

    // ---------------------------------------------------------------- pipelines

    private PipeNode pipeline(String context, T end) {
        Item tok = peekNonSpace();
        PipeNode pipe = new PipeNode(tok.pos(), tok.line());
        decls:
        while (true) {
            Item v = peekNonSpace();
            if (v.typ() == T.VARIABLE) {
                next();
                Item tokenAfterVariable = peek();
                Item nxt = peekNonSpace();
                if (nxt.typ() == T.ASSIGN || nxt.typ() == T.DECLARE) {
                    pipe.isAssign = nxt.typ() == T.ASSIGN;
                    nextNonSpace();
                    pipe.decl.add(new VariableNode(v.pos(), v.val()));
                    vars.add(v.val());
                } else if (nxt.typ() == T.CHAR && nxt.val().equals(",")) {
                    nextNonSpace();
                    pipe.decl.add(new VariableNode(v.pos(), v.val()));
                    vars.add(v.val());
                    if (context.equals("range") && pipe.decl.size() < 2) {
                        T pt = peekNonSpace().typ();
                        if (pt == T.VARIABLE || pt == T.RIGHT_DELIM || pt == T.RIGHT_PAREN) {
                            continue decls;
                        }
                        throw errorf("range can only initialize variables");
                    }
                    throw errorf("too many declarations in " + context);
                } else if (tokenAfterVariable.typ() == T.SPACE) {
                    backup3(v, tokenAfterVariable);
                } else {
                    backup2(v);
                }
            }
            break;
        }
        while (true) {
            Item t = nextNonSpace();
            if (t.typ() == end) {
                checkPipeline(pipe, context);
                return pipe;
            }
            switch (t.typ()) {
                case BOOL, CHAR_CONSTANT, COMPLEX, DOT, FIELD, IDENTIFIER, NUMBER, NIL, RAW_STRING, STRING,
                        VARIABLE, LEFT_PAREN -> {
                    backup();
                    pipe.cmds.add(command());
                }
                default -> throw unexpected(t, context);
            }
        }
    }

    private void checkPipeline(PipeNode pipe, String context) {
        if (pipe.cmds.isEmpty()) {
            throw errorf("missing value for " + context);
        }
        for (int i = 1; i < pipe.cmds.size(); i++) {
            Node a = pipe.cmds.get(i).args.get(0);
            if (a instanceof BoolNode || a instanceof DotNode || a instanceof NilNode || a instanceof NumberNode
                    || a instanceof StringNode) {
                throw errorf("non executable command in pipeline stage " + (i + 1));
            }
        }
    }

    private CommandNode command() {
        CommandNode cmd = new CommandNode(peekNonSpace().pos());
        while (true) {
            peekNonSpace();
            Node operand = operand();
            if (operand != null) {
                cmd.args.add(operand);
            }
            Item t = next();
            if (t.typ() == T.SPACE) {
                continue;
            }
            if (t.typ() == T.RIGHT_DELIM || t.typ() == T.RIGHT_PAREN) {
                backup();
            } else if (t.typ() != T.PIPE) {
                throw unexpected(t, "operand");
            }
            break;
        }
        if (cmd.args.isEmpty()) {
            throw errorf("empty command");
        }
        return cmd;
    }

    private Node operand() {
        Node node = term();
        if (node == null) {
            return null;
        }
        if (peek().typ() == T.FIELD) {
            ChainNode chain = new ChainNode(peek().pos(), node);
            while (peek().typ() == T.FIELD) {
                chain.add(next().val());
            }
            if (node instanceof FieldNode) {
                node = new FieldNode(chain.pos, chain.toString());
            } else if (node instanceof VariableNode) {
                node = new VariableNode(chain.pos, chain.toString());
            } else if (node instanceof BoolNode || node instanceof StringNode || node instanceof NumberNode
                    || node instanceof NilNode || node instanceof DotNode) {
                throw errorf("unexpected . after term " + GoFmt.quote(node.toString(), '"', false));
            } else {
                node = chain;
            }
        }
        return node;
    }

    private Node term() {
        Item t = nextNonSpace();
        switch (t.typ()) {
            case IDENTIFIER:
                if (!funcs.contains(t.val())) {
                    throw errorf("function " + GoFmt.quote(t.val(), '"', false) + " not defined");
                }
                return new IdentifierNode(t.pos(), t.val());
            case DOT:
                return new DotNode(t.pos());
            case NIL:
                return new NilNode(t.pos());
            case VARIABLE:
                return useVar(t.pos(), t.val());
            case FIELD:
                return new FieldNode(t.pos(), t.val());
            case BOOL:
                return new BoolNode(t.pos(), t.val().equals("true"));
            case CHAR_CONSTANT, COMPLEX, NUMBER:
                return newNumber(t.pos(), t.val(), t.typ());
            case LEFT_PAREN:
                return pipeline("parenthesized pipeline", T.RIGHT_PAREN);
            case STRING, RAW_STRING:
                return new StringNode(t.pos(), t.val(), unquote(t.val()));
            default:
                backup();
                return null;
        }
    }

    private Node useVar(int pos, String name) {
        VariableNode v = new VariableNode(pos, name);
        if (vars.contains(v.ident.get(0))) {
            return v;
        }
        throw errorf("undefined variable " + GoFmt.quote(v.ident.get(0), '"', false));
    }

    // ---------------------------------------------------------------- literals

    private static final Pattern INT_SYNTAX = Pattern.compile(
            "[+-]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)");

    private NumberNode newNumber(int pos, String text, T typ) {
        NumberNode n = new NumberNode(pos, text);
        if (typ == T.CHAR_CONSTANT) {
            String s = unquoteString(text.substring(1, text.length() - 1), '\'');
            if (s == null || s.codePointCount(0, s.length()) != 1) {
                throw errorf(s == null ? "invalid syntax" : "malformed character constant: " + text);
            }
            int r = s.codePointAt(0);
            n.int64 = r;
            n.isInt = true;
            n.isUint = true;
            n.float64 = r;
            n.isFloat = true;
            return n;
        }
        if (typ == T.COMPLEX || text.endsWith("i")) {
            n.isComplex = true;
            return n;
        }
        BigInteger big = null;
        if (INT_SYNTAX.matcher(text).matches()) {
            big = parseInteger(text);
        }
        if (big != null) {
            if (big.bitLength() < 64) {
                n.isInt = true;
                n.int64 = big.longValue();
            }
            if (big.signum() >= 0 && big.bitLength() <= 64) {
                n.isUint = true;
            }
            if (n.isInt) {
                n.isFloat = true;
                n.float64 = n.int64;
            } else if (n.isUint) {
                n.isFloat = true;
                n.float64 = big.doubleValue();
            }
        }
        if (!n.isInt && !n.isUint) {
            Double f = parseFloat(text);
            if (f != null) {
                if (!text.matches(".*[.eEpP].*")) {
                    throw errorf("integer overflow: " + GoFmt.quote(text, '"', false));
                }
                n.isFloat = true;
                n.float64 = f;
                if (f == Math.rint(f) && Math.abs(f) < 9.2e18) {
                    n.isInt = true;
                    n.int64 = (long) (double) f;
                }
            }
        }
        if (!n.isInt && !n.isUint && !n.isFloat) {
            throw errorf("illegal number syntax: " + GoFmt.quote(text, '"', false));
        }
        return n;
    }

    private static BigInteger parseInteger(String text) {
        String s = text;
        boolean neg = false;
        if (s.startsWith("+") || s.startsWith("-")) {
            neg = s.charAt(0) == '-';
            s = s.substring(1);
        }
        int base = 10;
        if (s.length() > 1 && s.charAt(0) == '0') {
            char c = s.charAt(1);
            if (c == 'x' || c == 'X') {
                base = 16;
                s = s.substring(2);
            } else if (c == 'o' || c == 'O') {
                base = 8;
                s = s.substring(2);
            } else if (c == 'b' || c == 'B') {
                base = 2;
                s = s.substring(2);
            } else {
                base = 8;
                s = s.substring(1);
            }
        }
        s = s.replace("_", "");
        if (s.isEmpty()) {
            return base == 8 ? BigInteger.ZERO : null;
        }
        try {
            BigInteger b = new BigInteger(s, base);
            return neg ? b.negate() : b;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double parseFloat(String text) {
        String s = text.replace("_", "");
        try {
            if (s.matches("[+-]?0[xX].*")) {
                if (!s.contains("p") && !s.contains("P")) {
                    return null;
                }
                return Double.parseDouble(s);
            }
            if (!s.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
                return null;
            }
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Go's {@code strconv.Unquote} for "..." and `...` literals. */
    private String unquote(String quoted) {
        if (quoted.startsWith("`")) {
            return quoted.substring(1, quoted.length() - 1).replace("\r", "");
        }
        String s = unquoteString(quoted.substring(1, quoted.length() - 1), '"');
        if (s == null) {
            throw errorf("invalid syntax");
        }
        return s;
    }

    /** Decodes Go escape sequences; {@code null} on invalid syntax. */
    static String unquoteString(String body, char quote) {
        if (body.indexOf('\\') < 0) {
            if (body.indexOf(quote) >= 0 && quote == '"') {
                return null;
            }
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length()) {
            int c = body.codePointAt(i);
            if (c != '\\') {
                if (c == quote && quote == '"') {
                    return null;
                }
                out.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(c);
                continue;
            }
            i++;
            if (i >= body.length()) {
                return null;
            }
            char e = body.charAt(i++);
            switch (e) {
                case 'a' -> out.write(7);
                case 'b' -> out.write(8);
                case 'f' -> out.write(12);
                case 'n' -> out.write(10);
                case 'r' -> out.write(13);
                case 't' -> out.write(9);
                case 'v' -> out.write(11);
                case '\\' -> out.write('\\');
                case '\'', '"' -> {
                    if (e != quote) {
                        return null;
                    }
                    out.write(e);
                }
                case 'x' -> {
                    if (i + 2 > body.length()) {
                        return null;
                    }
                    try {
                        out.write(Integer.parseInt(body.substring(i, i + 2), 16));
                    } catch (NumberFormatException ex) {
                        return null;
                    }
                    i += 2;
                }
                case 'u', 'U' -> {
                    int n = e == 'u' ? 4 : 8;
                    if (i + n > body.length()) {
                        return null;
                    }
                    int cp;
                    try {
                        cp = Integer.parseUnsignedInt(body.substring(i, i + n), 16);
                    } catch (NumberFormatException ex) {
                        return null;
                    }
                    if (cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
                        return null;
                    }
                    i += n;
                    out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        if (i + 2 > body.length()) {
                            return null;
                        }
                        String oct = e + body.substring(i, i + 2);
                        if (!oct.matches("[0-7]{3}")) {
                            return null;
                        }
                        int v = Integer.parseInt(oct, 8);
                        if (v > 255) {
                            return null;
                        }
                        out.write(v);
                        i += 2;
                    } else {
                        return null;
                    }
                }
            }
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }
}
