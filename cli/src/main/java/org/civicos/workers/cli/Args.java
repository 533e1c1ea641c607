package org.civicos.workers.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Positional arguments and {@code --flag [value]} options, consumed as a command reads them. */
final class Args {
  private final List<String> values;

  Args(List<String> values) {
    this.values = new ArrayList<>(values);
  }

  boolean flag(String name) {
    return values.remove(name);
  }

  Optional<String> option(String name) {
    int i = values.indexOf(name);
    if (i < 0) {
      return Optional.empty();
    }
    if (i + 1 >= values.size()) {
      throw new CommandException(64, name + " needs a value");
    }
    String value = values.get(i + 1);
    values.remove(i + 1);
    values.remove(i);
    return Optional.of(value);
  }

  String next(String what) {
    if (values.isEmpty()) {
      throw new CommandException(64, "missing " + what);
    }
    return values.remove(0);
  }

  Optional<String> nextIfAny() {
    return values.isEmpty() ? Optional.empty() : Optional.of(values.remove(0));
  }

  void done() {
    if (!values.isEmpty()) {
      throw new CommandException(64, "unexpected arguments: " + String.join(" ", values));
    }
  }
}
