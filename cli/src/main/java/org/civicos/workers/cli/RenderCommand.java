package org.civicos.workers.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.civicos.workers.config.Env;
import org.civicos.workers.notification.NotificationSettings;
import org.civicos.workers.notification.template.Engine;
import org.civicos.workers.notification.template.GoTemplateEngine;
import org.civicos.workers.notification.template.Limits;
import org.civicos.workers.notification.template.RenderData;
import org.civicos.workers.notification.template.TemplateExecutionException;
import org.civicos.workers.notification.template.TemplateParseException;

/**
 * {@code workers render}: the notification worker's Go-template engine from the command line.
 * <ul>
 *   <li>{@code --engine text|html --template FILE --data FILE}: prints the output; on error prints Go's message on
 *       stderr and exits 2 (parse) or 3 (execution).
 *   <li>{@code --cases FILE}: JSON lines {@code {"id","engine","template","data"}} in, one JSON line
 *       {@code {"id","output"}} or {@code {"id","error","phase"}} out per case.
 * </ul>
 * The root is {@code {Entity: data, Metadata: {site_url: SITE_URL}}}, times in {@code NOTIFICATION_TIMEZONE}.
 */
final class RenderCommand {
  static final int PARSE_ERROR = 2;
  static final int EXEC_ERROR = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Result(String output, String error, String phase) {
  }

  static int run(Args args, Env env, PrintStream out, PrintStream err) throws IOException {
    NotificationSettings settings = NotificationSettings.fromEnv(env);
    GoTemplateEngine engine = new GoTemplateEngine(settings.zone(), Limits.defaults());
    Map<String, String> metadata = Map.of("site_url", settings.siteUrl());
    Optional<String> cases = args.option("--cases");
    if (cases.isPresent()) {
      args.done();
      return runCases(Path.of(cases.get()), engine, metadata, out);
    }
    Engine kind = engine(args.option("--engine").orElse("text"));
    String template = Files.readString(Path.of(args.option("--template")
        .orElseThrow(() -> new CommandException(64, "render needs --template FILE (or --cases FILE)"))));
    Optional<String> dataFile = args.option("--data");
    args.done();
    JsonNode data = dataFile.isPresent() ? JSON.readTree(Files.readString(Path.of(dataFile.get()))) : null;
    Result result = render(engine, kind, template, data, metadata);
    if (result.error() == null) {
      out.print(result.output());
      return 0;
    }
    err.println(result.error());
    return result.phase().equals("parse") ? PARSE_ERROR : EXEC_ERROR;
  }

  private static int runCases(Path file, GoTemplateEngine engine, Map<String, String> metadata, PrintStream out)
      throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode testCase = JSON.readTree(line);
        ObjectNode answer = JSON.createObjectNode();
        answer.set("id", testCase.has("id") ? testCase.get("id") : JSON.getNodeFactory().numberNode(number));
        Result result;
        try {
          result = render(engine, engine(testCase.path("engine").asText("text")), testCase.path("template").asText(""),
              testCase.get("data"), metadata);
        } catch (CommandException e) {
          result = new Result(null, e.getMessage(), "input");
        }
        if (result.error() == null) {
          answer.put("output", result.output());
        } else {
          answer.put("error", result.error()).put("phase", result.phase());
        }
        out.println(JSON.writeValueAsString(answer));
      }
    }
    return 0;
  }

  private static Result render(GoTemplateEngine engine, Engine kind, String template, JsonNode data,
      Map<String, String> metadata) {
    RenderData renderData;
    try {
      renderData = RenderData.of(data, metadata);
    } catch (IllegalArgumentException e) {
      return new Result(null, "invalid entity data: " + e.getMessage(), "input");
    }
    String name = kind == Engine.HTML ? "html" : "text";
    try {
      return new Result(engine.parse(kind, name, template).execute(renderData), null, null);
    } catch (TemplateParseException e) {
      return new Result(null, e.getMessage(), "parse");
    } catch (TemplateExecutionException e) {
      return new Result(null, e.getMessage(), "exec");
    }
  }

  private static Engine engine(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "text" -> Engine.TEXT;
      case "html" -> Engine.HTML;
      default -> throw new CommandException(64, "--engine must be text or html, got " + name);
    };
  }

  private RenderCommand() {
  }
}
