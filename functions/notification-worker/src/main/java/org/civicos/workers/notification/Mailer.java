package org.civicos.workers.notification;

/** Sends one email and returns the provider's message id. */
public interface Mailer {
  String send(Email email);

  /** Why sending failed; {@code permanent} when no retry can succeed (rejected message, unverified identity...). */
  final class MailException extends org.civicos.workers.WorkersException {
    private final boolean permanent;

    public MailException(String message, boolean permanent, Throwable cause) {
      super(message, cause);
      this.permanent = permanent;
    }

    public boolean permanent() {
      return permanent;
    }
  }
}
