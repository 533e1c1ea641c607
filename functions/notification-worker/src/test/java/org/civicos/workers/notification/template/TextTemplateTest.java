package org.civicos.workers.notification.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextTemplateTest extends TemplateTestSupport {

    @Test
    void missingKeysPrintNoValueButMetadataIsEmpty() {
        assertThat(text("[{{.Entity.nope}}][{{.Entity.n}}][{{.Metadata.nope}}][{{.Metadata.site_url}}]",
                "{'n':null}")).isEqualTo("[<no value>][<no value>][][" + SITE + "]");
        assertThat(text("{{.Entity.k}}|{{if .Entity}}y{{else}}n{{end}}|{{len .Entity}}", null))
                .isEqualTo("<no value>|n|0");
        assertThat(text("{{$v := .Entity.gone}}[{{$v}}][{{$v.deeper}}]", "{}"))
                .isEqualTo("[<no value>][<no value>]");
    }

    @Test
    void fieldChainsThroughNilAndScalarsFail() {
        assertThatThrownBy(() -> text("ab\ncd {{.Entity.x.y}}", "{}"))
                .isInstanceOf(TemplateExecutionException.class)
                .hasMessage("template: text:2:12: executing \"text\" at <.Entity.x.y>: "
                        + "nil pointer evaluating interface {}.y");
        assertThatThrownBy(() -> text("{{.Entity.x.y}}", "{'x':7}"))
                .hasMessage("template: text:1:9: executing \"text\" at <.Entity.x.y>: "
                        + "can't evaluate field y in type interface {}");
        assertThatThrownBy(() -> text("{{with .Entity.x}}{{.y}}{{end}}", "{'x':true}"))
                .hasMessageEndingWith("can't evaluate field y in type bool");
        // column counts UTF-8 bytes
        assertThatThrownBy(() -> text("é {{.Entity.x.y}}", "{}"))
                .hasMessageStartingWith("template: text:1:12: ");
    }

    @Test
    void numbersFormatLikeGoFmt() {
        assertThat(text("{{.Entity.a}} {{.Entity.b}} {{.Entity.c}} {{.Entity.d}} {{.Entity.e}} {{.Entity.f}}",
                "{'a':7,'b':0.25,'c':2500000,'d':0.00002,'e':-0.0001,'f':3e22}"))
                .isEqualTo("7 0.25 2.5e+06 2e-05 -0.0001 3e+22");
        assertThat(text("{{.Entity.big}}", "{'big':98765432109876543210}")).isEqualTo("9.876543210987654e+19");
        assertThat(text("{{printf \"%.1f|%5.2f|%-5d|%03d|%x|%q|%t\" .Entity.a .Entity.a 42 7 \"hi\" \"a\\tb\" true}}",
                "{'a':2.25}")).isEqualTo("2.2| 2.25|42   |007|6869|\"a\\tb\"|true");
        assertThat(text("{{printf \"%d\" .Entity.a}} {{printf \"%s\" 1}} {{printf \"%d %d\" 1}}", "{'a':2}"))
                .isEqualTo("%!d(float64=2) %!s(int=1) 1 %!d(MISSING)");
        assertThat(text("{{1}} {{1.0}} {{1e2}} {{0x10}} {{'x'}} {{-2}}", "{}")).isEqualTo("1 1 100 16 120 -2");
    }

    @Test
    void containersPrintWithSortedKeys() {
        assertThat(text("{{.Entity.m}} {{.Entity.l}} {{.Metadata}}", "{'m':{'z':1,'a':[true,null]},'l':['x',{}]}"))
                .isEqualTo("map[a:[true <nil>] z:1] [x map[]] map[site_url:" + SITE + "]");
    }

    @Test
    void comparisons() {
        assertThat(text("{{eq .Entity.s \"a\"}} {{eq .Entity.n 2.0}} {{ne .Entity.s \"b\"}} {{lt 1 2}} "
                + "{{le .Entity.n 2.0}} {{gt \"b\" \"a\"}} {{ge 1.5 2.5}} {{eq .Entity.s \"x\" \"y\" \"a\"}}",
                "{'s':'a','n':2}")).isEqualTo("true true true true true true false true");
        assertThat(text("{{eq .Entity.nope \"a\"}} {{eq .Entity.nope .Entity.other}}", "{}"))
                .isEqualTo("false true");
        assertThat(text("{{eq .Entity.s nil}} {{eq .Entity.nope nil}} {{not nil}}", "{'s':'x'}"))
                .isEqualTo("false true true");
        assertThatThrownBy(() -> text("{{eq .Entity.n 2}}", "{'n':2}"))
                .hasMessageStartingWith("template: text:1:2: executing \"text\" at <eq .Entity.n 2>: "
                        + "error calling eq: incompatible types for comparison");
        assertThatThrownBy(() -> text("{{lt .Entity.nope 2}}", "{}"))
                .hasMessageEndingWith("error calling lt: invalid type for comparison");
        assertThatThrownBy(() -> text("{{eq .Entity.l .Entity.l}}", "{'l':[1]}"))
                .hasMessageEndingWith("error calling eq: invalid type for comparison");
        assertThatThrownBy(() -> text("{{eq 1}}", "{}"))
                .hasMessageEndingWith("error calling eq: missing argument for comparison");
    }

    @Test
    void logicShortCircuitsAndReturnsOperands() {
        assertThat(text("[{{and 1 \"\" 2}}][{{or .Entity.nope \"dflt\"}}][{{not .Entity.l}}][{{or 0 .Entity.nope}}]",
                "{'l':[]}")).isEqualTo("[][dflt][true][<no value>]");
        assertThat(text("{{if and .Entity.o .Entity.o.k}}deep{{else}}guarded{{end}}", "{}")).isEqualTo("guarded");
        assertThat(text("{{if .Entity.a}}A{{else if .Entity.b}}B{{else}}C{{end}}", "{'a':0,'b':{}}")).isEqualTo("C");
    }

    @Test
    void rangeOverSlicesMapsAndErrors() {
        assertThat(text("{{range $k, $v := .Entity.m}}{{$k}}={{$v}},{{end}}", "{'m':{'b':2,'a':1,'Z':0,'é':3}}"))
                .isEqualTo("Z=0,a=1,b=2,é=3,");
        assertThat(text("{{range $i, $v := .Entity.l}}{{if $i}};{{end}}{{$i}}:{{$v}}{{end}}", "{'l':['p','q']}"))
                .isEqualTo("0:p;1:q");
        assertThat(text("{{range .Entity.l}}{{if eq . 2.0}}{{continue}}{{end}}{{if eq . 4.0}}{{break}}{{end}}{{.}}"
                + "{{end}}", "{'l':[1,2,3,4,5]}")).isEqualTo("13");
        assertThat(text("{{range .Entity.l}}x{{else}}empty{{end}}|{{range .Entity.nope}}x{{else}}none{{end}}",
                "{'l':[]}")).isEqualTo("empty|none");
        assertThat(text("{{range .Entity.l}}{{$.Metadata.site_url}}{{end}}", "{'l':[1]}")).isEqualTo(SITE);
        assertThatThrownBy(() -> text("{{range .Entity.s}}{{end}}", "{'s':'abc'}"))
                .hasMessage("template: text:1:15: executing \"text\" at <.Entity.s>: range can't iterate over abc");
    }

    @Test
    void variablesAndScopes() {
        assertThat(text("{{$n := 1}}{{range .Entity.l}}{{$n = .}}{{end}}{{$n}}", "{'l':[3,9]}")).isEqualTo("9");
        assertThat(text("{{with $u := .Entity.u}}{{$u.name}}{{end}}", "{'u':{'name':'Ida'}}")).isEqualTo("Ida");
        assertThatThrownBy(() -> text("{{with .Entity.a}}{{$z := 1}}{{end}}{{$z}}", "{}"))
                .isInstanceOf(TemplateParseException.class)
                .hasMessage("template: text:1: undefined variable \"$z\"");
    }

    @Test
    void trimMarkersAndComments() {
        assertThat(text("a \t\r\n {{- .Entity.x -}} \r\n b", "{'x':'X'}")).isEqualTo("aXb");
        assertThat(text("a {{- /* note */ -}} b{{/* gone */}}!", "{}")).isEqualTo("ab!");
        assertThat(text("{{-5}}|{{- 5 -}}|", "{}")).isEqualTo("-5|5|");
    }

    @Test
    void defineTemplateAndBlock() {
        assertThat(text("{{define \"row\"}}<{{.}}>{{end}}{{range .Entity.l}}{{template \"row\" .}}{{end}}",
                "{'l':['a','b']}")).isEqualTo("<a><b>");
        assertThat(text("{{block \"greet\" .Entity}}Hi {{.name}}{{end}}!", "{'name':'Al'}")).isEqualTo("Hi Al!");
        assertThat(text("{{define \"t\"}}({{.}}){{end}}{{template \"t\"}}", "{}")).isEqualTo("(<no value>)");
        assertThat(text("{{define \"only\"}}x{{end}}", "{}")).isEmpty();
        assertThatThrownBy(() -> text("{{template \"nope\" .}}", "{}"))
                .hasMessage("template: text:1:11: executing \"text\" at <{{template \"nope\" .}}>: "
                        + "template \"nope\" not defined");
        assertThatThrownBy(() -> text("{{define \"d\"}}1{{end}}{{define \"d\"}}2{{end}}", "{}"))
                .isInstanceOf(TemplateParseException.class)
                .hasMessage("template: text:1: template: multiple definition of template \"d\"");
    }

    @Test
    void builtins() {
        assertThat(text("{{len .Entity.s}} {{index .Entity.l 1}} {{index .Entity.m \"k\"}} {{slice .Entity.s 1 3}} "
                + "{{print 1 2 \"x\" 3}} {{println \"a\"}}", "{'s':'añb','l':[5,6],'m':{'k':'v'}}"))
                .isEqualTo("4 6 v ñ 1 2x3 a\n");
        assertThat(text("{{html .Entity.s}}|{{js .Entity.s}}|{{urlquery .Entity.s}}", "{'s':'<a href=\\u0022x\\u0022>&'}"))
                .isEqualTo("&lt;a href=&#34;x&#34;&gt;&amp;|\\u003Ca href\\u003D\\\"x\\\"\\u003E\\u0026|"
                        + "%3Ca+href%3D%22x%22%3E%26");
        // encoding/json grows slices by appending, so a 3-element slice has capacity 4
        assertThat(text("{{slice .Entity.l 1 4}}", "{'l':[1,2,3]}")).isEqualTo("[2 3 <nil>]");
        assertThatThrownBy(() -> text("{{slice .Entity.l 1 5}}", "{'l':[1,2,3]}"))
                .hasMessageEndingWith("error calling slice: index out of range: 5");
        assertThatThrownBy(() -> text("{{index .Entity.l 2}}", "{'l':[5,6]}"))
                .hasMessageEndingWith("error calling index: index out of range: 2");
        assertThatThrownBy(() -> text("{{len .Entity.nope}}", "{}"))
                .hasMessageEndingWith("error calling len: len of nil pointer");
        assertThatThrownBy(() -> text("{{printf}}", "{}"))
                .hasMessageEndingWith("wrong number of args for printf: want at least 1 got 0");
    }

    @Test
    void parseErrorsReportTheLine() {
        assertThatThrownBy(() -> ENGINE.parse(Engine.TEXT, "validation", "line1\nline2 {{.Entity.x"))
                .isInstanceOf(TemplateParseException.class)
                .hasMessage("template: validation:2: unclosed action");
        assertThatThrownBy(() -> ENGINE.parse(Engine.TEXT, "text", "a\nb\n{{if .X}}open"))
                .hasMessage("template: text:3: unexpected EOF");
        assertThatThrownBy(() -> ENGINE.parse(Engine.TEXT, "text", "{{nosuch .X}}"))
                .hasMessage("template: text:1: function \"nosuch\" not defined");
        assertThatThrownBy(() -> ENGINE.parse(Engine.TEXT, "text", "x\n{{end}}"))
                .hasMessage("template: text:2: unexpected {{end}}");
        assertThatThrownBy(() -> ENGINE.parse(Engine.TEXT, "text", "{{\"open}}"))
                .hasMessage("template: text:1: unterminated quoted string");
        assertThatThrownBy(() -> ENGINE.parse(Engine.TEXT, "text", "{{continue}}"))
                .hasMessage("template: text:1: {{continue}} outside {{range}}");
        assertThatThrownBy(() -> ENGINE.parse(Engine.TEXT, "text", "{{.Entity.x}"))
                .hasMessageStartingWith("template: text:1: ");
        // a trailing pipe is accepted, as in Go
        assertThat(text("{{.Entity.x |}}", "{'x':1}")).isEqualTo("1");
    }
}
