package org.civicos.workers.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.civicos.workers.testing.PostgresServer;
import org.civicos.workers.testing.Sql;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class AwaitServerCloseSocketFactoryTest {
  private static final int CYCLES = 40;
  private static DatabaseUrl url;

  @BeforeAll
  static void createDatabase() {
    url = PostgresServer.newDatabase("exitwait");
  }

  /** Open, use and close connections one after another; count closes whose backend was still listed after. */
  private static int backendsStillListedAfterClose(Properties props, String app) throws Exception {
    int listed = 0;
    try (Connection admin = DriverManager.getConnection(url.jdbcUrl(), adminProps());
        var count = admin.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
      count.setString(1, app);
      for (int i = 0; i < CYCLES; i++) {
        Connection c = DriverManager.getConnection(url.jdbcUrl(), props);
        try (var st = c.createStatement()) {
          st.execute("SELECT 1");
        }
        c.close();
        try (var rs = count.executeQuery()) {
          rs.next();
          listed += rs.getInt(1) > 0 ? 1 : 0;
        }
      }
    }
    return listed;
  }

  private static Properties adminProps() {
    Properties p = new Properties();
    p.setProperty("user", url.user());
    if (url.password() != null) {
      p.setProperty("password", url.password());
    }
    return p;
  }

  @Test
  void aClosedConnectionsBackendHasLeftPgStatActivityWhenCloseReturns() throws Exception {
    PgConnectionFactory factory = new PgConnectionFactory(url, DbSettings.local("civic-workers/exit-wait", 1),
        CredentialSource.fromUrl());
    Properties ours = factory.properties();
    ours.setProperty("password", url.password());
    assertThat(ours.getProperty("socketFactory")).isEqualTo(AwaitServerCloseSocketFactory.class.getName());

    assertThat(backendsStillListedAfterClose(ours, "civic-workers/exit-wait")).isZero();
  }

  @Test
  void withoutItPgjdbcReturnsFromCloseWhileTheBackendIsStillListed() throws Exception {
    // The control: what the factory fixes happens here, or the test above proves nothing.
    Properties plain = adminProps();
    plain.setProperty("ApplicationName", "civic-workers/exit-plain");
    int listed = 0;
    for (int attempt = 0; attempt < 5 && listed == 0; attempt++) {
      listed = backendsStillListedAfterClose(plain, "civic-workers/exit-plain");
    }
    assertThat(listed).as("closes whose backend was still in pg_stat_activity, of " + CYCLES).isPositive();
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void aPeerThatNeverClosesIsGivenUpOnAfterTheWait() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      Socket socket = new AwaitServerCloseSocketFactory().createSocket("127.0.0.1", silent.getLocalPort());
      try (Socket accepted = silent.accept()) {
        socket.getOutputStream().write('X');
        socket.close();
        assertThat(socket.isClosed()).isTrue();
        assertThat(accepted.getInputStream().read()).isEqualTo('X');
        assertThat(accepted.getInputStream().read()).isEqualTo(-1); // our end of file came before we gave up
      }
    }
  }
}
