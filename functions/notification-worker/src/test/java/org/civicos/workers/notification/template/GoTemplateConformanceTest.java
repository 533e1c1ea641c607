package org.civicos.workers.notification.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Runs the Go golden cases ({@code shared/fixtures/go-templates/public.jsonl}, produced by Go's own standard
 * library) through the engine. Skipped when the fixtures are not present. The fixture file is read at test time
 * only and never copied into this repository.
 */
class GoTemplateConformanceTest {

    private static final String SITE_URL = "https://demo.civic-os.test";

    /** Parse-error details whose wording is part of the stable contract (fixtures README). */
    private static final List<String> STABLE_PARSE_DETAILS = List.of("unclosed action", "unexpected EOF",
            "function \"", "unexpected {{end}}", "unexpected {{else}}", "missing value for ", "undefined variable ",
            "unclosed comment", "comment ends before closing delimiter", "unterminated quoted string",
            "{{break}} outside {{range}}", "{{continue}} outside {{range}}", "template: multiple definition of template");

    static Path locateFixtures() {
        String configured = System.getProperty("CIVIC_FIXTURES_DIR", System.getenv("CIVIC_FIXTURES_DIR"));
        if (configured != null && !configured.isBlank()) {
            Path dir = Paths.get(configured);
            Path[] candidates = {dir.resolve("go-templates/public.jsonl"), dir.resolve("public.jsonl"),
                dir.resolve("fixtures/go-templates/public.jsonl")};
            for (Path p : candidates) {
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
            return null;
        }
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom)) {
                try {
                    if (Files.readString(pom).contains("<module>shared</module>")) {
                        Path p = dir.resolveSibling("shared").resolve("fixtures/go-templates/public.jsonl");
                        return Files.isRegularFile(p) ? p : null;
                    }
                } catch (IOException e) {
                    return null;
                }
            }
            dir = dir.getParent();
        }
        return null;
    }

    @Test
    void goldenCasesRenderLikeGo() throws IOException {
        Path fixtures = locateFixtures();
        assumeTrue(fixtures != null, "Go template fixtures not found; set CIVIC_FIXTURES_DIR to run");
        ObjectMapper mapper = new ObjectMapper();
        GoTemplateEngine engine = new GoTemplateEngine(ZoneId.of("America/New_York"), Limits.defaults());
        int passed = 0;
        List<String> failures = new ArrayList<>();
        List<String> partial = new ArrayList<>();
        for (String line : Files.readAllLines(fixtures, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode c = mapper.readTree(line);
            String id = c.get("id").asText();
            Engine kind = c.get("engine").asText().equals("html") ? Engine.HTML : Engine.TEXT;
            String name = kind == Engine.HTML ? "html" : "text";
            String template = c.get("template").asText();
            JsonNode data = c.get("data");
            JsonNode expect = c.get("expect");
            String phase;
            String actual;
            try {
                CompiledTemplate t = engine.parse(kind, name, template);
                try {
                    actual = t.execute(RenderData.of(data, Map.of("site_url", SITE_URL)));
                    phase = "output";
                } catch (TemplateExecutionException e) {
                    actual = e.getMessage();
                    phase = "exec";
                }
            } catch (TemplateParseException e) {
                actual = e.getMessage();
                phase = "parse";
            } catch (RuntimeException e) {
                actual = e.toString();
                phase = "crash";
            }
            String problem;
            if (expect.has("output")) {
                String want = expect.get("output").asText();
                problem = phase.equals("output") && want.equals(actual) ? null
                        : "want output " + quote(want) + "\n      got " + phase + " " + quote(actual);
            } else {
                String wantPhase = expect.get("phase").asText();
                String want = expect.get("error").asText();
                problem = wantPhase.equals(phase) && errorMatches(wantPhase, want, actual) ? null
                        : "want " + wantPhase + " error " + quote(want) + "\n      got " + phase + " " + quote(actual);
                if (problem == null && !want.equals(actual)) {
                    partial.add(id + ": want " + quote(want) + "\n      got " + quote(actual));
                }
            }
            if (problem == null) {
                passed++;
            } else {
                failures.add(id + ": " + problem);
            }
        }
        for (String p : partial) {
            System.out.println("STABLE-PART MATCH " + p);
        }
        for (String f : failures) {
            System.out.println("FAIL " + f);
        }
        System.out.println("Go template conformance: " + (passed - partial.size()) + " exact, " + partial.size()
                + " matching the stable parts of the error message");
        System.out.println("conformance: " + passed + " passed, " + failures.size() + " failed");
        assertThat(failures).as("failing conformance cases").isEmpty();
    }

    static boolean errorMatches(String phase, String want, String got) {
        if (want.equals(got)) {
            return true;
        }
        if (phase.equals("parse")) {
            int colon = nthIndexOf(want, ':', 2);
            if (colon < 0 || !got.startsWith(want.substring(0, colon + 1))) {
                return false;
            }
            String detail = want.substring(colon + 1).strip();
            return STABLE_PARSE_DETAILS.stream().noneMatch(detail::startsWith);
        }
        if (want.startsWith("html/template:")) {
            int dump = want.indexOf(": {");
            return dump > 0 && got.startsWith(want.substring(0, dump));
        }
        int cmp = want.indexOf("incompatible types for comparison");
        if (cmp > 0) {
            return got.startsWith(want.substring(0, cmp + "incompatible types for comparison".length()));
        }
        return false;
    }

    private static int nthIndexOf(String s, char c, int n) {
        int idx = -1;
        for (int i = 0; i < n; i++) {
            idx = s.indexOf(c, idx + 1);
            if (idx < 0) {
                return -1;
            }
        }
        return idx;
    }

    private static String quote(String s) {
        return GoFmt.quote(s, '"', false);
    }
}
