package org.civicos.workers.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The long soak, run by {@code scripts/chaos} (skipped otherwise): thousands of jobs, a longer fault phase, and one
 * PostgreSQL restart in the middle of it (the command in {@code CHAOS_PG_RESTART}). Sizes scale with
 * {@code CHAOS_SCALE} (default 4: about 4,000 jobs).
 */
@EnabledIfEnvironmentVariable(named = "CHAOS_SOAK", matches = "1")
class ChaosSoakTest {

  @Test
  void soak() throws Exception {
    int scale = Integer.parseInt(System.getenv().getOrDefault("CHAOS_SCALE", "4"));
    int faultSeconds = Integer.parseInt(System.getenv().getOrDefault("CHAOS_FAULT_SECONDS", "90"));
    String restart = System.getenv("CHAOS_PG_RESTART");
    Optional<Runnable> restartPostgres = Optional.ofNullable(restart).filter(s -> !s.isBlank()).map(cmd -> () -> {
      try {
        Process p = new ProcessBuilder("bash", "-c", cmd).inheritIO().start();
        if (p.waitFor() != 0) {
          throw new IllegalStateException("restart command failed: " + cmd);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    ChaosRig.Options quick = ChaosRig.Options.quick();
    ChaosRig.Options options = new ChaosRig.Options(quick.files() * scale, quick.uploads() * scale,
        quick.notifications() * scale, quick.templateChecks() * scale, 4, 0.1, 0.1,
        // Production's notification job timeout (30 s) exceeds the 20 s for which recording an accepted email is
        // retried; a PostgreSQL restart needs that patience, so the soak keeps the same order: 25 s, rescue after 35 s.
        Duration.ofSeconds(faultSeconds), Duration.ofSeconds(35), Duration.ofSeconds(25), Duration.ofSeconds(40), true,
        true, restartPostgres, Duration.ofMinutes(20), Long.parseLong(System.getenv().getOrDefault("CHAOS_SEED", "7")));
    try (ChaosRig rig = new ChaosRig(options)) {
      rig.seed();
      ChaosRig.Summary summary = rig.run();
      String text = summary.render();
      var problems = rig.verify();
      text += problems.isEmpty() ? "  verdict: all guarantees held\n"
          : "  verdict: " + problems.size() + " violations\n    " + String.join("\n    ", problems) + "\n";
      System.out.println(text);
      Path out = Path.of(System.getenv().getOrDefault("CHAOS_SUMMARY", "target/chaos-summary.txt"));
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, text);
      assertThat(problems).as(text).isEmpty();
      if (restartPostgres.isPresent()) {
        assertThat(summary.faults()).containsKey("postgres restarted");
      }
    }
  }
}
