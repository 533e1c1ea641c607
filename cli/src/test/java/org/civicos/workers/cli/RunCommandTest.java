package org.civicos.workers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import org.civicos.workers.config.Env;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.testing.PostgresServer;
import org.civicos.workers.testing.Sql;
import org.junit.jupiter.api.Test;

class RunCommandTest {

  private static long pending(DatabaseUrl db) {
    return Sql.count(db, "SELECT count(*) FROM metadata.river_job WHERE state <> 'completed'");
  }

  private static void await(DatabaseUrl db, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (pending(db) > 0 && System.nanoTime() < end) {
      Thread.sleep(50);
    }
  }

  @Test
  void pushActivationStartsHandlersLongBeforeTheNextPollAndStopReleasesEveryConnection() throws Exception {
    DatabaseUrl db = PostgresServer.newDatabase("cli_run");
    Map<String, String> env = CliTestSupport.env(db);
    CliTestSupport.run(env, "schema", "apply", "--civic-os");
    CliTestSupport.Run install = CliTestSupport.run(env, "schema", "push-activation", "install");
    assertThat(install.out()).isEqualTo("default: push activation installed\n");
    env.put("POLL_INTERVAL", "10m");
    env.put("DB_MAX_CONNS", "2");

    RunCommand.Consolidated consolidated = new RunCommand.Consolidated(new Env(env), true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread runner = Thread.ofPlatform().start(() -> {
      try {
        consolidated.run(new PrintStream(out, true));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    // Let the first tick run and the listener subscribe.
    long subscribed = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (Sql.count(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'civic-workers/push-listener'") == 0
        && System.nanoTime() < subscribed) {
      Thread.sleep(50);
    }
    Thread.sleep(300);

    long inserted = System.nanoTime();
    Sql.rows(db, "SELECT validate_template_parts(p_subject_template => 'Hello {{.Entity.name}}')");
    await(db, Duration.ofSeconds(20));
    Duration latency = Duration.ofNanos(System.nanoTime() - inserted);
    assertThat(pending(db)).isZero();
    assertThat(latency).as("pushed, not polled (the poll interval is 10 minutes)").isLessThan(Duration.ofMinutes(1));
    assertThat(out.toString()).contains("push activation on").contains("2 connection(s) per tenant");
    assertThat(Sql.count(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        + "AND application_name = 'civic-workers/consolidated'")).isBetween(1L, 2L);

    consolidated.stop();
    runner.join(Duration.ofSeconds(30));
    assertThat(runner.isAlive()).isFalse();
    assertThat(Sql.count(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        + "AND application_name LIKE 'civic-workers/%'")).isZero();

    assertThat(CliTestSupport.run(env, "schema", "push-activation", "remove").exit()).isZero();
    assertThat(Sql.count(db, "SELECT count(*) FROM pg_trigger WHERE tgname = 'civic_workers_notify_insert'")).isZero();
  }
}
