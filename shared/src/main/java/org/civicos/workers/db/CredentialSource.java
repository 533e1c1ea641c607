package org.civicos.workers.db;

/**
 * Supplies the password for one new physical connection. Called once per connection the pool opens, never
 * per borrow, so an IAM implementation signs a fresh token exactly when PostgreSQL will check one.
 */
@FunctionalInterface
public interface CredentialSource {
  String password(DatabaseUrl target);

  /** The password in the URL itself (local PostgreSQL, PgBouncer). */
  static CredentialSource fromUrl() {
    return DatabaseUrl::password;
  }
}
