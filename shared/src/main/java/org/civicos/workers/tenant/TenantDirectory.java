package org.civicos.workers.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.civicos.workers.config.ConfigException;
import org.civicos.workers.config.Env;
import org.civicos.workers.db.DatabaseUrl;

/**
 * Which tenant databases exist. {@code TENANTS} is a JSON list of {@code {"id", "database"}} entries, each with
 * optional {@code host}, {@code port} and {@code user} overriding {@code DATABASE_URL}'s (credentials and
 * parameters come from {@code DATABASE_URL}); without it, {@code DATABASE_URL} alone is one tenant, {@code
 * default}. Handlers accept only ids listed here.
 */
public final class TenantDirectory {
  public static final String DEFAULT_TENANT = "default";
  private static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");

  private final Map<String, Tenant> tenants;

  public TenantDirectory(List<Tenant> tenants) {
    Map<String, Tenant> byId = new LinkedHashMap<>();
    for (Tenant tenant : tenants) {
      if (!ID.matcher(tenant.id()).matches()) {
        throw new ConfigException("TENANTS: tenant id '" + tenant.id() + "' must be lower-case letters, digits, "
            + "'_' or '-', at most 63 characters");
      }
      if (byId.put(tenant.id(), tenant) != null) {
        throw new ConfigException("TENANTS: tenant id '" + tenant.id() + "' appears twice");
      }
    }
    if (byId.isEmpty()) {
      throw new ConfigException("TENANTS must list at least one tenant");
    }
    this.tenants = Collections.unmodifiableMap(byId);
  }

  public static TenantDirectory fromEnv(Env env) {
    DatabaseUrl base = DatabaseUrl.parse("DATABASE_URL", env.required("DATABASE_URL"));
    Optional<String> tenantsJson = env.optional("TENANTS");
    if (tenantsJson.isEmpty()) {
      return new TenantDirectory(List.of(new Tenant(DEFAULT_TENANT, base)));
    }
    return new TenantDirectory(parse(tenantsJson.get(), base));
  }

  static List<Tenant> parse(String json, DatabaseUrl base) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (Exception e) {
      throw new ConfigException("TENANTS must be a JSON list like [{\"id\":\"demo\",\"database\":\"civic_demo\"}]: "
          + e.getMessage());
    }
    if (root == null || !root.isArray()) {
      throw new ConfigException("TENANTS must be a JSON list like [{\"id\":\"demo\",\"database\":\"civic_demo\"}]");
    }
    List<Tenant> list = new ArrayList<>();
    for (JsonNode entry : root) {
      String id = required(entry, "id");
      DatabaseUrl url = base.withDatabase(required(entry, "database"));
      if (entry.hasNonNull("host") || entry.hasNonNull("port")) {
        int port = entry.path("port").asInt(url.port());
        if (port < 1 || port > 65535) {
          throw new ConfigException("TENANTS: tenant '" + id + "' has an invalid port " + entry.get("port"));
        }
        url = url.withEndpoint(entry.hasNonNull("host") ? entry.get("host").asText() : url.host(), port);
      }
      if (entry.hasNonNull("user")) {
        url = url.withUser(entry.get("user").asText(), url.password());
      }
      list.add(new Tenant(id, url));
    }
    return list;
  }

  private static String required(JsonNode entry, String field) {
    if (!entry.isObject() || !entry.hasNonNull(field) || !entry.get(field).isTextual() || entry.get(field).asText().isBlank()) {
      throw new ConfigException("TENANTS: every entry needs a string '" + field + "', got " + entry);
    }
    return entry.get(field).asText();
  }

  public Optional<Tenant> find(String id) {
    return Optional.ofNullable(tenants.get(id));
  }

  public List<Tenant> all() {
    return List.copyOf(tenants.values());
  }
}
