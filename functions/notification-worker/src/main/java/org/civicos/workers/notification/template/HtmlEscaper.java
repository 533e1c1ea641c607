package org.civicos.workers.notification.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.civicos.workers.notification.template.HtmlContext.Attr;
import org.civicos.workers.notification.template.HtmlContext.Delim;
import org.civicos.workers.notification.template.HtmlContext.Element;
import org.civicos.workers.notification.template.HtmlContext.EscapeError;
import org.civicos.workers.notification.template.HtmlContext.JsCtx;
import org.civicos.workers.notification.template.HtmlContext.State;
import org.civicos.workers.notification.template.HtmlContext.UrlPart;
import org.civicos.workers.notification.template.Node.*;

/**
 * html/template's contextual auto-escaper: walks the template from the HTML text context, tracks the context
 * through text and control flow, and rewrites each action's pipeline to end in the escapers its context needs.
 */
final class HtmlEscaper {

    enum ContentType {
        PLAIN, CSS, HTML, JS, URL, SRCSET, UNSAFE
    }

    private static final Map<String, ContentType> ATTR_TYPES = new HashMap<>();

    static {
        for (String a : ("accept accept-charset alt autocomplete autofocus autoplay border checked class cols "
                + "colspan contenteditable contextmenu controls coords datetime default dir dirname disabled draggable "
                + "dropzone for formtarget headers height hidden high hreflang id ismap keytype kind label lang "
                + "language list loop low max maxlength media mediagroup min multiple name open optimum placeholder "
                + "preload pubdate radiogroup readonly required reversed rows rowspan spellcheck scope scoped seamless "
                + "selected shape size sizes span srclang start step tabindex target title width wrap").split(" ")) {
            ATTR_TYPES.put(a, ContentType.PLAIN);
        }
        for (String a : ("action archive background cite classid codebase data formaction href icon longdesc "
                + "manifest poster profile src usemap xmlns").split(" ")) {
            ATTR_TYPES.put(a, ContentType.URL);
        }
        for (String a : ("async challenge charset content crossorigin defer enctype form formenctype formmethod "
                + "formnovalidate http-equiv method novalidate pattern rel sandbox type value").split(" ")) {
            ATTR_TYPES.put(a, ContentType.UNSAFE);
        }
        ATTR_TYPES.put("srcdoc", ContentType.HTML);
        ATTR_TYPES.put("srcset", ContentType.SRCSET);
        ATTR_TYPES.put("style", ContentType.CSS);
    }

    /** The content type of an attribute value, by (lower-case) attribute name. */
    static ContentType attrType(String name) {
        if (name.startsWith("data-")) {
            name = name.substring(5);
        } else {
            int colon = name.indexOf(':');
            if (colon >= 0) {
                if (name.substring(0, colon).equals("xmlns")) {
                    return ContentType.URL;
                }
                name = name.substring(colon + 1);
            }
        }
        ContentType t = ATTR_TYPES.get(name);
        if (t != null) {
            return t;
        }
        if (name.startsWith("on")) {
            return ContentType.JS;
        }
        if (name.contains("src") || name.contains("uri") || name.contains("url")) {
            return ContentType.URL;
        }
        return ContentType.PLAIN;
    }

    // ---------------------------------------------------------------- escaper state

    private static final Set<String> PREDEFINED = Set.of("html", "urlquery");
    private static final Map<String, String> EQUIV = Map.of(
            "_html_template_attrescaper", "html",
            "_html_template_htmlescaper", "html",
            "_html_template_rcdataescaper", "html",
            "_html_template_urlescaper", "urlquery",
            "_html_template_urlnormalizer", "urlquery");

    private static final class RangeContext {
        final RangeContext outer;
        final List<HtmlContext> breaks = new ArrayList<>();
        final List<Node> breakNodes = new ArrayList<>();
        final List<HtmlContext> continues = new ArrayList<>();
        final List<Node> continueNodes = new ArrayList<>();

        RangeContext(RangeContext outer) {
            this.outer = outer;
        }
    }

    /** Shared across speculative escapers: the templates and the derived copies already created. */
    private final Map<String, ListNode> set;
    private final Map<String, HtmlContext> output = new HashMap<>();
    private final Map<String, ListNode> derived = new LinkedHashMap<>();
    private final Set<String> called = new HashSet<>();
    private final Map<ActionNode, List<String>> actionEdits = new IdentityHashMap<>();
    private final Map<TemplateNode, String> templateEdits = new IdentityHashMap<>();
    private final Map<TextNode, String> textEdits = new IdentityHashMap<>();
    private RangeContext rangeContext;

    private HtmlEscaper(Map<String, ListNode> set) {
        this.set = set;
    }

    /**
     * Escapes template {@code name} of {@code templates} in place (adding derived templates to the map).
     *
     * @return the escaper error, or {@code null} on success
     */
    static EscapeError escape(Map<String, ListNode> templates, String name) {
        HtmlEscaper e = new HtmlEscaper(templates);
        ListNode root = templates.get(name);
        HtmlContext c = e.escapeTree(HtmlContext.TEXT, root, name, 0).ctx;
        EscapeError err = null;
        if (c.err() != null) {
            err = c.err();
            err.name = name;
        } else if (c.state() != State.Text) {
            err = new EscapeError(null, 0, "ends in a non-text context: " + c);
            err.name = name;
        }
        if (err != null) {
            return err;
        }
        e.commit();
        return null;
    }

    private ListNode template(String name) {
        ListNode t = set.get(name);
        return t != null ? t : derived.get(name);
    }

    private void commit() {
        set.putAll(derived);
        for (Map.Entry<ActionNode, List<String>> en : actionEdits.entrySet()) {
            ensurePipelineContains(en.getKey().pipe, en.getValue());
        }
        for (Map.Entry<TemplateNode, String> en : templateEdits.entrySet()) {
            en.getKey().name = en.getValue();
        }
        for (Map.Entry<TextNode, String> en : textEdits.entrySet()) {
            en.getKey().text = en.getValue();
        }
    }

