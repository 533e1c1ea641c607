package org.civicos.workers.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.LinkedHashMap;
import java.util.Map;
import org.civicos.workers.db.Database;
import org.civicos.workers.tenant.Tenant;

/**
 * {@code workers status [--json]}: per tenant, depth per queue and state, the age of the oldest claimable job,
 * retryable and discarded counts with the last error, and the connection monitoring queries.
 */
final class StatusCommand {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> SECTIONS = new LinkedHashMap<>();

  static {
    SECTIONS.put("depth", StatusQueries.DEPTH);
    SECTIONS.put("oldest_available", StatusQueries.OLDEST_AVAILABLE);
    SECTIONS.put("failing", StatusQueries.FAILING);
    SECTIONS.put("counters", StatusQueries.COUNTERS);
    SECTIONS.put("connections_by_application", StatusQueries.CONNECTIONS_BY_APPLICATION);
    SECTIONS.put("connection_states", StatusQueries.STATE_DURATIONS);
    SECTIONS.put("long_idle_connections", StatusQueries.LONG_IDLE);
  }

  static int run(Args args, CliContext context, PrintStream out) throws Exception {
    boolean json = args.flag("--json");
    args.done();
    ArrayNode tenants = JSON.createArrayNode();
    for (Tenant tenant : context.tenants().all()) {
      ObjectNode report = tenants.addObject().put("tenant", tenant.id());
      try (Database db = context.database(tenant)) {
        for (Map.Entry<String, String> section : SECTIONS.entrySet()) {
          report.set(section.getKey(), query(db, context.schema().apply(section.getValue())));
        }
      } catch (RuntimeException e) {
        report.put("error", e.getMessage());
      }
    }
    if (json) {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tenants));
    } else {
      print(tenants, out);
    }
    return 0;
  }

  private static ArrayNode query(Database db, String sql) {
    return db.withConnection("status", c -> {
      ArrayNode rows = JSON.createArrayNode();
      try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
        ResultSetMetaData meta = rs.getMetaData();
        while (rs.next()) {
          ObjectNode row = rows.addObject();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            Object value = rs.getObject(i);
            String name = meta.getColumnLabel(i);
            if (value instanceof Number number) {
              row.put(name, number.doubleValue() == number.longValue() ? number.longValue() : number.doubleValue());
            } else {
              row.put(name, value == null ? null : value.toString());
            }
          }
        }
      }
      return rows;
    });
  }

  private static void print(ArrayNode tenants, PrintStream out) {
    for (var tenant : tenants) {
      out.println("== tenant " + tenant.get("tenant").asText());
      if (tenant.has("error")) {
        out.println("  error: " + tenant.get("error").asText());
        continue;
      }
      for (String section : SECTIONS.keySet()) {
        var rows = tenant.get(section);
        out.println("  " + section.replace('_', ' ') + (rows.isEmpty() ? ": none" : ":"));
        for (var row : rows) {
          StringBuilder line = new StringBuilder("    ");
          row.fields().forEachRemaining(f -> line.append(f.getKey()).append('=')
              .append(f.getValue().isNull() ? "-" : f.getValue().asText()).append("  "));
          out.println(line.toString().stripTrailing());
        }
      }
    }
  }

  private StatusCommand() {
  }
}
