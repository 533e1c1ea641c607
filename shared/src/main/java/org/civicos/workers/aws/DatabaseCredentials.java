package org.civicos.workers.aws;

import java.time.Clock;
import org.civicos.workers.db.CredentialSource;
import org.civicos.workers.db.DbSettings;
import org.civicos.workers.db.RdsIamTokenSource;
import software.amazon.awssdk.regions.Region;

/** The password source {@code DB_AUTH} asks for. */
public final class DatabaseCredentials {
  private DatabaseCredentials() {
  }

  public static CredentialSource forSettings(DbSettings settings, AwsClients aws) {
    if (settings.auth() == DbSettings.AuthMode.IAM) {
      Region region = settings.iamRegion().map(Region::of).orElse(aws.region());
      return new RdsIamTokenSource(aws.credentials(), region, Clock.systemUTC());
    }
    return CredentialSource.fromUrl();
  }
}
