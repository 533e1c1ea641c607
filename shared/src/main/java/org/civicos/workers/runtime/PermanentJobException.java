package org.civicos.workers.runtime;

import org.civicos.workers.WorkersException;

/** Thrown by a worker when retrying cannot help; the job is cancelled with this message. */
public final class PermanentJobException extends WorkersException {
  public PermanentJobException(String message) {
    super(message);
  }

  public PermanentJobException(String message, Throwable cause) {
    super(message, cause);
  }
}
