package org.civicos.workers.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every environment variable the code reads is in the README's configuration table, with its default. */
class ConfigurationTableTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  /** {@code env.integer("NAME", ...)}, {@code env.optional("NAME")}, {@code System.getenv("NAME")}. */
  private static final Pattern READ = Pattern.compile("(?:env\\.[a-zA-Z]+|getenv)\\(\"([A-Z][A-Z0-9_]+)\"");
  /** Set by the Lambda runtime, not by operators. */
  private static final Set<String> PROVIDED_BY_LAMBDA = Set.of("AWS_LAMBDA_FUNCTION_NAME",
      "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_LOG_GROUP_NAME",
      "AWS_LAMBDA_FUNCTION_VERSION", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "_HANDLER",
      "AWS_LAMBDA_INITIALIZATION_TYPE");

  @Test
  void everyVariableTheCodeReadsHasARowInTheReadmeConfigurationTable() throws IOException {
    Set<String> read = new TreeSet<>();
    for (String module : new String[] {"shared", "cli", "functions"}) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(module))) {
        files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("src" + java.io.File.separator
            + "main")).forEach(f -> {
              Matcher m = READ.matcher(read(f));
              while (m.find()) {
                read.add(m.group(1));
              }
            });
      }
    }
    read.removeAll(PROVIDED_BY_LAMBDA);
    assertThat(read).as("variables read by the code").hasSizeGreaterThan(40).contains("DATABASE_URL", "JOB_TIMEOUT");

    Set<String> documented = new TreeSet<>();
    Pattern row = Pattern.compile("^\\| ([^|]*`[A-Z][A-Z0-9_]+`[^|]*) \\| ([^|]+) \\|", Pattern.MULTILINE);
    Matcher rows = row.matcher(read(ROOT.resolve("README.md")));
    while (rows.find()) {
      Matcher name = Pattern.compile("`([A-Z][A-Z0-9_]+)`").matcher(rows.group(1));
      while (name.find()) {
        documented.add(name.group(1));
      }
    }
    assertThat(documented).as("names in the README's tables").containsAll(read);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
