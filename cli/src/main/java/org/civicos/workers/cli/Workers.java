package org.civicos.workers.cli;

import java.io.PrintStream;
import java.util.Arrays;

import org.civicos.workers.WorkersException;
import org.civicos.workers.config.ConfigException;
import org.civicos.workers.config.Env;

/** The {@code workers} command. Each subcommand reads DATABASE_URL, TENANTS and RIVER_SCHEMA as it needs them. */
public final class Workers {
  static final String USAGE = """
      usage: workers <command> [arguments]

        schema apply [--civic-os]     install River's tables (and the Civic OS objects used here) where missing
        schema check [--river-only]   report what an existing database lacks; exit 0 only if nothing is missing
        schema push-activation install|remove
                                      a trigger that notifies `workers run --push` when jobs are inserted
        local [--exit-when-idle]      the whole system on this machine with demo work (what scripts/run-local runs)
        run [--push]                  consolidated mode: all queues in this process on DB_MAX_CONNS connections
                                      per tenant, polling every POLL_INTERVAL (and LISTENing with --push)
        poll --once                   one poller tick; the handlers run in this process until their queues are drained
        drain QUEUE [--tenant T]      one handler invocation for one queue
        status [--json]               depth, oldest job, failing jobs, connections (per tenant)
        enqueue upload --file-name N [--file-type T] [--entity-type E] [--entity-id I]
        enqueue file --upload PATH [--file-type T] [--bucket B] [--entity-type E] [--entity-id I]
        enqueue notification --user UUID --template NAME [--data JSON] [--channels email,sms]
                                      create work through Civic OS's own RPCs and triggers ([--tenant T])
        thumbnail IN OUTDIR           render the three thumbnails of a local file
        render --engine text|html --template FILE [--data FILE]
                                      render a Go template as the notification worker does (exit 2 parse
                                      error, 3 execution error)
        render --cases FILE           JSON lines {"id","engine","template","data"} in, one result line out
        help                          this text

      Settings come from the environment (DATABASE_URL, TENANTS, RIVER_SCHEMA, ...): see the README.
      """;

  private Workers() {
  }

  public static void main(String[] argv) {
    System.exit(run(argv, new Env(System.getenv()), System.out, System.err));
  }

  static int run(String[] argv, Env env, PrintStream out, PrintStream err) {
    Args args = new Args(Arrays.asList(argv));
    String command = args.nextIfAny().orElse("help");
    try {
      return switch (command) {
        case "schema" -> SchemaCommand.run(args, CliContext.from(env), out, err);
        case "thumbnail" -> ThumbnailCommand.run(args, env, out, err);
        case "render" -> RenderCommand.run(args, env, out, err);
        case "poll" -> PollCommand.run(args, env, out);
        case "run" -> RunCommand.run(args, env, out);
        case "local" -> LocalCommand.run(args, env, out);
        case "drain" -> DrainCommand.run(args, env, out);
        case "status" -> StatusCommand.run(args, CliContext.from(env), out);
        case "enqueue" -> EnqueueCommand.run(args, CliContext.from(env), out);
        case "help", "--help", "-h" -> {
          out.print(USAGE);
          yield 0;
        }
        default -> throw new CommandException(64, "unknown command '" + command + "'\n" + USAGE);
      };
    } catch (CommandException e) {
      err.println("workers: " + e.getMessage());
      return e.exitCode();
    } catch (ConfigException e) {
      err.println("workers: configuration: " + e.getMessage());
      return 78;
    } catch (WorkersException e) {
      err.println("workers: " + e.getMessage());
      return 70;
    } catch (java.io.IOException e) {
      err.println("workers: " + e.getMessage());
      return 74;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("workers: interrupted");
      return 130;
    } catch (Exception e) {
      err.println("workers: " + org.civicos.workers.log.Secrets.mask(String.valueOf(e.getMessage())));
      return 70;
    }
  }

}
