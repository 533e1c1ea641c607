package org.civicos.workers.db;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.civicos.workers.config.ConfigException;

/**
 * The DataSource HikariCP draws physical connections from. Each {@link #getConnection()} asks the
 * {@link CredentialSource} for a password, which is how IAM mode signs one token per new connection.
 * Connection properties avoid everything that would pin an RDS Proxy session: the application name and
 * server version travel in the startup packet, and server-side prepared statements are off.
 */
public final class PgConnectionFactory implements DataSource {
  /** Session-level settings that would pin an RDS Proxy session or break PgBouncer transaction mode. */
  private static final Set<String> FORBIDDEN_PARAMETERS = Set.of("currentSchema", "options");

  private final DatabaseUrl url;
  private final DbSettings settings;
  private final CredentialSource credentials;
  private final org.postgresql.Driver driver = new org.postgresql.Driver();
  private final AtomicLong opened = new AtomicLong();

  public PgConnectionFactory(DatabaseUrl url, DbSettings settings, CredentialSource credentials) {
    for (String key : url.parameters().keySet()) {
      if (FORBIDDEN_PARAMETERS.contains(key)) {
        throw new ConfigException("DATABASE_URL must not set '" + key + "': it becomes session state that pins "
            + "RDS Proxy and is lost under PgBouncer; civic-workers schema-qualifies every statement instead "
            + "(set RIVER_SCHEMA)");
      }
    }
    this.url = url;
    this.settings = settings;
    this.credentials = credentials;
  }

  Properties properties() {
    Properties props = new Properties();
    if (url.user() != null) {
      props.setProperty("user", url.user());
    }
    props.setProperty("ApplicationName", settings.applicationName());
    props.setProperty("assumeMinServerVersion", "12");
    props.setProperty("prepareThreshold", "0");
    props.setProperty("connectTimeout", Long.toString(Math.max(1, settings.connectTimeout().toSeconds())));
    props.setProperty("loginTimeout", Long.toString(Math.max(1, settings.connectTimeout().toSeconds())));
    props.setProperty("socketTimeout", Long.toString(Math.max(1, settings.socketTimeout().toSeconds())));
    props.setProperty("tcpKeepAlive", "true");
    // A closed connection's server slot is free when close() returns (see AwaitServerCloseSocketFactory).
    props.setProperty("socketFactory", AwaitServerCloseSocketFactory.class.getName());
    if (settings.auth() == DbSettings.AuthMode.IAM && !url.parameters().containsKey("sslmode")) {
      // IAM tokens are bearer credentials: only send them over a verified TLS connection.
      props.setProperty("sslmode", "verify-full");
      if (settings.sslRootCert().isPresent()) {
        props.setProperty("sslrootcert", settings.sslRootCert().get());
      } else {
        // The JDK trust store carries the Amazon Trust Services roots that RDS Proxy certificates chain to.
        props.setProperty("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
      }
    }
    return props;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Properties props = properties();
    String password = credentials.password(url);
    if (password != null) {
      props.setProperty("password", password);
    }
    Connection connection = driver.connect(url.jdbcUrl(), props);
    if (connection == null) {
      throw new SQLException("pgjdbc did not accept " + url);
    }
    opened.incrementAndGet();
    return connection;
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection();
  }

  public long connectionsOpened() {
    return opened.get();
  }

  public DatabaseUrl url() {
    return url;
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
  }

  @Override
  public void setLoginTimeout(int seconds) {
  }

  @Override
  public int getLoginTimeout() {
    return (int) settings.connectTimeout().toSeconds();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper for " + iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