    private static String normalizeEscFn(String e) {
        String n = EQUIV.get(e);
        return n != null ? n : e;
    }

    private static boolean escFnsEq(String a, String b) {
        return normalizeEscFn(a).equals(normalizeEscFn(b));
    }

    private static CommandNode identCmd(String name, int pos) {
        CommandNode c = new CommandNode(pos);
        c.args.add(new IdentifierNode(pos, name));
        return c;
    }

    static void ensurePipelineContains(PipeNode p, List<String> s0) {
        if (s0.isEmpty()) {
            return;
        }
        List<String> s = new ArrayList<>(s0);
        List<CommandNode> cmds = new ArrayList<>(p.cmds);
        int pipelineLen = cmds.size();
        if (pipelineLen > 0) {
            CommandNode lastCmd = cmds.get(pipelineLen - 1);
            if (lastCmd.args.get(0) instanceof IdentifierNode id && PREDEFINED.contains(id.ident)) {
                String esc = id.ident;
                if (cmds.size() == 1 && lastCmd.args.size() > 1) {
                    CommandNode c = new CommandNode(lastCmd.pos);
                    c.args.add(new IdentifierNode(id.pos, "_eval_args_"));
                    c.args.addAll(lastCmd.args.subList(1, lastCmd.args.size()));
                    cmds.set(0, c);
                    cmds.add(identCmd(esc, p.pos));
                    pipelineLen++;
                }
                boolean dup = false;
                for (int i = 0; i < s.size(); i++) {
                    if (escFnsEq(esc, s.get(i))) {
                        s.set(i, esc);
                        dup = true;
                    }
                }
                if (dup) {
                    pipelineLen--;
                }
            }
        }
        List<CommandNode> newCmds = new ArrayList<>(cmds.subList(0, pipelineLen));
        Set<String> inserted = new HashSet<>();
        for (CommandNode c : newCmds) {
            if (c.args.get(0) instanceof IdentifierNode id) {
                inserted.add(normalizeEscFn(id.ident));
            }
        }
        for (String name : s) {
            if (!inserted.contains(normalizeEscFn(name))) {
                newCmds.add(identCmd(name, p.pos));
            }
        }
        p.cmds = newCmds;
    }

    // ---------------------------------------------------------------- tree walk

    private record TreeResult(HtmlContext ctx, String name) {
    }

    private TreeResult escapeTree(HtmlContext c, Node node, String name, int line) {
        String dname = c.mangle(name);
        called.add(dname);
        HtmlContext out = output.get(dname);
        if (out != null) {
            return new TreeResult(out, dname);
        }
        ListNode t = template(name);
        if (t == null) {
            return new TreeResult(HtmlContext.error(new EscapeError(node, line,
                    "no such template " + GoFmt.quote(name, '"', false))), dname);
        }
        if (!dname.equals(name)) {
            ListNode dt = template(dname);
            if (dt == null) {
                dt = t.copy();
                derived.put(dname, dt);
            }
            t = dt;
        }
        return new TreeResult(computeOutCtx(c, t, dname), dname);
    }

    private HtmlContext computeOutCtx(HtmlContext c, ListNode t, String tname) {
        Object[] r = escapeTemplateBody(c, t, tname);
        HtmlContext c1 = (HtmlContext) r[0];
        boolean ok = (Boolean) r[1];
        if (!ok) {
            Object[] r2 = escapeTemplateBody(c1, t, tname);
            if ((Boolean) r2[1]) {
                c1 = (HtmlContext) r2[0];
                ok = true;
            }
        }
        if (!ok && c1.state() != State.Error) {
            return HtmlContext.error(new EscapeError(t, 0, "cannot compute output context for template " + tname));
        }
        return c1;
    }

    private interface Filter {
        boolean test(HtmlEscaper e1, HtmlContext c1);
    }

    private Object[] escapeTemplateBody(HtmlContext c, ListNode t, String tname) {
        Filter filter = (e1, c1) -> {
            if (c1.state() == State.Error) {
                return false;
            }
            if (!e1.called.contains(tname)) {
                return true;
            }
            return c.eq(c1);
        };
        output.put(tname, c);
        return escapeListConditionally(c, t, filter);
    }

    private Object[] escapeListConditionally(HtmlContext c, ListNode n, Filter filter) {
        HtmlEscaper e1 = new HtmlEscaper(set);
        e1.rangeContext = rangeContext;
        e1.output.putAll(output);
        e1.derived.putAll(derived);
        HtmlContext c1 = e1.escapeList(c, n);
        boolean ok = filter != null && filter.test(e1, c1);
        if (ok) {
            output.putAll(e1.output);
            derived.putAll(e1.derived);
            called.addAll(e1.called);
            actionEdits.putAll(e1.actionEdits);
            templateEdits.putAll(e1.templateEdits);
            textEdits.putAll(e1.textEdits);
        }
        return new Object[] {c1, ok};
    }

    private HtmlContext escapeList(HtmlContext c, ListNode n) {
        if (n == null) {
            return c;
        }
        for (Node m : n.nodes) {
            c = escape(c, m);
            if (c.state() == State.Dead) {
                break;
            }
        }
        return c;
    }

