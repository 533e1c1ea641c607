package org.civicos.workers.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an external command to completion and returns its output. */
public final class Proc {
  public record Result(int exit, String output, long nanos) {
  }

  /** One line of output and when it arrived, in ns after the process was started. */
  public record Line(long nanos, String text) {
  }

  /** Output line by line with arrival times; {@code nanos} is process start to exit. */
  public record Lines(int exit, List<Line> lines, long nanos) {
    public String output() {
      StringBuilder s = new StringBuilder();
      lines.forEach(l -> s.append(l.text()).append('\n'));
      return s.toString();
    }
  }

  private Proc() {
  }

  public static Result run(List<String> command, Map<String, String> env, long timeoutSeconds) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(env);
      long start = System.nanoTime();
      Process process = builder.start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), System.nanoTime() - start);
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }

  /**
   * Like {@link #check}, reading the output as it comes and stamping each line with the time it reached this
   * process (what a log collector reading the child's stdout would see), relative to just before the start.
   */
  public static Lines checkLines(List<String> command, Map<String, String> env, long timeoutSeconds) {
    Process process = null;
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(env);
      long start = System.nanoTime();
      process = builder.start();
      Process watched = process;
      Thread watchdog = Thread.ofVirtual().start(() -> {
        try {
          if (!watched.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            watched.destroyForcibly();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      List<Line> lines = new ArrayList<>();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String text = out.readLine(); text != null; text = out.readLine()) {
          lines.add(new Line(System.nanoTime() - start, text));
        }
      }
      int exit = process.waitFor();
      long nanos = System.nanoTime() - start;
      watchdog.interrupt();
      Lines result = new Lines(exit, lines, nanos);
      if (exit != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited " + exit + ":\n" + result.output());
      }
      return result;
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }

  public static Result check(List<String> command, Map<String, String> env, long timeoutSeconds) {
    Result r = run(command, env, timeoutSeconds);
    if (r.exit() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited " + r.exit() + ":\n" + r.output());
    }
    return r;
  }
}
