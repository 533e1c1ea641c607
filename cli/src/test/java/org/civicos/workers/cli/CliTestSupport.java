package org.civicos.workers.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.civicos.workers.config.Env;
import org.civicos.workers.db.DatabaseUrl;

/** Runs the command in process and captures what it prints. */
final class CliTestSupport {
  record Run(int exit, String out, String err) {
  }

  static Run run(Map<String, String> env, String... argv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Workers.run(argv, new Env(env), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Map<String, String> env(DatabaseUrl db) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", "postgres://" + db.user() + ":" + db.password() + "@" + db.host() + ":" + db.port()
        + "/" + db.database());
    return env;
  }

  private CliTestSupport() {
  }
}
