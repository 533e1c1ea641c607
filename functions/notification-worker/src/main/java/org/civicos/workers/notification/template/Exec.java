package org.civicos.workers.notification.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.civicos.workers.notification.template.GoFunc.Param;
import org.civicos.workers.notification.template.GoValues.Iface;
import org.civicos.workers.notification.template.GoValues.NoValue;
import org.civicos.workers.notification.template.Node.*;

/** One execution of a template: Go's {@code text/template} state machine. Not thread-safe; one per call. */
final class Exec {

    /** Go's {@code missingVal}: no final value in a pipeline. */
    private static final Object MISSING = new Object() {
        @Override
        public String toString() {
            return "<missing>";
        }
    };

    private static final class BreakSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BreakSignal() {
            super(null, null, false, false);
        }
    }

    private static final class ContinueSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ContinueSignal() {
            super(null, null, false, false);
        }
    }

    private static final BreakSignal BREAK = new BreakSignal();
    private static final ContinueSignal CONTINUE = new ContinueSignal();

    private final String parseName;
    private final String source;
    private final Map<String, ListNode> templates;
    private final Map<String, GoFunc> funcs;
    private final Limits limits;
    private final StringBuilder out = new StringBuilder();

    private String tmplName;
    private Node node;
    private int depth;
    private long steps;
    private List<String> varNames = new ArrayList<>();
    private List<Object> varValues = new ArrayList<>();

    Exec(String parseName, String source, Map<String, ListNode> templates, Map<String, GoFunc> funcs,
            Limits limits) {
        this.parseName = parseName;
        this.source = source;
        this.templates = templates;
        this.funcs = funcs;
        this.limits = limits;
    }

    String run(String name, Object dot) {
        ListNode root = templates.get(name);
        tmplName = name;
        if (root == null) {
            throw new TemplateExecutionException("template: " + GoFmt.quote(name, '"', false)
                    + " is an incomplete or empty template");
        }
        varNames.add("$");
        varValues.add(dot);
        walk(dot, root);
        return out.toString();
    }

    // ---------------------------------------------------------------- errors and limits

    private TemplateExecutionException errorf(String detail) {
        String name = GoFmt.quote(tmplName, '"', false);
        if (node == null) {
            return new TemplateExecutionException("template: " + tmplName + ": " + detail);
        }
        return new TemplateExecutionException("template: " + location(node) + ": executing " + name + " at <"
                + node + ">: " + detail);
    }

    private String location(Node n) {
        int pos = Math.min(n.pos, source.length());
        int lineStart = source.lastIndexOf('\n', pos - 1) + 1;
        int line = 1;
        for (int i = 0; i < lineStart; i++) {
            if (source.charAt(i) == '\n') {
                line++;
            }
        }
        int col = GoValues.utf8Length(source, lineStart, pos);
        return parseName + ":" + line + ":" + col;
    }

    private void at(Node n) {
        node = n;
    }

    private void step() {
        if (++steps > limits.maxSteps()) {
            throw new TemplateExecutionException("template: " + parseName + ": execution exceeds "
                    + limits.maxSteps() + " steps");
        }
    }

    private void write(String s) {
        if (out.length() + (long) s.length() > limits.maxOutputChars()) {
            throw new TemplateExecutionException("template: " + parseName + ": template output exceeds "
                    + limits.maxOutputChars() + " characters");
        }
        out.append(s);
    }

    // ---------------------------------------------------------------- variables

    private int mark() {
        return varNames.size();
    }

    private void pop(int mark) {
        while (varNames.size() > mark) {
            varNames.remove(varNames.size() - 1);
            varValues.remove(varValues.size() - 1);
        }
    }

    private void push(String name, Object value) {
        varNames.add(name);
        varValues.add(value);
    }

    private void setVar(String name, Object value) {
        for (int i = varNames.size() - 1; i >= 0; i--) {
            if (varNames.get(i).equals(name)) {
                varValues.set(i, value);
                return;
            }
        }
        throw errorf("undefined variable: " + name);
    }

    private void setTopVar(int n, Object value) {
        varValues.set(varValues.size() - n, value);
    }

    private Object varValue(String name) {
        for (int i = varNames.size() - 1; i >= 0; i--) {
            if (varNames.get(i).equals(name)) {
                return varValues.get(i);
            }
        }
        throw errorf("undefined variable: " + name);
    }

    // ---------------------------------------------------------------- walking

    private void walk(Object dot, Node n) {
        step();
        at(n);
        if (n instanceof ActionNode a) {
            Object val = evalPipeline(dot, a.pipe);
            if (a.pipe.decl.isEmpty()) {
                printValue(a, val);
            }
        } else if (n instanceof TextNode t) {
            write(t.text);
        } else if (n instanceof ListNode l) {
            for (Node c : l.nodes) {
                walk(dot, c);
            }
        } else if (n instanceof BranchNode b) {
            if (b.kind == BranchKind.RANGE) {
                walkRange(dot, b);
            } else {
                walkIfOrWith(b, dot);
            }
        } else if (n instanceof TemplateNode t) {
            walkTemplate(dot, t);
        } else if (n instanceof BreakNode) {
            throw BREAK;
        } else if (n instanceof ContinueNode) {
            throw CONTINUE;
        } else if (!(n instanceof CommentNode)) {
            throw errorf("unknown node: " + n);
        }
    }

    private void walkIfOrWith(BranchNode b, Object dot) {
        int mark = mark();
        try {
            Object val = evalPipeline(dot, b.pipe);
            if (GoValues.truth(val)) {
                walk(b.kind == BranchKind.WITH ? val : dot, b.list);
            } else if (b.elseList != null) {
                walk(dot, b.elseList);
            }
        } finally {
            pop(mark);
        }
    }

    private void walkRange(Object dot, BranchNode r) {
        at(r);
        int outer = mark();
        try {
            Object val = GoValues.indirectInterface(evalPipeline(dot, r.pipe));
            int mark = mark();
            try {
                if (val instanceof List<?> list) {
                    if (!list.isEmpty()) {
                        for (int i = 0; i < list.size(); i++) {
                            oneIteration(r, mark, (long) i, new Iface(list.get(i)));
                        }
                        return;
                    }
                } else if (val instanceof GoMap m) {
                    if (m.size() > 0) {
                        for (String k : m.sortedKeys()) {
                            oneIteration(r, mark, k, m.index(k));
                        }
                        return;
                    }
                } else if (val instanceof Long n) {
                    if (r.pipe.decl.size() > 1) {
                        throw errorf("can't use " + GoFmt.sprint1(n) + " to iterate over more than one variable");
                    }
                    if (n > 0) {
                        for (long i = 0; i < n; i++) {
                            oneIteration(r, mark, i, i);
                        }
                        return;
                    }
                } else if (val != NoValue.INSTANCE) {
                    throw errorf("range can't iterate over " + GoFmt.sprint1(val));
                }
            } catch (BreakSignal b) {
                return;
            }
            if (r.elseList != null) {
                walk(dot, r.elseList);
            }
        } finally {
            pop(outer);
        }
    }

    private void oneIteration(BranchNode r, int mark, Object index, Object elem) {
        step();
        if (!r.pipe.decl.isEmpty()) {
            setTopVar(1, elem);
        }
        if (r.pipe.decl.size() > 1) {
            setTopVar(2, index);
        }
        try {
            walk(elem, r.list);
        } catch (ContinueSignal c) {
            // next iteration
        } finally {
            pop(mark);
        }
    }

    private void walkTemplate(Object dot, TemplateNode t) {
        at(t);
        ListNode root = templates.get(t.name);
        if (root == null) {
            throw errorf("template " + GoFmt.quote(t.name, '"', false) + " not defined");
        }
        if (depth >= limits.maxDepth()) {
            throw errorf("exceeded maximum template depth (" + limits.maxDepth() + ")");
        }
        Object newDot = evalPipeline(dot, t.pipe);
        String savedName = tmplName;
        List<String> savedNames = varNames;
        List<Object> savedValues = varValues;
        tmplName = t.name;
        varNames = new ArrayList<>();
        varValues = new ArrayList<>();
        push("$", newDot);
        depth++;
        try {
            walk(newDot, root);
        } finally {
            depth--;
            tmplName = savedName;
            varNames = savedNames;
            varValues = savedValues;
        }
    }

    private void printValue(Node n, Object v) {
        at(n);
        if (v == NoValue.INSTANCE) {
            write("<no value>");
            return;
        }
        write(GoFmt.sprint1(GoValues.toArg(v)));
    }

    // ---------------------------------------------------------------- evaluation

    private Object evalPipeline(Object dot, PipeNode pipe) {
        if (pipe == null) {
            return NoValue.INSTANCE;
        }
        at(pipe);
        Object value = MISSING;
        for (CommandNode cmd : pipe.cmds) {
            step();
            value = evalCommand(dot, cmd, value);
            if (value instanceof Iface i) {
                value = i.value() == null ? NoValue.INSTANCE : i.value();
            }
        }
        for (VariableNode v : pipe.decl) {
            if (pipe.isAssign) {
                setVar(v.ident.get(0), value);
            } else {
                push(v.ident.get(0), value);
            }
        }
        return value;
    }

    private void notAFunction(List<Node> args, Object fin) {
        if ((args != null && args.size() > 1) || fin != MISSING) {
            throw errorf("can't give argument to non-function " + args.get(0));
        }
    }

    private Object evalCommand(Object dot, CommandNode cmd, Object fin) {
        Node first = cmd.args.get(0);
        if (first instanceof FieldNode f) {
            return evalFieldNode(dot, f, cmd.args, fin);
        }
        if (first instanceof ChainNode c) {
            return evalChainNode(dot, c, cmd.args, fin);
        }
        if (first instanceof IdentifierNode id) {
            return evalFunction(dot, id, cmd, cmd.args, fin);
        }
        if (first instanceof PipeNode p) {
            notAFunction(cmd.args, fin);
            return evalPipeline(dot, p);
        }
        if (first instanceof VariableNode v) {
            return evalVariableNode(dot, v, cmd.args, fin);
        }
        at(first);
        notAFunction(cmd.args, fin);
        if (first instanceof BoolNode b) {
            return b.value;
        }
        if (first instanceof DotNode) {
            return dot;
        }
        if (first instanceof NilNode) {
            throw errorf("nil is not a command");
        }
        if (first instanceof NumberNode num) {
            return idealConstant(num);
        }
        if (first instanceof StringNode s) {
            return s.text;
        }
        throw errorf("can't evaluate command " + GoFmt.quote(first.toString(), '"', false));
    }

    private Object idealConstant(NumberNode c) {
        at(c);
        if (c.isComplex) {
            throw errorf("complex constants are not supported: " + c.text);
        }
        String t = c.text;
        boolean hexInt = t.length() > 2 && t.charAt(0) == '0' && (t.charAt(1) == 'x' || t.charAt(1) == 'X')
                && t.indexOf('p') < 0 && t.indexOf('P') < 0;
        boolean runeInt = !t.isEmpty() && t.charAt(0) == '\'';
        if (c.isFloat && !hexInt && !runeInt && t.chars().anyMatch(ch -> ".eEpP".indexOf(ch) >= 0)) {
            return c.float64;
        }
        if (c.isInt) {
            return c.int64;
        }
        if (c.isUint) {
            throw errorf(t + " overflows int");
        }
        return NoValue.INSTANCE;
    }

    private Object evalFieldNode(Object dot, FieldNode f, List<Node> args, Object fin) {
        at(f);
        return evalFieldChain(dot, dot, f, f.ident, args, fin);
    }

    private Object evalChainNode(Object dot, ChainNode chain, List<Node> args, Object fin) {
        at(chain);
        if (chain.node instanceof NilNode) {
            throw errorf("indirection through explicit nil in " + chain);
        }
        Object pipe = evalArg(dot, null, chain.node);
        return evalFieldChain(dot, pipe, chain, chain.field, args, fin);
    }

    private Object evalVariableNode(Object dot, VariableNode v, List<Node> args, Object fin) {
        at(v);
        Object value = varValue(v.ident.get(0));
        if (v.ident.size() == 1) {
            notAFunction(args, fin);
            return value;
        }
        return evalFieldChain(dot, value, v, v.ident.subList(1, v.ident.size()), args, fin);
    }

    private Object evalFieldChain(Object dot, Object receiver, Node n, List<String> ident, List<Node> args,
            Object fin) {
        int k = ident.size();
        for (int i = 0; i < k - 1; i++) {
            receiver = evalField(ident.get(i), null, MISSING, receiver);
        }
        return evalField(ident.get(k - 1), args, fin, receiver);
    }

    private Object evalField(String fieldName, List<Node> args, Object fin, Object receiver) {
        if (receiver == NoValue.INSTANCE) {
            return NoValue.INSTANCE;
        }
        String typ = GoValues.typeName(receiver);
        Object r = receiver;
        if (r instanceof Iface i) {
            if (i.value() == null) {
                throw errorf("nil pointer evaluating " + typ + "." + fieldName);
            }
            r = i.value();
        }
        boolean hasArgs = (args != null && args.size() > 1) || fin != MISSING;
        if (r instanceof GoMap m) {
            if (hasArgs) {
                throw errorf(fieldName + " is not a method but has arguments");
            }
            return m.index(fieldName);
        }
        throw errorf("can't evaluate field " + fieldName + " in type " + typ);
    }

    private Object evalFunction(Object dot, IdentifierNode id, Node cmd, List<Node> args, Object fin) {
        at(id);
        GoFunc f = funcs.get(id.ident);
        if (f == null) {
            throw errorf(GoFmt.quote(id.ident, '"', false) + " is not a defined function");
        }
        return evalCall(dot, f, cmd, id.ident, args, fin);
    }

    private Object evalCall(Object dot, GoFunc f, Node n, String name, List<Node> args, Object fin) {
        List<Node> argNodes = args == null ? List.of() : args.subList(1, args.size());
        List<Param> params = f.params();
        int numIn = argNodes.size() + (fin != MISSING ? 1 : 0);
        int numFixed = argNodes.size();
        if (f.variadic()) {
            numFixed = params.size() - 1;
            if (numIn < numFixed) {
                throw errorf("wrong number of args for " + name + ": want at least " + (params.size() - 1)
                        + " got " + argNodes.size());
            }
        } else if (numIn != params.size()) {
            throw errorf("wrong number of args for " + name + ": want " + params.size() + " got " + numIn);
        }
        if (f.builtin() && (name.equals("and") || name.equals("or"))) {
            Object v = null;
            for (Node a : argNodes) {
                v = evalArg(dot, Param.VALUE, a);
                if (GoValues.truth(v) == name.equals("or")) {
                    return v;
                }
            }
            if (fin != MISSING) {
                v = validateType(fin, Param.VALUE);
            }
            return v;
        }
        List<Object> argv = new ArrayList<>(numIn);
        int i = 0;
        for (; i < numFixed && i < argNodes.size(); i++) {
            argv.add(evalArg(dot, params.get(i), argNodes.get(i)));
        }
        if (f.variadic()) {
            Param t = params.get(params.size() - 1);
            for (; i < argNodes.size(); i++) {
                argv.add(evalArg(dot, t, argNodes.get(i)));
            }
        }
        if (fin != MISSING) {
            Param t = params.get(params.size() - 1);
            if (f.variadic() && numIn - 1 < numFixed) {
                t = params.get(numIn - 1);
            }
            argv.add(validateType(fin, t));
        }
        try {
            return f.impl().apply(argv);
        } catch (GoFunc.CallError e) {
            at(n);
            throw errorf("error calling " + name + ": " + e.getMessage());
        }
    }

    private Object validateType(Object value, Param typ) {
        if (value == NoValue.INSTANCE) {
            if (typ == null || typ == Param.VALUE) {
                return NoValue.INSTANCE;
            }
            if (typ == Param.ANY) {
                return null;
            }
            throw errorf("invalid value; expected string");
        }
        if (typ == null || typ == Param.VALUE) {
            return value;
        }
        if (typ == Param.ANY) {
            return GoValues.toArg(value);
        }
        if (value instanceof String) {
            return value;
        }
        if (value instanceof Iface i && i.value() instanceof String s) {
            return s;
        }
        String got = value instanceof Iface i && i.value() != null ? GoValues.typeName(i.value())
                : GoValues.typeName(value);
        throw errorf("wrong type for value; expected string; got " + got);
    }

    private Object evalArg(Object dot, Param typ, Node n) {
        at(n);
        if (n instanceof DotNode) {
            return validateType(dot, typ);
        }
        if (n instanceof NilNode) {
            if (typ == Param.ANY) {
                return null;
            }
            if (typ == Param.VALUE) {
                // reflect.Value can be nil: the builtin receives an invalid value
                return NoValue.INSTANCE;
            }
            throw errorf("cannot assign nil to string");
        }
        if (n instanceof FieldNode f) {
            return validateType(evalFieldNode(dot, f, List.of(n), MISSING), typ);
        }
        if (n instanceof VariableNode v) {
            return validateType(evalVariableNode(dot, v, null, MISSING), typ);
        }
        if (n instanceof PipeNode p) {
            return validateType(evalPipeline(dot, p), typ);
        }
        if (n instanceof IdentifierNode id) {
            return validateType(evalFunction(dot, id, id, null, MISSING), typ);
        }
        if (n instanceof ChainNode c) {
            return validateType(evalChainNode(dot, c, null, MISSING), typ);
        }
        if (typ == Param.STRING) {
            if (n instanceof StringNode s) {
                return s.text;
            }
            throw errorf("expected string; found " + n);
        }
        if (n instanceof BoolNode b) {
            return b.value;
        }
        if (n instanceof NumberNode num) {
            return idealConstant(num);
        }
        if (n instanceof StringNode s) {
            return s.text;
        }
        throw errorf("can't handle " + n + " for arg of type interface {}");
    }
}