    private HtmlContext escape(HtmlContext c, Node n) {
        if (n instanceof ActionNode a) {
            return escapeAction(c, a);
        }
        if (n instanceof BreakNode) {
            if (rangeContext != null) {
                rangeContext.breaks.add(c);
                rangeContext.breakNodes.add(n);
            }
            return HtmlContext.of(State.Dead);
        }
        if (n instanceof ContinueNode) {
            if (rangeContext != null) {
                rangeContext.continues.add(c);
                rangeContext.continueNodes.add(n);
            }
            return HtmlContext.of(State.Dead);
        }
        if (n instanceof CommentNode) {
            return c;
        }
        if (n instanceof BranchNode b) {
            return escapeBranch(c, b, b.kind.word);
        }
        if (n instanceof ListNode l) {
            return escapeList(c, l);
        }
        if (n instanceof TemplateNode t) {
            TreeResult r = escapeTree(c, t, t.name, t.line);
            if (!r.name.equals(t.name)) {
                templateEdits.put(t, r.name);
            }
            return r.ctx;
        }
        if (n instanceof TextNode t) {
            return escapeText(c, t);
        }
        throw new IllegalStateException("escaping " + n + " is unimplemented");
    }

    private HtmlContext joinRange(HtmlContext c0, RangeContext rc) {
        for (int i = 0; i < rc.breaks.size(); i++) {
            Node bn = rc.breakNodes.get(i);
            c0 = join(c0, rc.breaks.get(i), bn, "range");
            if (c0.state() == State.Error) {
                c0.err().line = ((BreakNode) bn).line;
                c0.err().description = "at {{break}}: " + c0.err().description;
                return c0;
            }
        }
        for (int i = 0; i < rc.continues.size(); i++) {
            Node cn = rc.continueNodes.get(i);
            c0 = join(c0, rc.continues.get(i), cn, "range");
            if (c0.state() == State.Error) {
                c0.err().line = ((ContinueNode) cn).line;
                c0.err().description = "at {{continue}}: " + c0.err().description;
                return c0;
            }
        }
        return c0;
    }

    private HtmlContext escapeBranch(HtmlContext c, BranchNode n, String nodeName) {
        if (nodeName.equals("range")) {
            rangeContext = new RangeContext(rangeContext);
        }
        HtmlContext c0 = escapeList(c, n.list);
        if (nodeName.equals("range")) {
            if (c0.state() != State.Error) {
                c0 = joinRange(c0, rangeContext);
            }
            rangeContext = rangeContext.outer;
            if (c0.state() == State.Error) {
                return c0;
            }
            rangeContext = new RangeContext(rangeContext);
            HtmlContext c1 = (HtmlContext) escapeListConditionally(c0, n.list, null)[0];
            c0 = join(c0, c1, n, nodeName);
            if (c0.state() == State.Error) {
                rangeContext = rangeContext.outer;
                c0.err().line = n.line;
                c0.err().description = "on range loop re-entry: " + c0.err().description;
                return c0;
            }
            c0 = joinRange(c0, rangeContext);
            rangeContext = rangeContext.outer;
            if (c0.state() == State.Error) {
                return c0;
            }
        }
        HtmlContext c1 = escapeList(c, n.elseList);
        return join(c0, c1, n, nodeName);
    }

    private static HtmlContext join(HtmlContext a, HtmlContext b, Node node, String nodeName) {
        if (a.state() == State.Error) {
            return a;
        }
        if (b.state() == State.Error) {
            return b;
        }
        if (a.state() == State.Dead) {
            return b;
        }
        if (b.state() == State.Dead) {
            return a;
        }
        if (a.eq(b)) {
            return a;
        }
        HtmlContext c = a.withUrlPart(b.urlPart());
        if (c.eq(b)) {
            return c.withUrlPart(UrlPart.Unknown);
        }
        c = a.withJsCtx(b.jsCtx());
        if (c.eq(b)) {
            return c.withJsCtx(JsCtx.Unknown);
        }
        HtmlContext na = nudge(a);
        HtmlContext nb = nudge(b);
        if (!(na.eq(a) && nb.eq(b))) {
            HtmlContext e = join(na, nb, node, nodeName);
            if (e.state() != State.Error) {
                return e;
            }
        }
        return HtmlContext.error(new EscapeError(node, 0,
                "{{" + nodeName + "}} branches end in different contexts: " + a + ", " + b));
    }

    private static State attrStartState(Attr a) {
        return switch (a) {
            case None, ScriptType -> State.Attr;
            case Script -> State.JS;
            case Style -> State.CSS;
            case URL -> State.URL;
            case Srcset -> State.Srcset;
        };
    }

    static HtmlContext nudge(HtmlContext c) {
        switch (c.state()) {
            case Tag:
                return c.withState(State.AttrName);
            case BeforeValue:
                return new HtmlContext(attrStartState(c.attr()), Delim.SpaceOrTagEnd, c.urlPart(), c.jsCtx(),
                        Attr.None, c.element(), c.err());
            case AfterName:
                return new HtmlContext(State.AttrName, c.delim(), c.urlPart(), c.jsCtx(), Attr.None, c.element(),
                        c.err());
            default:
                return c;
        }
    }

