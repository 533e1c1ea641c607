package org.civicos.workers.cli;

import org.civicos.workers.WorkersException;

/** A command failed in a way the user should read on stderr; carries the process exit code. */
final class CommandException extends WorkersException {
  private final int exitCode;

  CommandException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
