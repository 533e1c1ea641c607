package org.civicos.workers.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Semaphore;
import org.civicos.workers.WorkersException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant database as a handler sees it: at most {@code DB_MAX_CONNS} (default 1) connections, none opened
 * until the first statement, given back according to the release policy when an invocation ends. With
 * {@code DB_RELEASE=keep} (RDS Proxy) the connections live in a HikariCP pool across warm invocations; with
 * {@code evict} and one connection, a pool would be started and torn down around every invocation, so the one
 * physical connection is held directly (a quarter of the cost per tenant tick in the poller benchmark). Callers
 * borrow through {@link #withConnection}; concurrent callers queue here for their turn.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final String name;
  private final DbSettings settings;
  private final PgConnectionFactory factory;
  private final Semaphore permits;
  private final boolean direct;
  private volatile HikariDataSource pool;
  private Connection held;
  /** Held connections from the start of their connect until their close returned (direct mode). */
  private final java.util.concurrent.atomic.AtomicInteger heldOpen = new java.util.concurrent.atomic.AtomicInteger();

  public Database(String name, DatabaseUrl url, DbSettings settings, CredentialSource credentials) {
    this.name = name;
    this.settings = settings;
    this.factory = new PgConnectionFactory(url, settings, credentials);
    this.permits = new Semaphore(settings.maxConnections(), true);
    this.direct = settings.release() == DbSettings.ReleasePolicy.EVICT && settings.maxConnections() == 1;
  }

  public String name() {
    return name;
  }

  public DatabaseUrl url() {
    return factory.url();
  }

  public DbSettings settings() {
    return settings;
  }

  /** Physical connections opened so far (each one authenticated afresh). */
  public long connectionsOpened() {
    return factory.connectionsOpened();
  }

  public <T> T withConnection(String what, SqlWork<T> work) {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkersException("interrupted while waiting for the database connection (" + what + ")", e);
    }
    Connection connection = null;
    boolean broken = false;
    try {
      connection = borrow();
      return work.apply(connection);
    } catch (SQLException e) {
      DatabaseException failure = new DatabaseException(what + " failed on " + name, e);
      broken = failure.isConnectionFailure();
      throw failure;
    } finally {
      giveBack(connection, broken);
      permits.release();
    }
  }

  private synchronized Connection borrow() throws SQLException {
    if (!direct) {
      return pool().getConnection();
    }
    if (held != null && held.isClosed()) {
      dropHeld();
    }
    if (held == null) {
      heldOpen.incrementAndGet();
      try {
        held = factory.getConnection();
      } catch (SQLException | RuntimeException e) {
        heldOpen.decrementAndGet();
        throw e;
      }
    }
    return held;
  }

  /** A pooled connection goes back to Hikari (which drops broken ones); the held one is dropped if broken. */
  private synchronized void giveBack(Connection connection, boolean broken) {
    if (connection == null) {
      return;
    }
    if (!direct) {
      closeQuietly(connection);
    } else if (broken) {
      dropHeld();
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // it is gone either way
    }
  }

  /** Runs work in one transaction; rolled back on any failure. */
  public <T> T inTransaction(String what, SqlWork<T> work) {
    return withConnection(what, connection -> {
      connection.setAutoCommit(false);
      try {
        T result = work.apply(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          connection.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      } finally {
        restoreAutoCommit(connection);
      }
    });
  }

  private static void restoreAutoCommit(Connection connection) {
    try {
      connection.setAutoCommit(true);
    } catch (SQLException ignored) {
      // The connection is broken; Hikari evicts it on return.
    }
  }

  /**
   * Ends an invocation's use of the database. EVICT closes the pool, so the server connection is gone
   * before the function freezes; the next borrow builds a new pool lazily.
   */
  public synchronized void release() {
    // Never pull the connection from under another borrower (a shared pool in a long-running process).
    if (settings.release() == DbSettings.ReleasePolicy.EVICT
        && permits.availablePermits() == settings.maxConnections()) {
      closePool();
    }
  }

  @Override
  public synchronized void close() {
    closePool();
  }

  /**
   * Physical connections open right now, without waiting for a borrower: a held connection counts from the start
   * of its connect until its close returned, a pool's from Hikari's count. For monitoring and benchmarks.
   */
  public int physicalConnections() {
    HikariDataSource p = pool;
    return heldOpen.get() + (p == null || p.getHikariPoolMXBean() == null ? 0 : p.getHikariPoolMXBean().getTotalConnections());
  }

  /** True while a pool or a held connection exists. */
  public synchronized boolean isOpen() {
    return pool != null || held != null;
  }

  private synchronized HikariDataSource pool() {
    if (pool == null) {
      pool = new HikariDataSource(hikariConfig());
      LOG.debug("opened pool for {} at {}", name, factory.url());
    }
    return pool;
  }

  private void closePool() {
    if (pool != null) {
      pool.close();
      pool = null;
    }
    if (held != null) {
      dropHeld();
    }
  }

  private void dropHeld() {
    closeQuietly(held);
    held = null;
    heldOpen.decrementAndGet();
  }

  private HikariConfig hikariConfig() {
    HikariConfig config = new HikariConfig();
    config.setPoolName(settings.applicationName() + "/" + name);
    config.setDataSource(factory);
    config.setMaximumPoolSize(settings.maxConnections());
    config.setMinimumIdle(0);
    // Lazy start: connect on the first borrow, never during init (or a SnapStart snapshot).
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(settings.connectTimeout().toMillis() + 1_000);
    config.setValidationTimeout(Math.min(2_000, settings.connectTimeout().toMillis()));
    config.setMaxLifetime(settings.maxLifetime().toMillis());
    config.setIdleTimeout(Math.max(10_000, Math.min(60_000, settings.maxLifetime().toMillis() - 1_000)));
    config.setKeepaliveTime(0);
    config.setAutoCommit(true);
    config.setRegisterMbeans(false);
    return config;
  }
}