    private HtmlContext escapeAction(HtmlContext c, ActionNode n) {
        if (!n.pipe.decl.isEmpty()) {
            return c;
        }
        c = nudge(c);
        for (int pos = 0; pos < n.pipe.cmds.size(); pos++) {
            CommandNode cmd = n.pipe.cmds.get(pos);
            if (cmd.args.get(0) instanceof IdentifierNode id && PREDEFINED.contains(id.ident)) {
                if (pos < n.pipe.cmds.size() - 1
                        || c.state() == State.Attr && c.delim() == Delim.SpaceOrTagEnd && id.ident.equals("html")) {
                    return HtmlContext.error(new EscapeError(n, n.line,
                            "predefined escaper " + GoFmt.quote(id.ident, '"', false) + " disallowed in template"));
                }
            }
        }
        List<String> s = new ArrayList<>(3);
        switch (c.state()) {
            case Error:
                return c;
            case URL, CSSDqStr, CSSSqStr, CSSDqURL, CSSSqURL, CSSURL:
                switch (c.urlPart()) {
                    case None:
                        s.add("_html_template_urlfilter");
                        // fall through
                    case PreQuery:
                        if (c.state() == State.CSSDqStr || c.state() == State.CSSSqStr) {
                            s.add("_html_template_cssescaper");
                        } else {
                            s.add("_html_template_urlnormalizer");
                        }
                        break;
                    case QueryOrFrag:
                        s.add("_html_template_urlescaper");
                        break;
                    case Unknown:
                        return HtmlContext.error(new EscapeError(n, n.line,
                                n + " appears in an ambiguous context within a URL"));
                    default:
                        break;
                }
                break;
            case JS:
                s.add("_html_template_jsvalescaper");
                c = c.withJsCtx(JsCtx.DivOp);
                break;
            case JSDqStr, JSSqStr:
                s.add("_html_template_jsstrescaper");
                break;
            case JSTmplLit:
                s.add("_html_template_jstmpllitescaper");
                break;
            case JSRegexp:
                s.add("_html_template_jsregexpescaper");
                break;
            case CSS:
                s.add("_html_template_cssvaluefilter");
                break;
            case Text:
                s.add("_html_template_htmlescaper");
                break;
            case RCDATA:
                s.add("_html_template_rcdataescaper");
                break;
            case Attr:
                break;
            case AttrName, Tag:
                c = c.withState(State.AttrName);
                s.add("_html_template_htmlnamefilter");
                break;
            case Srcset:
                s.add("_html_template_srcsetescaper");
                break;
            default:
                if (isComment(c.state())) {
                    s.add("_html_template_commentescaper");
                } else {
                    throw new IllegalStateException("unexpected state " + c.state());
                }
        }
        switch (c.delim()) {
            case None:
                break;
            case SpaceOrTagEnd:
                s.add("_html_template_nospaceescaper");
                break;
            default:
                s.add("_html_template_attrescaper");
        }
        actionEdits.put(n, s);
        return c;
    }

