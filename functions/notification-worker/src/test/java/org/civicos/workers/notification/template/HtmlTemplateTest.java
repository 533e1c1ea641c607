package org.civicos.workers.notification.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class HtmlTemplateTest extends TemplateTestSupport {

    @Test
    void missingValuesAreEmptyInHtml() {
        assertThat(html("<b>{{.Entity.nope}}</b><i title=\"{{.Entity.n}}\">{{.Metadata.nope}}</i>", "{'n':null}"))
                .isEqualTo("<b></b><i title=\"\"></i>");
        assertThat(html("{{define \"x\"}}[{{.}}]{{end}}{{template \"x\"}}", "{}")).isEqualTo("[]");
    }

    @Test
    void textAndAttributeEscaping() {
        RenderData d = RenderData.of(json("{}"), Map.of("site_url", SITE, "who", "Tom & \"Jerry\" <3 's+"));
        CompiledTemplate t = ENGINE.parse(Engine.HTML, "html",
                "<p class=\"{{.Metadata.who}}\" data-x='{{.Metadata.who}}' title={{.Metadata.who}}>{{.Metadata.who}}</p>");
        assertThat(t.execute(d)).isEqualTo("<p class=\"Tom &amp; &#34;Jerry&#34; &lt;3 &#39;s&#43;\" "
                + "data-x='Tom &amp; &#34;Jerry&#34; &lt;3 &#39;s&#43;' "
                + "title=Tom&#32;&amp;&#32;&#34;Jerry&#34;&#32;&lt;3&#32;&#39;s&#43;>"
                + "Tom &amp; &#34;Jerry&#34; &lt;3 &#39;s&#43;</p>");
        assertThat(html("<p>{{.Entity.n}}</p><p>{{.Entity.s}}</p>", "{'n':4200000,'s':'a\\u0000b'}"))
                .isEqualTo("<p>4.2e&#43;06</p><p>a\uFFFDb</p>");
    }

    @Test
    void urlsAreFilteredNormalisedAndQueryEscaped() {
        assertThat(html("<a href=\"{{.Entity.u}}\">x</a>", "{'u':'javascript:alert(1)'}"))
                .isEqualTo("<a href=\"#ZgotmplZ\">x</a>");
        assertThat(html("<a href=\"{{.Entity.u}}\">x</a>", "{'u':'vbscript:x'}"))
                .isEqualTo("<a href=\"#ZgotmplZ\">x</a>");
        assertThat(html("<a href=\"{{.Entity.u}}\">x</a>", "{'u':'https://ex.test/a b/ü?k=v&w=1'}"))
                .isEqualTo("<a href=\"https://ex.test/a%20b/%c3%bc?k=v&amp;w=1\">x</a>");
        assertThat(html("<a href=\"{{.Metadata.site_url}}/q?term={{.Entity.t}}#{{.Entity.t}}\">x</a>",
                "{'t':'a&b c/d+e'}"))
                .isEqualTo("<a href=\"" + SITE + "/q?term=a%26b%20c%2fd%2be#a%26b%20c%2fd%2be\">x</a>");
        assertThat(html("<img src=\"/img/{{.Entity.id}}.png\">", "{'id':1234567}"))
                .isEqualTo("<img src=\"/img/1.234567e&#43;06.png\">");
    }

    @Test
    void cssScriptAndEventHandlers() {
        assertThat(html("<span style=\"color: {{.Entity.ok}}\">a</span><span style=\"color: {{.Entity.bad}}\">b</span>",
                "{'ok':'#0a0B0c','bad':'red; background: url(x)'}"))
                .isEqualTo("<span style=\"color: #0a0B0c\">a</span><span style=\"color: ZgotmplZ\">b</span>");
        assertThat(html("<style>h1 { color: {{.Entity.c}} }</style>", "{'c':'expression(alert(1))'}"))
                .isEqualTo("<style>h1 { color: ZgotmplZ }</style>");
        assertThat(html("<script>var d = {{.Entity}}; var s = \"{{.Entity.s}}\";</script>",
                "{'s':'</script><b>','n':1}"))
                .isEqualTo("<script>var d = {\"n\":1,\"s\":\"\\u003c/script\\u003e\\u003cb\\u003e\"}; "
                        + "var s = \"\\u003c\\/script\\u003e\\u003cb\\u003e\";</script>");
        assertThat(html("<button onclick=\"pick({{.Entity.id}}, '{{.Entity.s}}')\">x</button>", "{'id':7,'s':'a\\u0022b'}"))
                .isEqualTo("<button onclick=\"pick( 7 , 'a\\u0022b')\">x</button>");
    }

    @Test
    void rcdataCommentsAndAttributeNames() {
        assertThat(html("<textarea>{{.Entity.s}}</textarea>", "{'s':'</textarea><script>'}"))
                .isEqualTo("<textarea>&lt;/textarea&gt;&lt;script&gt;</textarea>");
        assertThat(html("a<!-- hidden {{.Entity.s}} -->b", "{'s':'x'}")).isEqualTo("ab");
        assertThat(html("<input {{.Entity.a}}>", "{'a':'disabled'}")).isEqualTo("<input disabled>");
        assertThat(html("<input {{.Entity.a}}>", "{'a':'onfocus'}")).isEqualTo("<input ZgotmplZ>");
        assertThat(html("1 < 2 {{.Entity.a}}", "{'a':1}")).isEqualTo("1 &lt; 2 1");
    }

    @Test
    void predefinedEscapersInPipelines() {
        assertThat(html("<p>{{.Entity.s | html}}</p><a href=\"/s?q={{.Entity.s | urlquery}}\">x</a>", "{'s':'a <b>'}"))
                .isEqualTo("<p>a &lt;b&gt;</p><a href=\"/s?q=a&#43;%3Cb%3E\">x</a>");
    }

    @Test
    void templatesCalledFromAttributesAreSpecialised() {
        assertThat(html("{{define \"u\"}}{{.}}{{end}}<a href=\"{{template \"u\" .Entity.u}}\">{{template \"u\" .Entity.u}}</a>",
                "{'u':'javascript:x()'}")).isEqualTo("<a href=\"#ZgotmplZ\">javascript:x()</a>");
    }

    @Test
    void escaperErrorsAreReportedAtExecutionAndWithoutData() {
        CompiledTemplate t = ENGINE.parse(Engine.HTML, "validation", "<a href=\"{{.Entity.u}}\">x</a><b title=\"{{.x}}");
        assertThat(t.escapeError()).hasValueSatisfying(
                m -> assertThat(m).startsWith("html/template:validation: ends in a non-text context: {stateAttr"));
        assertThatThrownBy(() -> t.execute(data("{}"))).isInstanceOf(TemplateExecutionException.class)
                .hasMessageStartingWith("html/template:validation: ends in a non-text context");

        assertThatThrownBy(() -> html("<p>{{if .Entity.a}}<i class=\"{{end}}\">x</i></p>", "{}"))
                .hasMessageStartingWith("html/template:html:1:8: {{if}} branches end in different contexts: ");
        assertThatThrownBy(() -> html("<ul>{{range .Entity.l}}<li title=\"{{.}}{{end}}</ul>", "{}"))
                .hasMessageStartingWith("html/template:html:1:12: on range loop re-entry: "
                        + "{{range}} branches end in different contexts: ");
        assertThatThrownBy(() -> html("<a href=\"{{if .Entity.q}}?q={{end}}{{.Entity.v}}\">", "{}"))
                .hasMessage("html/template:html:1:37: {{.Entity.v}} appears in an ambiguous context within a URL");
        assertThatThrownBy(() -> html("<p>{{template \"gone\" .}}</p>", "{}"))
                .hasMessage("html/template:html:1:14: no such template \"gone\"");
        assertThat(ENGINE.parse(Engine.HTML, "html", "<p>{{.Entity.x}}</p>").escapeError()).isEmpty();
        assertThat(ENGINE.parse(Engine.TEXT, "text", "<a href=\"{{.x}}").escapeError()).isEmpty();
    }

    @Test
    void executionErrorsKeepTextTemplateFormat() {
        assertThatThrownBy(() -> html("<p>{{.Entity.a.b}}</p>", "{}"))
                .hasMessage("template: html:1:12: executing \"html\" at <.Entity.a.b>: "
                        + "nil pointer evaluating interface {}.b");
    }
}
