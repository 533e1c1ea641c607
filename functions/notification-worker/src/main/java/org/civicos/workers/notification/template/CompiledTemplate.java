package org.civicos.workers.notification.template;

import java.util.Map;
import java.util.Optional;

import org.civicos.workers.notification.template.Node.ListNode;

/**
 * A parsed (and, for {@link Engine#HTML}, escaped) template. Immutable and safe to execute from many threads.
 */
public final class CompiledTemplate {
    private final Engine engine;
    private final String name;
    private final String source;
    private final Map<String, ListNode> templates;
    private final Map<String, GoFunc> funcs;
    private final Limits limits;
    private final String escapeError;

    CompiledTemplate(Engine engine, String name, String source, Map<String, ListNode> templates,
            Map<String, GoFunc> funcs, Limits limits, String escapeError) {
        this.engine = engine;
        this.name = name;
        this.source = source;
        this.templates = templates;
        this.funcs = funcs;
        this.limits = limits;
        this.escapeError = escapeError;
    }

    public Engine engine() {
        return engine;
    }

    public String name() {
        return name;
    }

    public String source() {
        return source;
    }

    /**
     * The html/template escaper error Go would raise on the first execution (e.g. {@code html/template:html: ends
     * in a non-text context: ...}), found without executing. Always empty for {@link Engine#TEXT}.
     */
    public Optional<String> escapeError() {
        return Optional.ofNullable(escapeError);
    }

    /** Renders the template against {@code data}. */
    public String execute(RenderData data) {
        return execute(data, limits);
    }

    /** Renders the template against {@code data} with explicit limits. */
    public String execute(RenderData data, Limits limits) {
        if (escapeError != null) {
            throw new TemplateExecutionException(escapeError);
        }
        java.util.Objects.requireNonNull(data, "data");
        try {
            return new Exec(name, source, templates, funcs, limits).run(name, data.root());
        } catch (StackOverflowError e) {
            throw new TemplateExecutionException("template: " + name + ": execution nesting is too deep");
        }
    }
}
