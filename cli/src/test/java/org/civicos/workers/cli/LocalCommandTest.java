package org.civicos.workers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.testing.PostgresServer;
import org.civicos.workers.testing.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `workers local --exit-when-idle`: the demo processes its work end to end and exits 0 with nothing held. */
class LocalCommandTest {

  @Test
  void processesTheDemoWorkEndToEndAndExitsWhenIdle(@TempDir Path dir) throws Exception {
    DatabaseUrl server = PostgresServer.admin();
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", "postgres://" + server.user() + ":" + server.password() + "@" + server.host() + ":"
        + server.port() + "/postgres");
    env.put("LOCAL_DIR", dir.toString());
    env.put("LOCAL_TICK", "500ms");
    env.put("DEMO_UPLOADS", "4");
    env.put("DEMO_NOTIFICATIONS", "6");
    env.put("DEMO_IDLE_TENANTS", "2");

    CliTestSupport.Run run = CliTestSupport.run(env, "local", "--exit-when-idle");

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("local: using the PostgreSQL server of DATABASE_URL")
        .contains("s3_signer {completed=4}; thumbnails {completed=4}; notifications {completed=8}")
        .contains("4 uploads done (0 failed), 12 thumbnails in S3, 6 emails in")
        .contains(", 0 now");
    try (Stream<Path> emails = Files.list(dir.resolve("outbox"))) {
      assertThat(emails.filter(p -> p.toString().endsWith(".eml")).count()).isEqualTo(6);
    }
    DatabaseUrl demo = server.withDatabase("civic_workers_demo_demo");
    assertThat(Sql.count(demo, "SELECT count(*) FROM metadata.files WHERE thumbnail_status = 'completed'")).isEqualTo(4);
    assertThat(Sql.count(demo, "SELECT count(*) FROM metadata.notifications WHERE status = 'sent'")).isEqualTo(6);
    assertThat(Sql.count(server, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'civic-workers/%'"))
        .isZero();
  }
}
