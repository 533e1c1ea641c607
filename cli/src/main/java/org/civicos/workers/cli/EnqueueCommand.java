package org.civicos.workers.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.UUID;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.S3Clients;
import org.civicos.workers.aws.S3Settings;
import org.civicos.workers.db.Database;
import org.civicos.workers.tenant.Tenant;

/**
 * {@code workers enqueue upload|file|notification ...}: creates work through Civic OS's own producer paths (its
 * RPCs and triggers), so the job rows are exactly what Civic OS would write.
 */
final class EnqueueCommand {
  static final String REQUEST_UPLOAD = "SELECT request_upload_url(?, ?, ?, ?)::text";
  static final String INSERT_FILE = """
      INSERT INTO metadata.files (id, entity_type, entity_id, file_name, file_type, file_size, s3_bucket, s3_original_key)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id::text
      """;
  static final String CREATE_NOTIFICATION = "SELECT create_notification(?::uuid, ?, ?, ?, ?::jsonb, ?::text[])";

  static int run(Args args, CliContext context, PrintStream out) throws Exception {
    String what = args.next("what to enqueue (upload, file or notification)");
    Tenant tenant = tenant(args, context);
    try (Database db = context.database(tenant)) {
      switch (what) {
        case "upload" -> {
          String entityType = args.option("--entity-type").orElse("Issue");
          String entityId = args.option("--entity-id").orElse("1");
          String fileName = args.option("--file-name").orElseThrow(() -> new CommandException(64, "upload needs --file-name"));
          String fileType = args.option("--file-type").orElse("application/octet-stream");
          args.done();
          out.println(single(db, REQUEST_UPLOAD, entityType, entityId, fileName, fileType));
        }
        case "file" -> {
          Path upload = Path.of(args.option("--upload").orElseThrow(() -> new CommandException(64, "file needs --upload PATH")));
          String type = args.option("--file-type").orElse(guessType(upload));
          String entityType = args.option("--entity-type").orElse("Issue");
          String entityId = args.option("--entity-id").orElse("1");
          String bucket = args.option("--bucket").orElse(context.env().string("S3_BUCKET", "civic-os-files"));
          args.done();
          if (!Files.isRegularFile(upload)) {
            throw new CommandException(66, "no such file: " + upload);
          }
          UUID id = UUID.randomUUID();
          String name = upload.getFileName().toString();
          int dot = name.lastIndexOf('.');
          String key = entityType + "/" + entityId + "/" + id + "/original" + (dot < 0 ? ".bin" : name.substring(dot).toLowerCase());
          S3Clients.client(S3Settings.fromEnv(context.env()), AwsClients.fromEnv(context.env()))
              .putObject(bucket, key, Files.readAllBytes(upload), type, false);
          out.println(single(db, INSERT_FILE, id, entityType, entityId, name, type, (int) Files.size(upload), bucket, key));
        }
        case "notification" -> {
          String user = args.option("--user").orElseThrow(() -> new CommandException(64, "notification needs --user UUID"));
          String template = args.option("--template").orElseThrow(() -> new CommandException(64, "notification needs --template NAME"));
          String data = args.option("--data").orElse(null);
          String channels = "{" + args.option("--channels").orElse("email") + "}";
          Optional<String> entityType = args.option("--entity-type");
          Optional<String> entityId = args.option("--entity-id");
          args.done();
          out.println(single(db, CREATE_NOTIFICATION, user, template, entityType.orElse(null), entityId.orElse(null),
              data, channels));
        }
        default -> throw new CommandException(64, "enqueue upload|file|notification, got " + what);
      }
    }
    return 0;
  }

  private static Tenant tenant(Args args, CliContext context) {
    Optional<String> id = args.option("--tenant");
    return id.map(t -> context.tenants().find(t).orElseThrow(() -> new CommandException(64, "unknown tenant '" + t + "'")))
        .orElseGet(() -> context.tenants().all().get(0));
  }

  private static String single(Database db, String sql, Object... params) {
    return db.withConnection("enqueue", c -> {
      try (PreparedStatement st = c.prepareStatement(sql)) {
        for (int i = 0; i < params.length; i++) {
          st.setObject(i + 1, params[i]);
        }
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          return rs.getString(1);
        }
      }
    });
  }

  private static String guessType(Path file) throws java.io.IOException {
    String type = Files.probeContentType(file);
    return type == null ? "application/octet-stream" : type;
  }

  private EnqueueCommand() {
  }
}
