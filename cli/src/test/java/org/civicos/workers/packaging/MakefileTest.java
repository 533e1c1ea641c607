package org.civicos.workers.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs each function's Makefile the two ways it is used: {@code make -C functions/<dir> build-<Id>} by hand, and
 * {@code make --makefile <path> build-<Id>} from an unrelated directory, as {@code sam build} does (in a scratch
 * copy). SKIP_BUILD=1: the reactor already packaged the artifacts earlier in this verify run.
 */
class MakefileTest {
  static Path root;

  @BeforeAll
  static void requireMake() {
    root = Cfn.repoRoot();
    boolean hasMake;
    try {
      Process p = new ProcessBuilder("make", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      hasMake = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      hasMake = false;
    }
    Assumptions.assumeTrue(hasMake, "make is not installed");
  }

  static Stream<SamTemplateTest.Function> functions() {
    return SamTemplateTest.FUNCTIONS.stream();
  }

  @ParameterizedTest
  @MethodSource("functions")
  void makeDashCCopiesTheArtifactIntoAnEmptiedArtifactsDir(SamTemplateTest.Function fn, @TempDir Path tmp)
      throws Exception {
    Path out = tmp.resolve("out");
    Files.createDirectories(out.resolve("old/stale"));
    Files.writeString(out.resolve("old/stale/left-over.class"), "from an earlier build");
    Files.writeString(out.resolve(".hidden"), "also stale");

    Result result = make(tmp, Map.of(), "-C", root.resolve("functions").resolve(fn.dir()).toString(),
        "build-" + fn.id(), "ARTIFACTS_DIR=" + out, "SKIP_BUILD=1");

    assertThat(result.exit()).as(result.output()).isZero();
    assertLambdaLayout(fn, out);
  }

  @ParameterizedTest
  @MethodSource("functions")
  void samStyleInvocationFromAScratchDirectoryFindsTheRepository(SamTemplateTest.Function fn, @TempDir Path tmp)
      throws Exception {
    Path scratch = Files.createDirectories(tmp.resolve("scratch"));
    Path out = tmp.resolve("artifacts");
    Path makefile = root.resolve("functions").resolve(fn.dir()).resolve("Makefile");

    Result result = make(scratch, Map.of("ARTIFACTS_DIR", out.toString(), "SKIP_BUILD", "1"),
        "--makefile", makefile.toString(), "build-" + fn.id());

    assertThat(result.exit()).as(result.output()).isZero();
    assertLambdaLayout(fn, out);
  }

  @Test
  void refusesToRunWithoutArtifactsDir(@TempDir Path tmp) throws Exception {
    SamTemplateTest.Function fn = SamTemplateTest.FUNCTIONS.get(0);
    Result result = make(tmp, Map.of(), "-C", root.resolve("functions").resolve(fn.dir()).toString(),
        "build-" + fn.id(), "SKIP_BUILD=1");
    assertThat(result.exit()).isNotZero();
    assertThat(result.output()).contains("ARTIFACTS_DIR is not set");
  }

  /** Classes at the root (the handler at its package path), runtime jars in lib/, nothing stale. */
  private static void assertLambdaLayout(SamTemplateTest.Function fn, Path out) throws IOException {
    Path handlerClass = out.resolve(fn.handlerClass().replace('.', '/') + ".class");
    assertThat(handlerClass).isRegularFile();
    try (Stream<Path> jars = Files.list(out.resolve("lib"))) {
      List<String> names = jars.map(p -> p.getFileName().toString()).toList();
      assertThat(names).isNotEmpty().allMatch(n -> n.endsWith(".jar"));
      assertThat(names).anyMatch(n -> n.contains("aws-lambda-java-core"))
          .anyMatch(n -> n.contains("org.civicos.workers.shared"));
    }
    assertThat(out.resolve("old")).doesNotExist();
    assertThat(out.resolve(".hidden")).doesNotExist();
    Path artifact = root.resolve("functions").resolve(fn.dir()).resolve("target").resolve(fn.dir() + "-lambda");
    assertThat(relativeFiles(out)).isEqualTo(relativeFiles(artifact));
  }

  private static TreeSet<String> relativeFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
          .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    }
  }

  record Result(int exit, String output) {
  }

  private static Result make(Path workingDir, Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("make");
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true);
    builder.environment().remove("ARTIFACTS_DIR");
    builder.environment().remove("SKIP_BUILD");
    builder.environment().remove("MAKEFLAGS");
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("make did not finish: " + output);
    }
    return new Result(process.exitValue(), output);
  }
}
