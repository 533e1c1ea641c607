package org.civicos.workers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void rendersTextAndHtmlAndSignalsParseAndExecutionErrorsByExitCode(@TempDir Path dir) throws Exception {
    Path data = Files.writeString(dir.resolve("data.json"), "{\"name\": \"<Ann & Bo>\", \"n\": 1234567}");
    Path text = Files.writeString(dir.resolve("t.tmpl"), "Hi {{.Entity.name}} #{{.Entity.n}} {{.Entity.x}}");
    Path html = Files.writeString(dir.resolve("h.tmpl"), "<p title=\"{{.Entity.name}}\">{{.Metadata.site_url}}</p>");
    Map<String, String> env = Map.of("SITE_URL", "https://civic.example.org");

    CliTestSupport.Run t = CliTestSupport.run(env, "render", "--engine", "text", "--template", text.toString(), "--data", data.toString());
    assertThat(t.exit()).isZero();
    assertThat(t.out()).isEqualTo("Hi <Ann & Bo> #1.234567e+06 <no value>");
    CliTestSupport.Run h = CliTestSupport.run(env, "render", "--engine", "html", "--template", html.toString(), "--data", data.toString());
    assertThat(h.out()).isEqualTo("<p title=\"&lt;Ann &amp; Bo&gt;\">https://civic.example.org</p>");

    Path broken = Files.writeString(dir.resolve("b.tmpl"), "{{if .Entity.name}}");
    CliTestSupport.Run parse = CliTestSupport.run(env, "render", "--template", broken.toString());
    assertThat(parse.exit()).isEqualTo(2);
    assertThat(parse.err()).isEqualTo("template: text:1: unexpected EOF\n");
    Path nil = Files.writeString(dir.resolve("n.tmpl"), "{{.Entity.a.b}}");
    CliTestSupport.Run exec = CliTestSupport.run(env, "render", "--template", nil.toString(), "--data", data.toString());
    assertThat(exec.exit()).isEqualTo(3);
    assertThat(exec.err()).contains("nil pointer evaluating interface {}.b");
  }

  @Test
  void checksManyCasesAtOnce(@TempDir Path dir) throws Exception {
    Path cases = Files.writeString(dir.resolve("cases.jsonl"), String.join("\n",
        "{\"id\": \"a\", \"engine\": \"text\", \"template\": \"{{.Entity.x}}\", \"data\": {\"x\": 1}}",
        "{\"id\": \"b\", \"engine\": \"html\", \"template\": \"<a href='{{.Entity.u}}'>\", \"data\": {\"u\": \"javascript:alert(1)\"}}",
        "{\"id\": \"c\", \"engine\": \"text\", \"template\": \"{{end}}\", \"data\": null}",
        "{\"id\": \"d\", \"engine\": \"text\", \"template\": \"{{eq .Entity.n 3}}\", \"data\": {\"n\": 3}}"));
    CliTestSupport.Run run = CliTestSupport.run(Map.of(), "render", "--cases", cases.toString());
    assertThat(run.exit()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(JSON.readTree(lines.get(0))).isEqualTo(JSON.readTree("{\"id\":\"a\",\"output\":\"1\"}"));
    assertThat(JSON.readTree(lines.get(1)).get("output").asText()).isEqualTo("<a href='#ZgotmplZ'>");
    assertThat(JSON.readTree(lines.get(2)).get("phase").asText()).isEqualTo("parse");
    assertThat(JSON.readTree(lines.get(3)).get("phase").asText()).isEqualTo("exec");
    assertThat(JSON.readTree(lines.get(3)).get("error").asText()).contains("incompatible types for comparison");
  }
}
