/**
 * A Java re-implementation of Go's {@code text/template} and {@code html/template}, as used by the Civic OS
 * notification worker, producing byte-for-byte the output (and error messages) Go produces for stored templates.
 *
 * <h2>Usage</h2>
 * <pre>{@code
 * GoTemplateEngine engine = new GoTemplateEngine(ZoneId.of("America/New_York"), Limits.defaults());
 * CompiledTemplate t = engine.parse(Engine.HTML, "html", source);   // TemplateParseException
 * Optional<String> problem = t.escapeError();                       // html/template context errors, no data needed
 * String out = t.execute(RenderData.of(entityJson, Map.of("site_url", siteUrl))); // TemplateExecutionException
 * }</pre>
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>Parsing follows {@code template.New(name).Option("missingkey=zero").Funcs(civicFuncs).Parse(source)}:
 *       the name ({@code text}, {@code html}, {@code validation}, ...) appears in error messages. A parse error is a
 *       {@link org.civicos.workers.notification.template.TemplateParseException}
 *       ({@code template: <name>:<line>: <detail>}).</li>
 *   <li>The root value is a Go {@code map[string]interface{}} with {@code Entity} (the entity JSON decoded like
 *       {@code encoding/json}: numbers are float64) and {@code Metadata} (a {@code map[string]string}); see
 *       {@link org.civicos.workers.notification.template.RenderData}.</li>
 *   <li>{@link org.civicos.workers.notification.template.Engine#HTML} applies html/template's contextual
 *       auto-escaping. Escaping is analysed once at parse time; like Go, an escaper error (for example an
 *       unterminated attribute, {@code html/template:html: ends in a non-text context: ...}) is raised by
 *       {@code execute}, and {@link org.civicos.workers.notification.template.CompiledTemplate#escapeError()}
 *       exposes it without executing, for template validation.</li>
 *   <li>Execution errors are {@link org.civicos.workers.notification.template.TemplateExecutionException}s with
 *       Go's text ({@code template: <name>:<line>:<col>: executing "<name>" at <<node>>: <detail>}); the same type
 *       reports {@link org.civicos.workers.notification.template.Limits} violations (output size, evaluation
 *       steps, template call depth).</li>
 *   <li>Functions: Go's builtins plus {@code formatTimeSlot}, {@code formatDateTime}, {@code formatDate}
 *       (string parameter), {@code formatMoney} (any) and {@code formatPhone} (string), using the engine's
 *       {@link java.time.ZoneId}.</li>
 *   <li>Where Go releases differ (JS template literals, HTML comments in scripts, CSS {@code <>}, empty unquoted
 *       attribute values, {@code range} over an integer, {@code else with}, JSON {@code \b}/{@code \f}) the
 *       behaviour of Go 1.24 is followed.</li>
 * </ul>
 * <p>{@link org.civicos.workers.notification.template.GoTemplateEngine} caches parse results per (engine, name,
 * source) in a bounded LRU cache; engines and compiled templates are thread-safe.</p>
 */
package org.civicos.workers.notification.template;
