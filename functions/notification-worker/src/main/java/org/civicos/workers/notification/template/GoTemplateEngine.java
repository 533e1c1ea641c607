package org.civicos.workers.notification.template;

import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.civicos.workers.notification.template.HtmlContext.EscapeError;
import org.civicos.workers.notification.template.Node.ListNode;

/**
 * Parses Go templates (text/template or html/template semantics) with the Civic OS function map and
 * {@code missingkey=zero}. Parse results are cached per (engine, name, source) in a bounded LRU cache; an engine
 * instance is thread-safe.
 */
public final class GoTemplateEngine {
    private static final int DEFAULT_CACHE_SIZE = 512;

    private final ZoneId zone;
    private final Limits limits;
    private final Set<String> parseFuncs;
    private final Map<String, GoFunc> textFuncs;
    private final Map<String, GoFunc> htmlFuncs;
    private final Map<Key, Object> cache;
    private final int cacheSize;

    private record Key(Engine engine, String name, String source) {
    }

    /** America/New_York, default limits. */
    public GoTemplateEngine() {
        this(ZoneId.of("America/New_York"), Limits.defaults());
    }

    public GoTemplateEngine(ZoneId zone, Limits limits) {
        this(zone, limits, DEFAULT_CACHE_SIZE);
    }

    public GoTemplateEngine(ZoneId zone, Limits limits, int cacheSize) {
        this.zone = Objects.requireNonNull(zone, "zone");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.cacheSize = Math.max(0, cacheSize);
        Map<String, GoFunc> text = new HashMap<>(Builtins.ALL);
        text.putAll(CivicFunctions.create(zone));
        this.textFuncs = Map.copyOf(text);
        Map<String, GoFunc> html = new HashMap<>(text);
        html.putAll(HtmlFuncs.ALL);
        this.htmlFuncs = Map.copyOf(html);
        this.parseFuncs = Set.copyOf(new HashSet<>(text.keySet()));
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Object> eldest) {
                return size() > GoTemplateEngine.this.cacheSize;
            }
        };
    }

    public ZoneId zone() {
        return zone;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Parses {@code source} as template {@code name} ({@code text}, {@code html}, {@code validation}, ...).
     *
     * @throws TemplateParseException on a syntax error or an undefined function
     */
    public CompiledTemplate parse(Engine engine, String name, String source) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Key key = new Key(engine, name, source);
        Object cached;
        synchronized (cache) {
            cached = cache.get(key);
        }
        if (cached == null) {
            try {
                cached = compile(engine, name, source);
            } catch (TemplateParseException e) {
                cached = e;
            }
            if (cacheSize > 0) {
                synchronized (cache) {
                    cache.put(key, cached);
                }
            }
        }
        if (cached instanceof TemplateParseException e) {
            throw new TemplateParseException(e.getMessage());
        }
        return (CompiledTemplate) cached;
    }

    /** Number of cached parse results (for tests and metrics). */
    public int cachedTemplates() {
        synchronized (cache) {
            return cache.size();
        }
    }

    private CompiledTemplate compile(Engine engine, String name, String source) {
        Map<String, ListNode> trees;
        try {
            trees = new HashMap<>(Parser.parse(name, source, parseFuncs));
        } catch (StackOverflowError e) {
            throw new TemplateParseException("template: " + name + ": template nesting is too deep");
        }
        String escapeError = null;
        if (engine == Engine.HTML) {
            EscapeError err;
            try {
                err = HtmlEscaper.escape(trees, name);
            } catch (StackOverflowError e) {
                err = new EscapeError(null, 0, "template nesting is too deep");
                err.name = name;
            }
            if (err != null) {
                escapeError = err.message(source, name);
                // Go discards the trees of a template that failed to escape
            }
        }
        return new CompiledTemplate(engine, name, source, Map.copyOf(trees),
                engine == Engine.HTML ? htmlFuncs : textFuncs, limits, escapeError);
    }
}
