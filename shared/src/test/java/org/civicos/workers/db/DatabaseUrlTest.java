package org.civicos.workers.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.civicos.workers.config.ConfigException;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  @Test
  void parsesLibpqUrls() {
    DatabaseUrl url = DatabaseUrl.parse("DATABASE_URL", "postgres://worker:s%40cret@db.example.com:6432/civic_os?sslmode=require");
    assertThat(url.host()).isEqualTo("db.example.com");
    assertThat(url.port()).isEqualTo(6432);
    assertThat(url.database()).isEqualTo("civic_os");
    assertThat(url.user()).isEqualTo("worker");
    assertThat(url.password()).isEqualTo("s@cret");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6432/civic_os?sslmode=require");
  }

  @Test
  void parsesJdbcUrlsWithCredentialsInTheQuery() {
    DatabaseUrl url = DatabaseUrl.parse("DATABASE_URL", "jdbc:postgresql://localhost/civic?user=u&password=p&ssl=false");
    assertThat(url.port()).isEqualTo(5432);
    assertThat(url.user()).isEqualTo("u");
    assertThat(url.password()).isEqualTo("p");
    assertThat(url.parameters()).containsOnlyKeys("ssl");
    assertThat(url.jdbcUrl()).doesNotContain("password").doesNotContain("user=");
  }

  @Test
  void neverPrintsThePassword() {
    DatabaseUrl url = DatabaseUrl.parse("DATABASE_URL", "postgresql://admin:hunter2@10.0.0.1/db");
    assertThat(url.toString()).isEqualTo("postgres://admin:****@10.0.0.1:5432/db").doesNotContain("hunter2");
    assertThatThrownBy(() -> DatabaseUrl.parse("DATABASE_URL", "mysql://admin:hunter2@host/db"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DATABASE_URL must start with postgres://")
        .hasMessageNotContaining("hunter2");
    assertThat(DatabaseUrl.maskRaw("jdbc:postgresql://h/db?user=a&password=hunter2")).doesNotContain("hunter2");
  }

  @Test
  void namesTheVariableWhenMissing() {
    assertThatThrownBy(() -> DatabaseUrl.parse("DATABASE_URL", " "))
        .isInstanceOf(ConfigException.class).hasMessage("DATABASE_URL is required but not set");
  }
}
