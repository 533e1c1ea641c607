package org.civicos.workers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.testing.PostgresServer;
import org.junit.jupiter.api.Test;

class SchemaCommandTest {

  @Test
  void checkFailsOnAnEmptyDatabaseApplyFixesItAndIsIdempotent() {
    DatabaseUrl db = PostgresServer.newDatabase("cli_schema");
    Map<String, String> env = CliTestSupport.env(db);

    CliTestSupport.Run before = CliTestSupport.run(env, "schema", "check");
    assertThat(before.exit()).isEqualTo(1);
    assertThat(before.err()).contains("default: error: schema 'metadata' does not exist");

    CliTestSupport.Run apply = CliTestSupport.run(env, "schema", "apply", "--civic-os");
    assertThat(apply.exit()).isZero();
    assertThat(apply.out()).contains("default: river: installed River migrations 1-6 in schema metadata")
        .contains("default: civic-os: installed");
    CliTestSupport.Run again = CliTestSupport.run(env, "schema", "apply", "--civic-os");
    assertThat(again.out()).contains("left unchanged").doesNotContain("installed");

    CliTestSupport.Run after = CliTestSupport.run(env, "schema", "check");
    assertThat(after.exit()).isZero();
    assertThat(after.out()).isEqualTo("default: ok\n");
  }

  @Test
  void riverOnlyApplyInACustomSchemaAndConfigurationErrorsNameTheVariable() {
    DatabaseUrl db = PostgresServer.newDatabase("cli_schema_custom");
    Map<String, String> env = CliTestSupport.env(db);
    env.put("RIVER_SCHEMA", "jobs");
    assertThat(CliTestSupport.run(env, "schema", "apply").exit()).isZero();
    assertThat(CliTestSupport.run(env, "schema", "check", "--river-only").exit()).isZero();

    env.put("RIVER_SCHEMA", "bad-name;");
    CliTestSupport.Run bad = CliTestSupport.run(env, "schema", "check");
    assertThat(bad.exit()).isEqualTo(78);
    assertThat(bad.err()).startsWith("workers: configuration: RIVER_SCHEMA must match");

    CliTestSupport.Run usage = CliTestSupport.run(CliTestSupport.env(db), "schema", "drop");
    assertThat(usage.exit()).isEqualTo(64);
    CliTestSupport.Run unknown = CliTestSupport.run(Map.of(), "frobnicate");
    assertThat(unknown.exit()).isEqualTo(64);
    assertThat(unknown.err()).contains("unknown command 'frobnicate'");
  }
}
