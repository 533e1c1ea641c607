package org.civicos.workers.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.civicos.workers.db.DatabaseUrl;

/**
 * A PostgreSQL 17 server started from the embedded binaries (zonky), for local mode and the tests. Only the
 * {@code cli} and the test classpath carry the binaries; the Lambda artifacts never load this class.
 */
public final class LocalPostgres implements AutoCloseable {
  private final EmbeddedPostgres server;

  private LocalPostgres(EmbeddedPostgres server) {
    this.server = server;
  }

  /** Starts a throwaway server whose data lives under {@code workDir}; fsync off: nothing here must survive. */
  public static LocalPostgres start(Path workDir) {
    try {
      Files.createDirectories(workDir);
      return new LocalPostgres(EmbeddedPostgres.builder()
          .setOverrideWorkingDirectory(workDir.toFile())
          .setCleanDataDirectory(true)
          .setServerConfig("max_connections", "300")
          .setServerConfig("shared_preload_libraries", "pg_stat_statements")
          .setServerConfig("pg_stat_statements.track_utility", "off")
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("full_page_writes", "off")
          .start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start embedded PostgreSQL", e);
    }
  }

  /** The server's maintenance database, as its superuser. */
  public DatabaseUrl adminUrl() {
    return DatabaseUrl.parse("embedded", "postgres://postgres:postgres@localhost:" + server.getPort() + "/postgres");
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
