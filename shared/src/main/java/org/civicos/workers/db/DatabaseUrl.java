package org.civicos.workers.db;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.civicos.workers.config.ConfigException;

/**
 * A PostgreSQL address in either form operators use: {@code postgres://user:pass@host:5432/db?sslmode=require}
 * (libpq, Civic OS's DATABASE_URL) or {@code jdbc:postgresql://host:5432/db?user=u&password=p}. Credentials
 * are kept apart from the JDBC URL so they never end up in a log line; {@link #toString()} masks the password.
 */
public record DatabaseUrl(String host, int port, String database, String user, String password,
    Map<String, String> parameters) {

  public DatabaseUrl {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    parameters = Map.copyOf(parameters);
  }

  public static DatabaseUrl parse(String variable, String raw) {
    if (raw == null || raw.isBlank()) {
      throw new ConfigException(variable + " is required but not set");
    }
    String text = raw.trim();
    String rest;
    if (text.startsWith("jdbc:postgresql://")) {
      rest = text.substring("jdbc:postgresql://".length());
    } else if (text.startsWith("postgres://")) {
      rest = text.substring("postgres://".length());
    } else if (text.startsWith("postgresql://")) {
      rest = text.substring("postgresql://".length());
    } else {
      throw new ConfigException(variable + " must start with postgres://, postgresql:// or jdbc:postgresql://, got '"
          + maskRaw(text) + "'");
    }
    String user = null;
    String password = null;
    int at = rest.lastIndexOf('@', rest.indexOf('/') < 0 ? rest.length() : rest.indexOf('/'));
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    int slash = rest.indexOf('/');
    String hostPort = slash < 0 ? rest : rest.substring(0, slash);
    String database = slash < 0 ? "" : decode(rest.substring(slash + 1));
    String host = hostPort;
    int port = 5432;
    int colon = hostPort.lastIndexOf(':');
    if (colon >= 0 && !hostPort.endsWith("]")) {
      host = hostPort.substring(0, colon);
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new ConfigException(variable + " has an invalid port: '" + hostPort.substring(colon + 1) + "'");
      }
    }
    if (host.isEmpty()) {
      host = "localhost";
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      switch (key) {
        case "user" -> user = value;
        case "password" -> password = value;
        default -> params.put(key, value);
      }
    }
    if (database.isEmpty()) {
      database = user != null ? user : "postgres";
    }
    return new DatabaseUrl(host, port, database, user, password, params);
  }

  public DatabaseUrl withDatabase(String newDatabase) {
    return new DatabaseUrl(host, port, newDatabase, user, password, parameters);
  }

  public DatabaseUrl withEndpoint(String newHost, int newPort) {
    return new DatabaseUrl(newHost, newPort, database, user, password, parameters);
  }

  public DatabaseUrl withUser(String newUser, String newPassword) {
    return new DatabaseUrl(host, port, database, newUser, newPassword, parameters);
  }

  public DatabaseUrl withParameter(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(parameters);
    copy.put(key, value);
    return new DatabaseUrl(host, port, database, user, password, copy);
  }

  /** The JDBC URL without user or password: those travel as connection properties. */
  public String jdbcUrl() {
    String base = "jdbc:postgresql://" + host + ":" + port + "/" + encode(database);
    if (parameters.isEmpty()) {
      return base;
    }
    return base + "?" + parameters.entrySet().stream()
        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  /** Safe for logs: the password is never printed. */
  @Override
  public String toString() {
    String who = user == null ? "" : user + (password == null ? "" : ":****") + "@";
    return "postgres://" + who + host + ":" + port + "/" + database
        + (parameters.isEmpty() ? "" : "?" + parameters.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&")));
  }

  /** Masks anything that looks like a password in a URL we could not parse. */
  public static String maskRaw(String text) {
    return text.replaceAll("(://[^:/@]*:)[^@/]*@", "$1****@")
        .replaceAll("(?i)(password=)[^&]*", "$1****");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
