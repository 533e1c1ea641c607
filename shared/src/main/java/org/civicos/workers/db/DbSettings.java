package org.civicos.workers.db;

import java.time.Duration;
import java.util.Optional;
import org.civicos.workers.config.Env;

/**
 * How a function talks to PostgreSQL, read once from the environment. The defaults are the one-connection
 * Lambda settings of ARCHITECTURE §4: pool of 1, nothing held when idle, timeouts well inside a Lambda
 * timeout.
 *
 * @param applicationName sent in the startup packet (never with {@code SET}, which would pin RDS Proxy)
 */
public record DbSettings(
    String applicationName,
    AuthMode auth,
    int maxConnections,
    ReleasePolicy release,
    Duration connectTimeout,
    Duration socketTimeout,
    Duration maxLifetime,
    Optional<String> iamRegion,
    Optional<String> sslRootCert) {

  public static final int DEFAULT_MAX_CONNS = 1;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(10);

  /** Password from the URL, or a fresh RDS IAM token for every new physical connection. */
  public enum AuthMode { PASSWORD, IAM }

  /**
   * What happens to the pooled connection when an invocation ends. KEEP suits RDS Proxy, where an idle,
   * unpinned client connection holds no database connection; EVICT closes it, for direct PostgreSQL and
   * PgBouncer, so an idle function holds zero server connections.
   */
  public enum ReleasePolicy { KEEP, EVICT }

  public static DbSettings fromEnv(Env env, String function) {
    return new DbSettings(
        "civic-workers/" + function,
        env.enumValue("DB_AUTH", AuthMode.PASSWORD),
        env.integer("DB_MAX_CONNS", DEFAULT_MAX_CONNS, 1, 100),
        env.enumValue("DB_RELEASE", ReleasePolicy.EVICT),
        env.duration("DB_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(250)),
        env.duration("DB_SOCKET_TIMEOUT", DEFAULT_SOCKET_TIMEOUT, Duration.ofSeconds(1)),
        env.duration("DB_MAX_LIFETIME", DEFAULT_MAX_LIFETIME, Duration.ofSeconds(30)),
        env.optional("DB_IAM_REGION").or(() -> env.optional("AWS_REGION")),
        env.optional("DB_SSL_ROOT_CERT"));
  }

  /** Settings for tests and tools: password auth, evict on release. */
  public static DbSettings local(String applicationName, int maxConnections) {
    return new DbSettings(applicationName, AuthMode.PASSWORD, maxConnections, ReleasePolicy.EVICT,
        DEFAULT_CONNECT_TIMEOUT, DEFAULT_SOCKET_TIMEOUT, DEFAULT_MAX_LIFETIME, Optional.empty(),
        Optional.empty());
  }

  public DbSettings withRelease(ReleasePolicy policy) {
    return new DbSettings(applicationName, auth, maxConnections, policy, connectTimeout, socketTimeout,
        maxLifetime, iamRegion, sslRootCert);
  }

  public DbSettings withMaxConnections(int max) {
    return new DbSettings(applicationName, auth, max, release, connectTimeout, socketTimeout, maxLifetime,
        iamRegion, sslRootCert);
  }

  public DbSettings withApplicationName(String name) {
    return new DbSettings(name, auth, maxConnections, release, connectTimeout, socketTimeout, maxLifetime,
        iamRegion, sslRootCert);
  }
}
