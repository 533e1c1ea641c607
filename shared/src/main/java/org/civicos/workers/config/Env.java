package org.civicos.workers.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Typed, validated reads of environment variables. Every error names the variable and says what a valid
 * value looks like, so a bad deployment fails at init with a message an operator can act on.
 */
public final class Env {
  private final Map<String, String> values;

  public Env(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  /** This environment with some variables set or replaced (local modes point the workers at their servers). */
  public Env with(Map<String, String> overrides) {
    java.util.HashMap<String, String> merged = new java.util.HashMap<>(values);
    merged.putAll(overrides);
    return new Env(merged);
  }

  public Optional<String> optional(String name) {
    String value = values.get(name);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(value.trim());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public String required(String name) {
    return optional(name).orElseThrow(() -> new ConfigException(name + " is required but not set"));
  }

  public int integer(String name, int defaultValue, int min, int max) {
    int value = parse(name, defaultValue, Integer::parseInt, "an integer");
    if (value < min || value > max) {
      throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  public boolean bool(String name, boolean defaultValue) {
    return parse(name, defaultValue, raw -> switch (raw.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException(raw);
    }, "true or false");
  }

  /** Accepts ISO-8601 (PT15M), or a number with a unit suffix: 500ms, 30s, 15m, 1h, 7d. */
  public Duration duration(String name, Duration defaultValue, Duration min) {
    Duration value = parse(name, defaultValue, Env::parseDuration, "a duration such as 30s, 15m, 1h or PT1H");
    if (value.compareTo(min) < 0) {
      throw new ConfigException(name + " must be at least " + min + ", got " + value);
    }
    return value;
  }

  public <E extends Enum<E>> E enumValue(String name, E defaultValue) {
    Class<E> type = defaultValue.getDeclaringClass();
    return parse(name, defaultValue, raw -> Enum.valueOf(type, raw.toUpperCase(Locale.ROOT)),
        "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
  }

  private <T> T parse(String name, T defaultValue, Function<String, T> parser, String expected) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      return parser.apply(raw.get());
    } catch (RuntimeException e) {
      throw new ConfigException(name + " must be " + expected + ", got '" + raw.get() + "'");
    }
  }

  static Duration parseDuration(String raw) {
    String text = raw.trim().toLowerCase(Locale.ROOT);
    if (text.startsWith("p")) {
      try {
        return Duration.parse(text.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(raw, e);
      }
    }
    int split = 0;
    while (split < text.length() && Character.isDigit(text.charAt(split))) {
      split++;
    }
    if (split == 0) {
      throw new IllegalArgumentException(raw);
    }
    long amount = Long.parseLong(text.substring(0, split));
    return switch (text.substring(split)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s", "" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> throw new IllegalArgumentException(raw);
    };
  }
}
