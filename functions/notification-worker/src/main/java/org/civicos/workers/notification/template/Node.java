package org.civicos.workers.notification.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Parse tree nodes. {@code pos} is a char offset into the template source; {@link #toString()} prints the node
 * back in template syntax, as Go's error messages do. Trees are built by the {@link Parser}, possibly rewritten
 * by the {@link HtmlEscaper} before being published, and never modified afterwards.
 */
abstract class Node {
    final int pos;

    Node(int pos) {
        this.pos = pos;
    }

    abstract Node copy();

    static final class ListNode extends Node {
        final List<Node> nodes = new ArrayList<>();

        ListNode(int pos) {
            super(pos);
        }

        @Override
        ListNode copy() {
            ListNode l = new ListNode(pos);
            for (Node n : nodes) {
                l.nodes.add(n.copy());
            }
            return l;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (Node n : nodes) {
                b.append(n);
            }
            return b.toString();
        }
    }

    static final class TextNode extends Node {
        String text;

        TextNode(int pos, String text) {
            super(pos);
            this.text = text;
        }

        @Override
        TextNode copy() {
            return new TextNode(pos, text);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    static final class CommentNode extends Node {
        final String text;

        CommentNode(int pos, String text) {
            super(pos);
            this.text = text;
        }

        @Override
        CommentNode copy() {
            return this;
        }

        @Override
        public String toString() {
            return "{{" + text + "}}";
        }
    }

    static final class ActionNode extends Node {
        final int line;
        final PipeNode pipe;

        ActionNode(int pos, int line, PipeNode pipe) {
            super(pos);
            this.line = line;
            this.pipe = pipe;
        }

        @Override
        ActionNode copy() {
            return new ActionNode(pos, line, pipe.copy());
        }

        @Override
        public String toString() {
            return "{{" + pipe + "}}";
        }
    }

    static final class PipeNode extends Node {
        final int line;
        boolean isAssign;
        final List<VariableNode> decl = new ArrayList<>();
        List<CommandNode> cmds = new ArrayList<>();

        PipeNode(int pos, int line) {
            super(pos);
            this.line = line;
        }

        @Override
        PipeNode copy() {
            PipeNode p = new PipeNode(pos, line);
            p.isAssign = isAssign;
            for (VariableNode v : decl) {
                p.decl.add(v.copy());
            }
            for (CommandNode c : cmds) {
                p.cmds.add(c.copy());
            }
            return p;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            if (!decl.isEmpty()) {
                for (int i = 0; i < decl.size(); i++) {
                    if (i > 0) {
                        b.append(", ");
                    }
                    b.append(decl.get(i));
                }
                b.append(isAssign ? " = " : " := ");
            }
            for (int i = 0; i < cmds.size(); i++) {
                if (i > 0) {
                    b.append(" | ");
                }
                b.append(cmds.get(i));
            }
            return b.toString();
        }
    }

    static final class CommandNode extends Node {
        final List<Node> args = new ArrayList<>();

        CommandNode(int pos) {
            super(pos);
        }

        @Override
        CommandNode copy() {
            CommandNode c = new CommandNode(pos);
            for (Node a : args) {
                c.args.add(a.copy());
            }
            return c;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < args.size(); i++) {
                if (i > 0) {
                    b.append(' ');
                }
                Node a = args.get(i);
                if (a instanceof PipeNode) {
                    b.append('(').append(a).append(')');
                } else {
                    b.append(a);
                }
            }
            return b.toString();
        }
    }

    static final class IdentifierNode extends Node {
        final String ident;

        IdentifierNode(int pos, String ident) {
            super(pos);
            this.ident = ident;
        }

        @Override
        IdentifierNode copy() {
            return this;
        }

        @Override
        public String toString() {
            return ident;
        }
    }

    static final class VariableNode extends Node {
        final List<String> ident;

        VariableNode(int pos, String name) {
            super(pos);
            this.ident = List.of(name.split("\\.", -1));
        }

        @Override
        VariableNode copy() {
            return this;
        }

        @Override
        public String toString() {
            return String.join(".", ident);
        }
    }

    static final class FieldNode extends Node {
        final List<String> ident;

        FieldNode(int pos, String text) {
            super(pos);
            this.ident = List.of(text.substring(1).split("\\.", -1));
        }

        @Override
        FieldNode copy() {
            return this;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (String s : ident) {
                b.append('.').append(s);
            }
            return b.toString();
        }
    }

    static final class ChainNode extends Node {
        final Node node;
        final List<String> field = new ArrayList<>();

        ChainNode(int pos, Node node) {
            super(pos);
            this.node = node;
        }

        void add(String f) {
            field.add(f.substring(1));
        }

        @Override
        ChainNode copy() {
            ChainNode c = new ChainNode(pos, node.copy());
            c.field.addAll(field);
            return c;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            if (node instanceof PipeNode) {
                b.append('(').append(node).append(')');
            } else {
                b.append(node);
            }
            for (String f : field) {
                b.append('.').append(f);
            }
            return b.toString();
        }
    }

    static final class DotNode extends Node {
        DotNode(int pos) {
            super(pos);
        }

        @Override
        DotNode copy() {
            return this;
        }

        @Override
        public String toString() {
            return ".";
        }
    }

    static final class NilNode extends Node {
        NilNode(int pos) {
            super(pos);
        }

        @Override
        NilNode copy() {
            return this;
        }

        @Override
        public String toString() {
            return "nil";
        }
    }

    static final class BoolNode extends Node {
        final boolean value;

        BoolNode(int pos, boolean value) {
            super(pos);
            this.value = value;
        }

        @Override
        BoolNode copy() {
            return this;
        }

        @Override
        public String toString() {
            return value ? "true" : "false";
        }
    }

    static final class NumberNode extends Node {
        final String text;
        boolean isInt;
        boolean isUint;
        boolean isFloat;
        boolean isComplex;
        long int64;
        double float64;

        NumberNode(int pos, String text) {
            super(pos);
            this.text = text;
        }

        @Override
        NumberNode copy() {
            return this;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    static final class StringNode extends Node {
        final String quoted;
        final String text;

        StringNode(int pos, String quoted, String text) {
            super(pos);
            this.quoted = quoted;
            this.text = text;
        }

        @Override
        StringNode copy() {
            return this;
        }

        @Override
        public String toString() {
            return quoted;
        }
    }

    enum BranchKind {
        IF("if"), RANGE("range"), WITH("with");

        final String word;

        BranchKind(String word) {
            this.word = word;
        }
    }

    static final class BranchNode extends Node {
        final BranchKind kind;
        final int line;
        final PipeNode pipe;
        final ListNode list;
        final ListNode elseList;

        BranchNode(BranchKind kind, int pos, int line, PipeNode pipe, ListNode list, ListNode elseList) {
            super(pos);
            this.kind = kind;
            this.line = line;
            this.pipe = pipe;
            this.list = list;
            this.elseList = elseList;
        }

        @Override
        BranchNode copy() {
            return new BranchNode(kind, pos, line, pipe.copy(), list.copy(), elseList == null ? null : elseList.copy());
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("{{").append(kind.word).append(' ').append(pipe).append("}}")
                    .append(list);
            if (elseList != null) {
                b.append("{{else}}").append(elseList);
            }
            return b.append("{{end}}").toString();
        }
    }

    static final class TemplateNode extends Node {
        final int line;
        String name;
        final PipeNode pipe;

        TemplateNode(int pos, int line, String name, PipeNode pipe) {
            super(pos);
            this.line = line;
            this.name = name;
            this.pipe = pipe;
        }

        @Override
        TemplateNode copy() {
            return new TemplateNode(pos, line, name, pipe == null ? null : pipe.copy());
        }

        @Override
        public String toString() {
            String q = GoFmt.quote(name, '"', false);
            if (pipe == null) {
                return "{{template " + q + "}}";
            }
            return "{{template " + q + " " + pipe + "}}";
        }
    }

    static final class BreakNode extends Node {
        final int line;

        BreakNode(int pos, int line) {
            super(pos);
            this.line = line;
        }

        @Override
        BreakNode copy() {
            return this;
        }

        @Override
        public String toString() {
            return "{{break}}";
        }
    }

    static final class ContinueNode extends Node {
        final int line;

        ContinueNode(int pos, int line) {
            super(pos);
            this.line = line;
        }

        @Override
        ContinueNode copy() {
            return this;
        }

        @Override
        public String toString() {
            return "{{continue}}";
        }
    }

    /** Parser-internal: {@code {{end}}}. */
    static final class EndNode extends Node {
        EndNode(int pos) {
            super(pos);
        }

        @Override
        EndNode copy() {
            return this;
        }

        @Override
        public String toString() {
            return "{{end}}";
        }
    }

    /** Parser-internal: {@code {{else}}}. */
    static final class ElseNode extends Node {
        final int line;

        ElseNode(int pos, int line) {
            super(pos);
            this.line = line;
        }

        @Override
        ElseNode copy() {
            return this;
        }

        @Override
        public String toString() {
            return "{{else}}";
        }
    }
}
