package org.civicos.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.civicos.workers.db.CredentialSource;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.queue.JobOutcome;
import org.civicos.workers.queue.QueueSpec;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.queue.RiverSchema;
import org.civicos.workers.tenant.Tenant;
import org.civicos.workers.tenant.TenantDatabases;
import org.civicos.workers.tenant.TenantDirectory;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.junit.jupiter.api.Test;

class QueueHandlerTest {
  private static final RiverSchema SCHEMA = new RiverSchema("metadata");
  private static final String APP = "civic-workers/handler-test";

  static final class Noop implements JobWorker<Object> {
    @Override
    public String kind() {
      return "noop";
    }

    @Override
    public Class<Object> argsType() {
      return Object.class;
    }

    @Override
    public Duration timeout() {
      return Duration.ofSeconds(1);
    }

    @Override
    public JobOutcome execute(JobContext context, Object args) {
      return JobOutcome.completed();
    }
  }

  private record Sent(String function, Activation activation) {
  }

  @Test
  void refusesUnknownTenantsAndForeignQueuesBeforeOpeningAnyConnection() {
    DatabaseUrl url = TestDatabases.withSchema("handler_reject", SCHEMA, false);
    Sql.insertJobs(url, "metadata", "q", "noop", 1, "{}");
    List<Sent> sent = new ArrayList<>();
    try (TenantDatabases dbs = new TenantDatabases(DbSettings.local(APP, 1), CredentialSource.fromUrl())) {
      QueueHandler handler = handler(url, dbs, (f, a) -> sent.add(new Sent(f, a)), 10);
      QueueHandler.Result unknownTenant = handler.handle(new Activation("nobody", "q", "poll"),
          () -> Duration.ofMinutes(1), "req-1", Optional.of("self"));
      QueueHandler.Result otherQueue = handler.handle(new Activation("t1", "thumbnails", "poll"),
          () -> Duration.ofMinutes(1), "req-2", Optional.of("self"));
      assertThat(unknownTenant.rejection()).isEqualTo("unknown tenant 'nobody'");
      assertThat(otherQueue.rejection()).isEqualTo("queue 'thumbnails' is not served by test-fn (it drains 'q')");
      assertThat(dbs.all()).isEmpty();
      assertThat(Sql.connectionsOf(url, APP)).isZero();
      assertThat(Sql.count(url, "SELECT count(*) FROM metadata.river_job WHERE state = 'available'")).isEqualTo(1);
    }
    assertThat(sent).isEmpty();
  }

  @Test
  void activationsAreValidatedBeforeAnythingElse() {
    assertThat(Activation.parse("{\"tenant\":\"t1\",\"queue\":\"q\"}").reason()).isEqualTo("poll");
    assertThatThrownBy(() -> Activation.parse("[1]")).hasMessageStartingWith("activation must be a JSON object");
    assertThatThrownBy(() -> Activation.parse("{\"tenant\":\"t1; DROP TABLE x\",\"queue\":\"q\"}"))
        .hasMessageContaining("is not a valid name");
    assertThatThrownBy(() -> Activation.parse("{\"tenant\":\"t1\",\"queue\":\"q\",\"reason\":\"because\"}"))
        .hasMessageContaining("activation reason must be one of");
    assertThatThrownBy(() -> Activation.parse("not json \u0000")).hasMessage("activation is not JSON: 'not json ?'");
  }

  @Test
  void drainsReleasesTheConnectionAndContinuesOnceWhenTimeRunsOut() {
    DatabaseUrl url = TestDatabases.withSchema("handler_drain", SCHEMA, false);
    Sql.insertJobs(url, "metadata", "q", "noop", 30, "{}");
    List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    try (TenantDatabases dbs = new TenantDatabases(DbSettings.local(APP, 1), CredentialSource.fromUrl())) {
      QueueHandler handler = handler(url, dbs, (f, a) -> sent.add(new Sent(f, a)), 10);
      // Enough time for exactly one claim of 10: the second claim check sees too little time.
      List<Duration> remaining = new ArrayList<>(List.of(Duration.ofSeconds(30), Duration.ofMillis(900)));
      Deadline deadline = () -> remaining.size() > 1 ? remaining.remove(0) : remaining.get(0);
      QueueHandler.Result result = handler.handle(new Activation("t1", "q", "poll"), deadline, "req-3",
          Optional.of("arn:aws:lambda:eu-west-1:1:function:handler:live"));
      assertThat(result.report().completed()).isEqualTo(10);
      assertThat(result.continued()).isTrue();
      assertThat(result.connectionOpened()).isTrue();
      assertThat(sent).containsExactly(new Sent("arn:aws:lambda:eu-west-1:1:function:handler:live",
          new Activation("t1", "q", "continuation")));
      assertThat(Sql.connectionsOf(url, APP)).isZero();
      assertThat(Sql.row(url, "SELECT attempted_by[1] AS by FROM metadata.river_job WHERE state = 'completed' LIMIT 1"))
          .containsEntry("by", "civic-workers/test-fn/req-3");

      QueueHandler.Result rest = handler.handle(new Activation("t1", "q", "continuation"),
          () -> Duration.ofMinutes(5), "req-4", Optional.of("self"));
      assertThat(rest.report().completed()).isEqualTo(20);
      assertThat(rest.continued()).isFalse();
      assertThat(sent).hasSize(1);
    }
  }

  private static QueueHandler handler(DatabaseUrl url, TenantDatabases dbs, Invoker invoker, int batch) {
    return new QueueHandler("test-fn", new QueueSpec("q", List.of("noop")),
        new TenantDirectory(List.of(new Tenant("t1", url))), dbs, SCHEMA, List.of(new Noop()),
        new DrainSettings(batch, 4, Duration.ofMillis(100)), invoker, InstantSource.system(), RetryPolicy.standard());
  }
}