    static boolean isComment(State s) {
        return switch (s) {
            case HTMLCmt, JSBlockCmt, JSLineCmt, JSHTMLOpenCmt, JSHTMLCloseCmt, CSSBlockCmt, CSSLineCmt -> true;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- text

    /** A transition result: the new context and the number of chars consumed. */
    private record Step(HtmlContext c, int n) {
    }

    private HtmlContext escapeText(HtmlContext c, TextNode n) {
        String s = n.text;
        int written = 0;
        int i = 0;
        StringBuilder b = new StringBuilder();
        while (i != s.length()) {
            Step st = contextAfterText(c, s, i);
            HtmlContext c1 = st.c;
            int i1 = i + st.n;
            if (c.state() == State.Text || c.state() == State.RCDATA) {
                int end = i1;
                if (c1.state() != c.state()) {
                    for (int j = end - 1; j >= i; j--) {
                        if (s.charAt(j) == '<') {
                            end = j;
                            break;
                        }
                    }
                }
                for (int j = i; j < end; j++) {
                    if (s.charAt(j) == '<' && !s.regionMatches(true, j, "<!DOCTYPE", 0, 9)) {
                        b.append(s, written, j);
                        b.append("&lt;");
                        written = j + 1;
                    }
                }
            } else if (isComment(c.state()) && c.delim() == Delim.None) {
                switch (c.state()) {
                    case JSBlockCmt -> {
                        boolean newline = false;
                        for (int k = written; k < i1 && !newline; k++) {
                            char ch = s.charAt(k);
                            newline = ch == '\n' || ch == '\r' || ch == '\u2028' || ch == '\u2029';
                        }
                        b.append(newline ? '\n' : ' ');
                    }
                    case CSSBlockCmt -> b.append(' ');
                    default -> {
                    }
                }
                written = i1;
            }
            if (c.state() != c1.state() && isComment(c1.state()) && c1.delim() == Delim.None) {
                int cs = i1 - 2;
                if (c1.state() == State.HTMLCmt || c1.state() == State.JSHTMLOpenCmt) {
                    cs -= 2;
                } else if (c1.state() == State.JSHTMLCloseCmt) {
                    cs -= 1;
                }
                b.append(s, written, cs);
                written = i1;
            }
            if (i == i1 && c.state() == c1.state()) {
                throw new IllegalStateException("infinite loop from " + c + " to " + c1);
            }
            c = c1;
            i = i1;
        }
        if (written != 0 && c.state() != State.Error) {
            if (!isComment(c.state()) || c.delim() != Delim.None) {
                b.append(s, written, s.length());
            }
            textEdits.put(n, b.toString());
        }
        return c;
    }

    private static int indexAny(String s, int from, int to, String chars) {
        for (int i = from; i < to; i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(String s, int from, int to, String needle) {
        int i = s.indexOf(needle, from);
        return i >= 0 && i + needle.length() <= to ? i : -1;
    }

    private static int indexOf(String s, int from, int to, char ch) {
        int i = s.indexOf(ch, from);
        return i >= 0 && i < to ? i : -1;
    }

    /** The context after the text s[p:] and the number of chars consumed. */
    private Step contextAfterText(HtmlContext c, String s, int p) {
        int e = s.length();
        if (c.delim() == Delim.None) {
            Step st = tSpecialTagEnd(c, s, p, e);
            if (st.n == 0) {
                return st;
            }
            return transition(c, s, p, p + st.n);
        }
        String ends = switch (c.delim()) {
            case DoubleQuote -> "\"";
            case SingleQuote -> "'";
            default -> " \t\n\f\r>";
        };
        int i = indexAny(s, p, e, ends);
        if (i == -1) {
            i = e;
        }
        if (c.delim() == Delim.SpaceOrTagEnd) {
            int j = indexAny(s, p, i, "\"'<=`");
            if (j >= 0) {
                return new Step(HtmlContext.error(new EscapeError(null, 0,
                        GoFmt.quote(s.substring(j, j + 1), '"', false) + " in unquoted attr: "
                                + GoFmt.quote(s.substring(p, i), '"', false))), e - p);
            }
        }
        if (i == e) {
            String u = unescapeHtml(s.substring(p));
            int k = 0;
            while (k < u.length()) {
                Step st = transition(c, u, k, u.length());
                c = st.c;
                k += st.n;
            }
            return new Step(c, e - p);
        }
        Element element = c.element();
        if (c.state() == State.Attr && c.element() == Element.Script && c.attr() == Attr.ScriptType
                && !isJSType(s.substring(p, i))) {
            element = Element.None;
        }
        if (c.delim() != Delim.SpaceOrTagEnd) {
            i++;
        }
        return new Step(HtmlContext.of(State.Tag, element), i - p);
    }

    /** Applies the transition function of c's state to s[p:e]. */
    private static Step transition(HtmlContext c, String s, int p, int e) {
        return switch (c.state()) {
            case Text -> tText(c, s, p, e);
            case Tag -> tTag(c, s, p, e);
            case AttrName -> tAttrName(c, s, p, e);
            case AfterName -> tAfterName(c, s, p, e);
            case BeforeValue -> tBeforeValue(c, s, p, e);
            case HTMLCmt -> tHTMLCmt(c, s, p, e);
            case RCDATA -> tSpecialTagEnd(c, s, p, e);
            case Attr -> new Step(c, e - p);
            case URL, Srcset -> tURL(c, s, p, e);
            case JS -> tJS(c, s, p, e);
            case JSDqStr, JSSqStr, JSRegexp -> tJSDelimited(c, s, p, e);
            case JSTmplLit -> tJSTmpl(c, s, p, e);
            case JSBlockCmt, CSSBlockCmt -> tBlockCmt(c, s, p, e);
            case JSLineCmt, CSSLineCmt, JSHTMLOpenCmt, JSHTMLCloseCmt -> tLineCmt(c, s, p, e);
            case CSS -> tCSS(c, s, p, e);
            case CSSDqStr, CSSSqStr, CSSDqURL, CSSSqURL, CSSURL -> tCSSStr(c, s, p, e);
            case Error, Dead -> new Step(c, e - p);
        };
    }

    private static boolean asciiAlpha(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }

    private static boolean asciiAlphaNum(char c) {
        return asciiAlpha(c) || c >= '0' && c <= '9';
    }

    private static Step tText(HtmlContext c, String s, int p, int e) {
        int k = p;
        while (true) {
            int i = indexOf(s, k, e, '<');
            if (i < 0 || i + 1 == e) {
                return new Step(c, e - p);
            } else if (i + 4 <= e && s.startsWith("<!--", i)) {
                return new Step(HtmlContext.of(State.HTMLCmt), i + 4 - p);
            }
            i++;
            boolean end = false;
            if (s.charAt(i) == '/') {
                if (i + 1 == e) {
                    return new Step(c, e - p);
                }
                end = true;
                i++;
            }
            int j = i;
            Element el = Element.None;
            if (j < e && asciiAlpha(s.charAt(j))) {
                j++;
                while (j < e) {
                    char x = s.charAt(j);
                    if (asciiAlphaNum(x)) {
                        j++;
                        continue;
                    }
                    if ((x == ':' || x == '-') && j + 1 < e && asciiAlphaNum(s.charAt(j + 1))) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                el = switch (s.substring(i, j).toLowerCase(Locale.ROOT)) {
                    case "script" -> Element.Script;
                    case "style" -> Element.Style;
                    case "textarea" -> Element.Textarea;
                    case "title" -> Element.Title;
                    default -> Element.None;
                };
            }
            if (j != i) {
                if (end) {
                    el = Element.None;
                }
                return new Step(HtmlContext.of(State.Tag, el), j - p);
            }
            k = j;
        }
    }

    private static int eatWhiteSpace(String s, int i, int e) {
        for (int j = i; j < e; j++) {
            char c = s.charAt(j);
            if (!(c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r')) {
                return j;
            }
        }
        return e;
    }

    /** Returns the end of the attribute name, or -1 - index of a bad character. */
    private static int eatAttrName(String s, int i, int e) {
        for (int j = i; j < e; j++) {
            switch (s.charAt(j)) {
                case ' ', '\t', '\n', '\f', '\r', '=', '>':
                    return j;
                case '\'', '"', '<':
                    return -1 - j;
                default:
                    break;
            }
        }
        return e;
    }

    private static String truncate32(String s) {
        return s.codePointCount(0, s.length()) > 32 ? s.substring(0, s.offsetByCodePoints(0, 32)) : s;
    }

    private static Step badAttrName(String s, int p, int e, int bad) {
        return new Step(HtmlContext.error(new EscapeError(null, 0, GoFmt.quote(s.substring(bad, bad + 1), '"', false)
                + " in attribute name: " + GoFmt.quote(truncate32(s.substring(p, e)), '"', false))), e - p);
    }

    private static Step tTag(HtmlContext c, String s, int p, int e) {
        int i = eatWhiteSpace(s, p, e);
        if (i == e) {
            return new Step(c, e - p);
        }
        if (s.charAt(i) == '>') {
            State st = switch (c.element()) {
                case Script -> State.JS;
                case Style -> State.CSS;
                case Textarea, Title -> State.RCDATA;
                default -> State.Text;
            };
            return new Step(HtmlContext.of(st, c.element()), i + 1 - p);
        }
        int j = eatAttrName(s, i, e);
        if (j < 0) {
            return badAttrName(s, p, e, -1 - j);
        }
        if (i == j) {
            return new Step(HtmlContext.error(new EscapeError(null, 0,
                    "expected space, attr name, or end of tag, but got " + GoFmt.quote(s.substring(i, e), '"', false))),
                    e - p);
        }
        String attrName = s.substring(i, j).toLowerCase(Locale.ROOT);
        Attr attr = Attr.None;
        if (c.element() == Element.Script && attrName.equals("type")) {
            attr = Attr.ScriptType;
        } else {
            switch (attrType(attrName)) {
                case URL -> attr = Attr.URL;
                case CSS -> attr = Attr.Style;
                case JS -> attr = Attr.Script;
                case SRCSET -> attr = Attr.Srcset;
                default -> {
                }
            }
        }
        State state = j == e ? State.AttrName : State.AfterName;
        return new Step(new HtmlContext(state, Delim.None, UrlPart.None, JsCtx.Regexp, attr, c.element(), null),
                j - p);
    }

    private static Step tAttrName(HtmlContext c, String s, int p, int e) {
        int i = eatAttrName(s, p, e);
        if (i < 0) {
            return badAttrName(s, p, e, -1 - i);
        } else if (i != e) {
            c = c.withState(State.AfterName);
        }
        return new Step(c, i - p);
    }

    private static Step tAfterName(HtmlContext c, String s, int p, int e) {
        int i = eatWhiteSpace(s, p, e);
        if (i == e) {
            return new Step(c, e - p);
        } else if (s.charAt(i) != '=') {
            return new Step(c.withState(State.Tag), i - p);
        }
        return new Step(c.withState(State.BeforeValue), i + 1 - p);
    }

    private static Step tBeforeValue(HtmlContext c, String s, int p, int e) {
        int i = eatWhiteSpace(s, p, e);
        if (i == e) {
            return new Step(c, e - p);
        }
        Delim delim = Delim.SpaceOrTagEnd;
        if (s.charAt(i) == '\'') {
            delim = Delim.SingleQuote;
            i++;
        } else if (s.charAt(i) == '"') {
            delim = Delim.DoubleQuote;
            i++;
        }
        return new Step(c.withState(attrStartState(c.attr())).withDelim(delim), i - p);
    }

    private static Step tHTMLCmt(HtmlContext c, String s, int p, int e) {
        int i = indexOf(s, p, e, "-->");
        if (i != -1) {
            return new Step(HtmlContext.TEXT, i + 3 - p);
        }
        return new Step(c, e - p);
    }

    private static Step tSpecialTagEnd(HtmlContext c, String s, int p, int e) {
        if (c.element() != Element.None) {
            String tag = switch (c.element()) {
                case Script -> "script";
                case Style -> "style";
                case Textarea -> "textarea";
                default -> "title";
            };
            int i = indexTagEnd(s, p, e, tag);
            if (i != -1) {
                return new Step(HtmlContext.TEXT, i - p);
            }
        }
        return new Step(c, e - p);
    }

    /** Index of a case-insensitive {@code </tag} followed by a separator in s[p:e], or -1. */
    private static int indexTagEnd(String s, int p, int e, String tag) {
        int k = p;
        while (k < e) {
            int i = indexOf(s, k, e, "</");
            if (i == -1) {
                return -1;
            }
            int t = i + 2;
            if (t + tag.length() <= e && s.regionMatches(true, t, tag, 0, tag.length())) {
                int after = t + tag.length();
                if (after < e && "> \t\n\f/".indexOf(s.charAt(after)) != -1) {
                    return i;
                }
                k = after;
            } else {
                k = t;
            }
        }
        return -1;
    }

    private static Step tURL(HtmlContext c, String s, int p, int e) {
        if (indexAny(s, p, e, "#?") >= 0) {
            c = c.withUrlPart(UrlPart.QueryOrFrag);
        } else if (e != eatWhiteSpace(s, p, e) && c.urlPart() == UrlPart.None) {
            c = c.withUrlPart(UrlPart.PreQuery);
        }
        return new Step(c, e - p);
    }

    private static final Set<String> REGEXP_PRECEDERS = Set.of("break", "case", "continue", "delete", "do",
            "else", "finally", "in", "instanceof", "return", "throw", "try", "typeof", "void");

    private static boolean isJSWhitespace(char c) {
        return c == '\t' || c == '\n' || c == 11 || c == '\f' || c == '\r' || c == ' ' || c == 0xA0 || c == 0x1680
                || c >= 0x2000 && c <= 0x200A || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000 || c == 0xFEFF;
    }

    /** The JS context after the tokens in s[p:n]. */
    static JsCtx nextJSCtx(String s, int p, int n, JsCtx preceding) {
        while (n > p && isJSWhitespace(s.charAt(n - 1))) {
            n--;
        }
        if (n == p) {
            return preceding;
        }
        char c = s.charAt(n - 1);
        switch (c) {
            case '+', '-': {
                int start = n - 1;
                while (start > p && s.charAt(start - 1) == c) {
                    start--;
                }
                if (((n - start) & 1) == 1) {
                    return JsCtx.Regexp;
                }
                return JsCtx.DivOp;
            }
            case '.':
                if (n - p != 1 && s.charAt(n - 2) >= '0' && s.charAt(n - 2) <= '9') {
                    return JsCtx.DivOp;
                }
                return JsCtx.Regexp;
            case ',', '<', '>', '=', '*', '%', '&', '|', '^', '?', '!', '~', '(', '[', ':', ';', '{', '}':
                return JsCtx.Regexp;
            default: {
                int j = n;
                while (j > p && HtmlFuncs.isJSIdentPart(s.charAt(j - 1))) {
                    j--;
                }
                if (REGEXP_PRECEDERS.contains(s.substring(j, n))) {
                    return JsCtx.Regexp;
                }
                return JsCtx.DivOp;
            }
        }
    }

    private static Step tJS(HtmlContext c, String s, int p, int e) {
        int i = indexAny(s, p, e, "\"'`/<-");
        while (i != -1) {
            char ch = s.charAt(i);
            if (ch == '<' && !(i + 4 <= e && s.startsWith("<!--", i))
                    || ch == '-' && !(i + 3 <= e && s.startsWith("-->", i))) {
                i = indexAny(s, i + 1, e, "\"'`/<-");
                continue;
            }
            break;
        }
        if (i == -1) {
            return new Step(c.withJsCtx(nextJSCtx(s, p, e, c.jsCtx())), e - p);
        }
        c = c.withJsCtx(nextJSCtx(s, p, i, c.jsCtx()));
        switch (s.charAt(i)) {
            case '"':
                c = c.withState(State.JSDqStr).withJsCtx(JsCtx.Regexp);
                break;
            case '\'':
                c = c.withState(State.JSSqStr).withJsCtx(JsCtx.Regexp);
                break;
            case '`':
                c = c.withState(State.JSTmplLit).withJsCtx(JsCtx.Regexp);
                break;
            case '<':
                return new Step(c.withState(State.JSHTMLOpenCmt), i + 4 - p);
            case '-':
                return new Step(c.withState(State.JSHTMLCloseCmt), i + 3 - p);
            default: // '/'
                if (i + 1 < e && s.charAt(i + 1) == '/') {
                    c = c.withState(State.JSLineCmt);
                    i++;
                } else if (i + 1 < e && s.charAt(i + 1) == '*') {
                    c = c.withState(State.JSBlockCmt);
                    i++;
                } else if (c.jsCtx() == JsCtx.Regexp) {
                    c = c.withState(State.JSRegexp);
                } else if (c.jsCtx() == JsCtx.DivOp) {
                    c = c.withJsCtx(JsCtx.Regexp);
                } else {
                    return new Step(HtmlContext.error(new EscapeError(null, 0,
                            "'/' could start a division or regexp: "
                                    + GoFmt.quote(truncate32(s.substring(i, e)), '"', false))), e - p);
                }
        }
        return new Step(c, i + 1 - p);
    }

    private static Step tJSTmpl(HtmlContext c, String s, int p, int e) {
        int k = p;
        while (true) {
            int i = indexAny(s, k, e, "`\\");
            if (i == -1) {
                return new Step(c, e - p);
            }
            if (s.charAt(i) == '\\') {
                i++;
                if (i == e) {
                    return new Step(HtmlContext.error(new EscapeError(null, 0,
                            "unfinished escape sequence in JS string: " + GoFmt.quote(s.substring(p, e), '"', false))),
                            e - p);
                }
            } else {
                return new Step(c.withState(State.JS).withJsCtx(JsCtx.DivOp), i + 1 - p);
            }
            k = i + 1;
        }
    }

    private static Step tJSDelimited(HtmlContext c, String s, int p, int e) {
        String specials = switch (c.state()) {
            case JSSqStr -> "\\'";
            case JSRegexp -> "\\/[]";
            default -> "\\\"";
        };
        int k = p;
        boolean inCharset = false;
        while (true) {
            int i = indexAny(s, k, e, specials);
            if (i == -1) {
                break;
            }
            switch (s.charAt(i)) {
                case '\\' -> {
                    i++;
                    if (i == e) {
                        return new Step(HtmlContext.error(new EscapeError(null, 0,
                                "unfinished escape sequence in JS string: "
                                        + GoFmt.quote(s.substring(p, e), '"', false))), e - p);
                    }
                }
                case '[' -> inCharset = true;
                case ']' -> inCharset = false;
                default -> {
                    if (!inCharset) {
                        return new Step(c.withState(State.JS).withJsCtx(JsCtx.DivOp), i + 1 - p);
                    }
                }
            }
            k = i + 1;
        }
        if (inCharset) {
            return new Step(HtmlContext.error(new EscapeError(null, 0,
                    "unfinished JS regexp charset: " + GoFmt.quote(s.substring(p, e), '"', false))), e - p);
        }
        return new Step(c, e - p);
    }

    private static Step tBlockCmt(HtmlContext c, String s, int p, int e) {
        int i = indexOf(s, p, e, "*/");
        if (i == -1) {
            return new Step(c, e - p);
        }
        return new Step(c.withState(c.state() == State.JSBlockCmt ? State.JS : State.CSS), i + 2 - p);
    }

    private static Step tLineCmt(HtmlContext c, String s, int p, int e) {
        String terminators;
        State endState;
        if (c.state() == State.CSSLineCmt) {
            terminators = "\n\f\r";
            endState = State.CSS;
        } else {
            terminators = "\n\r\u2028\u2029";
            endState = State.JS;
        }
        int i = indexAny(s, p, e, terminators);
        if (i == -1) {
            return new Step(c, e - p);
        }
        return new Step(c.withState(endState), i - p);
    }

    private static boolean isCSSSpace(char c) {
        return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
    }

    /** Whether s[p:n] ends with the CSS keyword kw (case-insensitive, not preceded by a name char). */
    private static boolean endsWithCSSKeyword(String s, int p, int n, String kw) {
        int i = n - kw.length();
        if (i < p) {
            return false;
        }
        if (i != p) {
            char r = s.charAt(i - 1);
            if (r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
                    || r >= 0x80) {
                return false;
            }
        }
        return s.regionMatches(true, i, kw, 0, kw.length());
    }

    private static Step tCSS(HtmlContext c, String s, int p, int e) {
        int k = p;
        while (true) {
            int i = indexAny(s, k, e, "(\"'/");
            if (i == -1) {
                return new Step(c, e - p);
            }
            switch (s.charAt(i)) {
                case '(' -> {
                    int n = i;
                    while (n > p && isCSSSpace(s.charAt(n - 1))) {
                        n--;
                    }
                    if (endsWithCSSKeyword(s, p, n, "url")) {
                        int j = i + 1;
                        while (j < e && isCSSSpace(s.charAt(j))) {
                            j++;
                        }
                        if (j != e && s.charAt(j) == '"') {
                            return new Step(c.withState(State.CSSDqURL), j + 1 - p);
                        } else if (j != e && s.charAt(j) == '\'') {
                            return new Step(c.withState(State.CSSSqURL), j + 1 - p);
                        }
                        return new Step(c.withState(State.CSSURL), j - p);
                    }
                }
                case '/' -> {
                    if (i + 1 < e) {
                        if (s.charAt(i + 1) == '/') {
                            return new Step(c.withState(State.CSSLineCmt), i + 2 - p);
                        } else if (s.charAt(i + 1) == '*') {
                            return new Step(c.withState(State.CSSBlockCmt), i + 2 - p);
                        }
                    }
                }
                case '"' -> {
                    return new Step(c.withState(State.CSSDqStr), i + 1 - p);
                }
                default -> {
                    return new Step(c.withState(State.CSSSqStr), i + 1 - p);
                }
            }
            k = i + 1;
        }
    }

    private static Step tCSSStr(HtmlContext c, String s, int p, int e) {
        String endAndEsc = switch (c.state()) {
            case CSSDqStr, CSSDqURL -> "\\\"";
            case CSSSqStr, CSSSqURL -> "\\'";
            default -> "\\\t\n\f\r )";
        };
        int k = p;
        while (true) {
            int i = indexAny(s, k, e, endAndEsc);
            if (i == -1) {
                String d = HtmlFuncs.decodeCSS(s.substring(k, e));
                return new Step(tURL(c, d, 0, d.length()).c, e - p);
            }
            if (s.charAt(i) == '\\') {
                i++;
                if (i == e) {
                    return new Step(HtmlContext.error(new EscapeError(null, 0,
                            "unfinished escape sequence in CSS string: " + GoFmt.quote(s.substring(p, e), '"', false))),
                            e - p);
                }
            } else {
                return new Step(c.withState(State.CSS), i + 1 - p);
            }
            String d = HtmlFuncs.decodeCSS(s.substring(p, i + 1));
            c = tURL(c, d, 0, d.length()).c;
            k = i + 1;
        }
    }

    static boolean isJSType(String mimeType) {
        int semi = mimeType.indexOf(';');
        if (semi >= 0) {
            mimeType = mimeType.substring(0, semi);
        }
        mimeType = mimeType.toLowerCase(Locale.ROOT).strip();
        return switch (mimeType) {
            case "application/ecmascript", "application/javascript", "application/json", "application/ld+json",
                    "application/x-ecmascript", "application/x-javascript", "module", "text/ecmascript",
                    "text/javascript", "text/javascript1.0", "text/javascript1.1", "text/javascript1.2",
                    "text/javascript1.3", "text/javascript1.4", "text/javascript1.5", "text/jscript",
                    "text/livescript", "text/x-ecmascript", "text/x-javascript" -> true;
            default -> false;
        };
    }

    private static final Map<String, String> ENTITIES = Map.ofEntries(
            Map.entry("quot", "\""), Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"),
            Map.entry("apos", "'"), Map.entry("nbsp", "\u00a0"), Map.entry("copy", "\u00a9"),
            Map.entry("reg", "\u00ae"), Map.entry("hellip", "\u2026"), Map.entry("mdash", "\u2014"),
            Map.entry("ndash", "\u2013"), Map.entry("lsquo", "\u2018"), Map.entry("rsquo", "\u2019"),
            Map.entry("ldquo", "\u201c"), Map.entry("rdquo", "\u201d"), Map.entry("middot", "\u00b7"),
            Map.entry("bull", "\u2022"), Map.entry("colon", ":"), Map.entry("sol", "/"), Map.entry("lpar", "("),
            Map.entry("rpar", ")"), Map.entry("semi", ";"), Map.entry("comma", ","), Map.entry("period", "."),
            Map.entry("excl", "!"), Map.entry("quest", "?"), Map.entry("num", "#"), Map.entry("equals", "="),
            Map.entry("Tab", "\t"), Map.entry("NewLine", "\n"));

    /** A subset of Go's {@code html.UnescapeString}: numeric references and common named entities. */
    static String unescapeHtml(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '&') {
                b.append(c);
                i++;
                continue;
            }
            int j = i + 1;
            if (j < s.length() && s.charAt(j) == '#') {
                j++;
                boolean hex = j < s.length() && (s.charAt(j) == 'x' || s.charAt(j) == 'X');
                if (hex) {
                    j++;
                }
                int start = j;
                while (j < s.length() && (hex ? Character.digit(s.charAt(j), 16) >= 0
                        : s.charAt(j) >= '0' && s.charAt(j) <= '9')) {
                    j++;
                }
                if (j > start) {
                    int cp;
                    try {
                        cp = Integer.parseInt(s.substring(start, Math.min(j, start + 8)), hex ? 16 : 10);
                    } catch (NumberFormatException e) {
                        cp = 0xFFFD;
                    }
                    if (cp == 0 || cp > Character.MAX_CODE_POINT || cp >= 0xD800 && cp <= 0xDFFF) {
                        cp = 0xFFFD;
                    }
                    b.appendCodePoint(cp);
                    if (j < s.length() && s.charAt(j) == ';') {
                        j++;
                    }
                    i = j;
                    continue;
                }
            } else {
                int start = j;
                while (j < s.length() && asciiAlphaNum(s.charAt(j))) {
                    j++;
                }
                String name = s.substring(start, j);
                String rep = ENTITIES.get(name);
                if (rep != null) {
                    b.append(rep);
                    if (j < s.length() && s.charAt(j) == ';') {
                        j++;
                    }
                    i = j;
                    continue;
                }
            }
            b.append('&');
            i++;
        }
        return b.toString();
    }
}
