package org.civicos.workers.s3;

import java.time.InstantSource;
import java.util.List;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.S3Clients;
import org.civicos.workers.aws.S3Settings;
import org.civicos.workers.config.Env;
import org.civicos.workers.runtime.FunctionDefinition;
import org.civicos.workers.runtime.JobWorker;
import org.civicos.workers.runtime.QueueCatalog;

/** The s3-signer function: queue {@code s3_signer}, its drain defaults, and its workers built by hand. */
public final class S3SignerWiring {
  public static final String FUNCTION = "s3-signer";
  public static final FunctionDefinition DEFINITION = new FunctionDefinition(FUNCTION, QueueCatalog.S3_SIGNER, 20,
      8, S3SignerWiring::workers);

  private S3SignerWiring() {
  }

  public static List<JobWorker<?>> workers(Env env, AwsClients aws) {
    UuidV7 ids = new UuidV7(InstantSource.system());
    return List.of(new S3PresignWorker(PresignSettings.fromEnv(env),
        new S3UploadUrlSigner(S3Clients.presigner(S3Settings.fromEnv(env), aws)), ids::next));
  }
}
