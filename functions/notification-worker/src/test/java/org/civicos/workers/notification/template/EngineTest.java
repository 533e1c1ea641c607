package org.civicos.workers.notification.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

class EngineTest extends TemplateTestSupport {

    @Test
    void outputLimit() {
        GoTemplateEngine small = new GoTemplateEngine(ZoneId.of("America/New_York"), new Limits(50, 1_000_000, 100));
        CompiledTemplate t = small.parse(Engine.TEXT, "text", "{{range .Entity.l}}0123456789{{end}}");
        assertThat(t.execute(data("{'l':[1,2,3,4,5]}"))).hasSize(50);
        assertThatThrownBy(() -> t.execute(data("{'l':[1,2,3,4,5,6]}")))
                .isInstanceOf(TemplateExecutionException.class)
                .hasMessage("template: text: template output exceeds 50 characters");
    }

    @Test
    void stepLimit() {
        GoTemplateEngine small = new GoTemplateEngine(ZoneId.of("America/New_York"), new Limits(1_000_000, 500, 100));
        String nested = "{{range .Entity.l}}{{range $.Entity.l}}{{range $.Entity.l}}x{{end}}{{end}}{{end}}";
        assertThatThrownBy(() -> small.parse(Engine.TEXT, "text", nested)
                .execute(data("{'l':[1,2,3,4,5,6,7,8,9,10]}")))
                .isInstanceOf(TemplateExecutionException.class)
                .hasMessage("template: text: execution exceeds 500 steps");
    }

    @Test
    void recursionDepthLimit() {
        assertThatThrownBy(() -> text("{{define \"loop\"}}{{template \"loop\" .}}{{end}}{{template \"loop\" .}}", "{}"))
                .isInstanceOf(TemplateExecutionException.class)
                .hasMessageEndingWith("exceeded maximum template depth (100)");
    }

    @Test
    void deeplyNestedSourceIsAParseErrorNotACrash() {
        String deep = "{{" + "(".repeat(100_000) + "1" + ")".repeat(100_000) + "}}";
        assertThatThrownBy(() -> ENGINE.parse(Engine.TEXT, "text", deep)).isInstanceOf(TemplateParseException.class);
    }

    @Test
    void largeHtmlTemplatesEscapeInLinearTime() {
        String big = "<div class=\"a\" style=\"color:red\"><a href=\"/x?y=1\">link</a> text &amp; more</div>\n"
                .repeat(5000) + "<p title=\"{{.Entity.x}}\">{{.Entity.x}}</p>";
        long t0 = System.nanoTime();
        CompiledTemplate t = new GoTemplateEngine().parse(Engine.HTML, "html", big);
        assertThat(t.execute(data("{'x':'<'}"))).endsWith("<p title=\"&lt;\">&lt;</p>");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void parseResultsAreCached() {
        GoTemplateEngine e = new GoTemplateEngine(ZoneId.of("America/New_York"), Limits.defaults(), 2);
        CompiledTemplate a = e.parse(Engine.TEXT, "text", "{{.Entity.a}}");
        assertThat(e.parse(Engine.TEXT, "text", "{{.Entity.a}}")).isSameAs(a);
        assertThat(e.parse(Engine.HTML, "text", "{{.Entity.a}}")).isNotSameAs(a);
        assertThat(e.parse(Engine.TEXT, "subject", "{{.Entity.a}}")).isNotSameAs(a);
        assertThat(e.cachedTemplates()).isEqualTo(2);
        assertThatThrownBy(() -> e.parse(Engine.TEXT, "text", "{{")).isInstanceOf(TemplateParseException.class);
        assertThatThrownBy(() -> e.parse(Engine.TEXT, "text", "{{")).isInstanceOf(TemplateParseException.class);
    }

    @Test
    void nonObjectEntityDataIsRejected() {
        assertThatThrownBy(() -> RenderData.of(json("[1]"), Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentExecutionIsSafe() throws Exception {
        CompiledTemplate t = ENGINE.parse(Engine.HTML, "html",
                "{{define \"i\"}}<li title=\"{{.}}\">{{.}}</li>{{end}}<ul>{{range $k, $v := .Entity.m}}"
                        + "{{template \"i\" $k}}{{end}}</ul><a href=\"/x?n={{.Entity.n}}\">{{formatMoney .Entity.n}}</a>");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                final int n = i;
                results.add(pool.submit(() -> {
                    String out = t.execute(data("{'m':{'b<':1,'a':2},'n':" + n + "}"));
                    return out.equals("<ul><li title=\"a\">a</li><li title=\"b&lt;\">b&lt;</li></ul>"
                            + "<a href=\"/x?n=" + n + "\">$" + n + ".00</a>");
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
