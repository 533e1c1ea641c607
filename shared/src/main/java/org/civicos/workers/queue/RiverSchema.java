package org.civicos.workers.queue;

import java.util.regex.Pattern;
import org.civicos.workers.config.ConfigException;
import org.civicos.workers.config.Env;

/**
 * The schema River's tables live in (Civic OS: {@code metadata}). Validated with River's own rule so the
 * name is safe to splice into SQL as a quoted identifier; every statement is schema-qualified because
 * {@code search_path} is session state a pooler does not keep.
 */
public record RiverSchema(String name) {
  public static final String DEFAULT = "metadata";
  private static final Pattern VALID = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]*$");

  public RiverSchema {
    if (name == null || !VALID.matcher(name).matches() || name.length() > 46) {
      throw new ConfigException("RIVER_SCHEMA must match [a-zA-Z_][a-zA-Z0-9_]* and be at most 46 characters, got '"
          + name + "'");
    }
  }

  public static RiverSchema fromEnv(Env env) {
    return new RiverSchema(env.string("RIVER_SCHEMA", DEFAULT));
  }

  /** {@code "metadata"} — the quoted identifier. */
  public String quoted() {
    return '"' + name + '"';
  }

  /** Replaces {@code ${schema}} (quoted identifier) and {@code ${schema_literal}} (string literal). */
  public String apply(String sqlTemplate) {
    return sqlTemplate.replace("${schema}", quoted()).replace("${schema_literal}", "'" + name + "'");
  }
}
