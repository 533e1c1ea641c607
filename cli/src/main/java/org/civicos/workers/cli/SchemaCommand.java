package org.civicos.workers.cli;

import java.io.PrintStream;
import java.util.List;
import org.civicos.workers.db.Database;
import org.civicos.workers.db.SchemaCheck;
import org.civicos.workers.db.SchemaInstaller;
import org.civicos.workers.queue.RiverSchema;

/**
 * {@code workers schema apply [--civic-os]} installs what is missing (never changes what exists);
 * {@code workers schema check} reports, read-only, what an existing database lacks; exit 0 only if nothing
 * the workers need is missing.
 */
final class SchemaCommand {
  static final int CHECK_FAILED = 1;

  static int run(Args args, CliContext context, PrintStream out, PrintStream err) {
    String action = args.next("schema action (apply or check)");
    RiverSchema schema = context.schema();
    switch (action) {
      case "apply" -> {
        boolean civicOs = args.flag("--civic-os");
        args.done();
        for (var tenant : context.tenants().all()) {
          try (Database db = context.database(tenant)) {
            for (String line : new SchemaInstaller(db, schema).apply(civicOs)) {
              out.println(tenant.id() + ": " + line);
            }
          }
        }
        return 0;
      }
      case "check" -> {
        boolean riverOnly = args.flag("--river-only");
        args.done();
        int status = 0;
        for (var tenant : context.tenants().all()) {
          try (Database db = context.database(tenant)) {
            List<SchemaCheck.Finding> findings = new SchemaCheck(db, schema).check(!riverOnly);
            if (findings.isEmpty()) {
              out.println(tenant.id() + ": ok");
            }
            for (SchemaCheck.Finding finding : findings) {
              (finding.severity() == SchemaCheck.Severity.ERROR ? err : out).println(tenant.id() + ": " + finding);
            }
            if (!SchemaCheck.passes(findings)) {
              status = CHECK_FAILED;
            }
          }
        }
        return status;
      }
      case "push-activation" -> {
        String step = args.next("install or remove");
        args.done();
        for (var tenant : context.tenants().all()) {
          try (Database db = context.database(tenant)) {
            switch (step) {
              case "install" -> PushActivation.install(db, schema);
              case "remove" -> PushActivation.remove(db, schema);
              default -> throw new CommandException(64, "push-activation install or remove, got " + step);
            }
            out.println(tenant.id() + ": push activation " + (step.equals("install") ? "installed" : "removed"));
          }
        }
        return 0;
      }
      default -> throw new CommandException(64, "schema action must be apply, check or push-activation, got " + action);
    }
  }

  private SchemaCommand() {
  }
}
