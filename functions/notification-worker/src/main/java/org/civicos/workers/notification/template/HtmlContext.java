package org.civicos.workers.notification.template;

/** html/template's parse context: where in the HTML document an action or text appears. */
record HtmlContext(State state, Delim delim, UrlPart urlPart, JsCtx jsCtx, Attr attr, Element element,
        EscapeError err) {

    static final HtmlContext TEXT = new HtmlContext(State.Text, Delim.None, UrlPart.None, JsCtx.Regexp, Attr.None,
            Element.None, null);

    enum State {
        Text, Tag, AttrName, AfterName, BeforeValue, HTMLCmt, RCDATA, Attr, URL, Srcset, JS, JSDqStr, JSSqStr,
        JSTmplLit, JSRegexp, JSBlockCmt, JSLineCmt, JSHTMLOpenCmt, JSHTMLCloseCmt, CSS, CSSDqStr, CSSSqStr,
        CSSDqURL, CSSSqURL, CSSURL, CSSBlockCmt, CSSLineCmt, Error, Dead;

        @Override
        public String toString() {
            return "state" + name();
        }
    }

    enum Delim {
        None, DoubleQuote, SingleQuote, SpaceOrTagEnd;

        @Override
        public String toString() {
            return "delim" + name();
        }
    }

    enum UrlPart {
        None, PreQuery, QueryOrFrag, Unknown;

        @Override
        public String toString() {
            return "urlPart" + name();
        }
    }

    enum JsCtx {
        Regexp, DivOp, Unknown;

        @Override
        public String toString() {
            return "jsCtx" + name();
        }
    }

    enum Attr {
        None, Script, ScriptType, Style, URL, Srcset;

        @Override
        public String toString() {
            return "attr" + name();
        }
    }

    enum Element {
        None, Script, Style, Textarea, Title;

        @Override
        public String toString() {
            return "element" + name();
        }
    }

    /** A mutable escaper error, as Go's {@code *html/template.Error}. */
    static final class EscapeError {
        final Node node;
        String name;
        int line;
        String description;

        EscapeError(Node node, int line, String description) {
            this.node = node;
            this.line = line;
            this.description = description;
        }

        String message(String source, String parseName) {
            if (node != null) {
                int pos = Math.min(node.pos, source.length());
                int lineStart = source.lastIndexOf('\n', pos - 1) + 1;
                int ln = 1;
                for (int i = 0; i < lineStart; i++) {
                    if (source.charAt(i) == '\n') {
                        ln++;
                    }
                }
                int col = GoValues.utf8Length(source, lineStart, pos);
                return "html/template:" + parseName + ":" + ln + ":" + col + ": " + description;
            }
            if (line != 0) {
                return "html/template:" + name + ":" + line + ": " + description;
            }
            if (name != null && !name.isEmpty()) {
                return "html/template:" + name + ": " + description;
            }
            return "html/template: " + description;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    static HtmlContext error(EscapeError e) {
        return new HtmlContext(State.Error, Delim.None, UrlPart.None, JsCtx.Regexp, Attr.None, Element.None, e);
    }

    static HtmlContext of(State s) {
        return new HtmlContext(s, Delim.None, UrlPart.None, JsCtx.Regexp, Attr.None, Element.None, null);
    }

    static HtmlContext of(State s, Element e) {
        return new HtmlContext(s, Delim.None, UrlPart.None, JsCtx.Regexp, Attr.None, e, null);
    }

    HtmlContext withState(State s) {
        return new HtmlContext(s, delim, urlPart, jsCtx, attr, element, err);
    }

    HtmlContext withDelim(Delim d) {
        return new HtmlContext(state, d, urlPart, jsCtx, attr, element, err);
    }

    HtmlContext withUrlPart(UrlPart u) {
        return new HtmlContext(state, delim, u, jsCtx, attr, element, err);
    }

    HtmlContext withJsCtx(JsCtx j) {
        return new HtmlContext(state, delim, urlPart, j, attr, element, err);
    }

    HtmlContext withAttr(Attr a) {
        return new HtmlContext(state, delim, urlPart, jsCtx, a, element, err);
    }

    boolean eq(HtmlContext o) {
        return state == o.state && delim == o.delim && urlPart == o.urlPart && jsCtx == o.jsCtx && attr == o.attr
                && element == o.element && err == o.err;
    }

    /** The name of a template specialised for this context. */
    String mangle(String templateName) {
        if (state == State.Text) {
            return templateName;
        }
        StringBuilder s = new StringBuilder(templateName).append("$htmltemplate_").append(state);
        if (delim != Delim.None) {
            s.append('_').append(delim);
        }
        if (urlPart != UrlPart.None) {
            s.append('_').append(urlPart);
        }
        if (jsCtx != JsCtx.Regexp) {
            s.append('_').append(jsCtx);
        }
        if (attr != Attr.None) {
            s.append('_').append(attr);
        }
        if (element != Element.None) {
            s.append('_').append(element);
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return "{" + state + " " + delim + " " + urlPart + " " + jsCtx + " " + attr + " " + element + " "
                + (err == null ? "<nil>" : err.description) + "}";
    }
}
