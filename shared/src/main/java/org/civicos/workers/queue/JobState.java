package org.civicos.workers.queue;

import java.util.Locale;

/** River's {@code river_job_state} enum. */
public enum JobState {
  AVAILABLE, CANCELLED, COMPLETED, DISCARDED, PENDING, RETRYABLE, RUNNING, SCHEDULED;

  public String sql() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JobState fromSql(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  public boolean isFinal() {
    return this == CANCELLED || this == COMPLETED || this == DISCARDED;
  }
}
