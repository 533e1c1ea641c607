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
    }
  }

}
