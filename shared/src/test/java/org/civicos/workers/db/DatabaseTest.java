package org.civicos.workers.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.civicos.workers.config.ConfigException;
import org.civicos.workers.testing.PostgresServer;
import org.civicos.workers.testing.Sql;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

class DatabaseTest {
  private static DatabaseUrl url;

  @BeforeAll
  static void createDatabase() {
    url = PostgresServer.newDatabase("database");
  }

  private static DbSettings settings(String app, DbSettings.ReleasePolicy release) {
    return DbSettings.local(app, 1).withRelease(release);
  }

  private static int selectOne(Database db) {
    return db.withConnection("select 1", c -> {
      try (var st = c.createStatement(); var rs = st.executeQuery("SELECT 1")) {
        rs.next();
        return rs.getInt(1);
      }
    });
  }

  @Test
  void opensNothingUntilTheFirstStatement() {
    try (Database db = new Database("t", url, settings("civic-workers/lazy", DbSettings.ReleasePolicy.KEEP), CredentialSource.fromUrl())) {
      assertThat(Sql.connectionsOf(url, "civic-workers/lazy")).isZero();
      assertThat(selectOne(db)).isEqualTo(1);
      assertThat(Sql.connectionsOf(url, "civic-workers/lazy")).isEqualTo(1);
    }
  }

  @Test
  void evictLeavesZeroServerConnectionsAfterAnInvocationAndKeepLeavesOne() {
    try (Database evict = new Database("t", url, settings("civic-workers/evict", DbSettings.ReleasePolicy.EVICT), CredentialSource.fromUrl());
        Database keep = new Database("t", url, settings("civic-workers/keep", DbSettings.ReleasePolicy.KEEP), CredentialSource.fromUrl())) {
      for (int invocation = 0; invocation < 3; invocation++) {
        selectOne(evict);
        selectOne(keep);
        assertThat(Sql.connectionsOf(url, "civic-workers/evict")).isEqualTo(1);
        evict.release();
        keep.release();
        assertThat(Sql.connectionsOf(url, "civic-workers/evict")).isZero();
        assertThat(Sql.connectionsOf(url, "civic-workers/keep")).isEqualTo(1);
      }
      assertThat(evict.connectionsOpened()).isEqualTo(3);
      assertThat(keep.connectionsOpened()).isEqualTo(1);
    }
  }

  @Test
  void physicalConnectionsCountsWhatIsOpenWithoutWaitingForTheBorrower() throws Exception {
    try (Database evict = new Database("t", url, settings("civic-workers/gauge-e", DbSettings.ReleasePolicy.EVICT), CredentialSource.fromUrl());
        Database keep = new Database("t", url, settings("civic-workers/gauge-k", DbSettings.ReleasePolicy.KEEP), CredentialSource.fromUrl())) {
      assertThat(evict.physicalConnections()).isZero();
      java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch leave = new java.util.concurrent.CountDownLatch(1);
      Thread borrower = Thread.ofPlatform().start(() -> evict.withConnection("hold", c -> {
        inside.countDown();
        try {
          leave.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      }));
      inside.await();
      assertThat(evict.physicalConnections()).isEqualTo(1); // read while the borrower holds the connection
      leave.countDown();
      borrower.join();
      assertThat(evict.physicalConnections()).isEqualTo(1);
      evict.release();
      assertThat(evict.physicalConnections()).isZero();

      // A server-side drop is noticed at the next borrow, and the dead connection is not counted twice.
      selectOne(evict);
      Sql.rows(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'civic-workers/gauge-e'");
      assertThatThrownBy(() -> selectOne(evict)).isInstanceOf(DatabaseException.class);
      selectOne(evict);
      assertThat(evict.physicalConnections()).isEqualTo(1);
      evict.release();
      assertThat(evict.physicalConnections()).isZero();

      selectOne(keep);
      keep.release();
      assertThat(keep.physicalConnections()).isEqualTo(1);
      keep.close();
      assertThat(keep.physicalConnections()).isZero();
    }
  }

  @Test
  void concurrentCallersShareTheSingleConnectionOneAtATime() throws Exception {
    String app = "civic-workers/shared";
    try (Database db = new Database("t", url, settings(app, DbSettings.ReleasePolicy.KEEP), CredentialSource.fromUrl())) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<Long>> seen = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        seen.add(pool.submit(() -> db.withConnection("count", c -> {
          try (var st = c.prepareStatement(
              "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?, pg_sleep(0.01)".replace(", pg_sleep(0.01)", ""))) {
            st.setString(1, app);
            try (var rs = st.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        })));
      }
      for (Future<Long> f : seen) {
        assertThat(f.get()).isEqualTo(1);
      }
      pool.shutdown();
      assertThat(db.connectionsOpened()).isEqualTo(1);
    }
  }

  @Test
  void sendsTheApplicationNameAndNoSessionSettings() {
    DatabaseUrl withApp = url;
    try (Database db = new Database("t", withApp, settings("civic-workers/props", DbSettings.ReleasePolicy.KEEP), CredentialSource.fromUrl())) {
      String setting = db.withConnection("read settings", c -> {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT current_setting('application_name')")) {
          rs.next();
          return rs.getString(1);
        }
      });
      assertThat(setting).isEqualTo("civic-workers/props");
    }
    assertThatThrownBy(() -> new Database("t", url.withParameter("currentSchema", "metadata"),
        settings("x", DbSettings.ReleasePolicy.KEEP), CredentialSource.fromUrl()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DATABASE_URL must not set 'currentSchema'");
  }

  @Test
  void iamModeSignsAFreshTokenForEveryNewPhysicalConnection() {
    // The embedded server trusts local connections, so the token is accepted as a password: what we check is
    // that one is signed per new connection and none per borrow.
    RdsIamTokenSource tokens = new RdsIamTokenSource(
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")), Region.EU_WEST_1,
        Clock.systemUTC());
    DbSettings iam = new DbSettings("civic-workers/iam", DbSettings.AuthMode.IAM, 1, DbSettings.ReleasePolicy.EVICT,
        Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(10), Optional.of("eu-west-1"), Optional.empty());
    DatabaseUrl plain = url.withParameter("sslmode", "disable");
    try (Database db = new Database("t", plain, iam, tokens)) {
      selectOne(db);
      selectOne(db);
      assertThat(tokens.tokensIssued()).isEqualTo(1);
      db.release();
      selectOne(db);
      assertThat(tokens.tokensIssued()).isEqualTo(2);
    }
  }

  @Test
  void iamModeDefaultsToVerifiedTls() {
    DbSettings iam = new DbSettings("a", DbSettings.AuthMode.IAM, 1, DbSettings.ReleasePolicy.KEEP,
        Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(10), Optional.of("eu-west-1"), Optional.empty());
    var props = new PgConnectionFactory(url, iam, target -> "token").properties();
    assertThat(props.getProperty("sslmode")).isEqualTo("verify-full");
    assertThat(props.getProperty("sslfactory")).isEqualTo("org.postgresql.ssl.DefaultJavaSSLFactory");
    assertThat(props.getProperty("prepareThreshold")).isEqualTo("0");
    assertThat(props.getProperty("assumeMinServerVersion")).isEqualTo("12");
    assertThat(props.getProperty("password")).isNull();
  }
}
