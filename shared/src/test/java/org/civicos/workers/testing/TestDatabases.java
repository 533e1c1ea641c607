package org.civicos.workers.testing;

import java.util.List;
import org.civicos.workers.db.Database;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.db.CredentialSource;
import org.civicos.workers.db.SchemaInstaller;
import org.civicos.workers.queue.RiverSchema;

/** Fresh databases with the schema applied, and {@link Database}s on them. */
public final class TestDatabases {
  private TestDatabases() {
  }

  /** A new database with River's tables (in {@code schema}) and, if asked, the Civic OS objects. */
  public static DatabaseUrl withSchema(String prefix, RiverSchema schema, boolean civicOs) {
    DatabaseUrl url = PostgresServer.newDatabase(prefix);
    try (Database db = database(url, "schema-setup", 1)) {
      List<String> actions = new SchemaInstaller(db, schema).apply(civicOs);
      if (actions.isEmpty()) {
        throw new IllegalStateException("schema apply did nothing");
      }
    }
    return url;
  }

  public static DatabaseUrl withCivicOs(String prefix) {
    return withSchema(prefix, new RiverSchema(RiverSchema.DEFAULT), true);
  }

  public static Database database(DatabaseUrl url, String applicationName, int maxConnections) {
    return new Database(applicationName, url, DbSettings.local(applicationName, maxConnections),
        CredentialSource.fromUrl());
  }
}
