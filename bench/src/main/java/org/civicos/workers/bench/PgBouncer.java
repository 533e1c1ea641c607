package org.civicos.workers.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.civicos.workers.db.DatabaseUrl;

/** A real PgBouncer in transaction mode in front of the run's PostgreSQL, on a free loopback port. */
public final class PgBouncer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path dir;

  public PgBouncer(DatabaseUrl server, Path workDir, int poolSize) throws Exception {
    this.port = freePort();
    this.dir = Files.createDirectories(workDir.resolve("pgbouncer"));
    boolean root = "root".equals(System.getProperty("user.name"));
    Files.writeString(dir.resolve("userlist.txt"), "\"" + server.user() + "\" \"" + server.password() + "\"\n");
    Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
        "[databases]",
        "* = host=" + server.host() + " port=" + server.port(),
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        "listen_port = " + port,
        "unix_socket_dir =",
        "auth_type = trust",
        "auth_file = " + dir.resolve("userlist.txt"),
        "pool_mode = transaction",
        "default_pool_size = " + poolSize,
        "max_client_conn = 1000",
        // pgjdbc sends extra_float_digits in the startup packet (assumeMinServerVersion=12, instead of a SET).
        "ignore_startup_parameters = extra_float_digits",
        "admin_users = " + server.user(),
        "logfile = " + dir.resolve("pgbouncer.log"),
        "pidfile = " + dir.resolve("pgbouncer.pid"),
        ""));
    List<String> command = new ArrayList<>(List.of(Bench.tool("pgbouncer")));
    if (root) {
      // PgBouncer refuses to run as root.
      UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.setOwner(p, users.lookupPrincipalByName("postgres"));
        }
      }
      Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      command.addAll(List.of("-u", "postgres"));
    }
    command.add(dir.resolve("pgbouncer.ini").toString());
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > end) {
          throw new IllegalStateException("pgbouncer did not start: " + Files.readString(dir.resolve("stdout.txt"))
              + (Files.exists(dir.resolve("pgbouncer.log")) ? Files.readString(dir.resolve("pgbouncer.log")) : ""));
        }
        Thread.sleep(50);
      }
    }
  }

  /** The same database, reached through PgBouncer. */
  public DatabaseUrl route(DatabaseUrl direct) {
    return direct.withEndpoint("127.0.0.1", port);
  }

  public int port() {
    return port;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
