package org.civicos.workers;

/** Root of the small unchecked hierarchy every civic-workers failure belongs to. */
public class WorkersException extends RuntimeException {
  public WorkersException(String message) {
    super(message);
  }

  public WorkersException(String message, Throwable cause) {
    super(message, cause);
  }
}
