package org.civicos.workers.thumbnail;

import java.net.URI;
import java.time.InstantSource;
import java.util.List;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.DatabaseCredentials;
import org.civicos.workers.aws.LambdaInvoker;
import org.civicos.workers.aws.S3Clients;
import org.civicos.workers.aws.S3Settings;
import org.civicos.workers.config.Env;
import org.civicos.workers.queue.RetryPolicy;
import org.civicos.workers.runtime.HandlerConfig;
import org.civicos.workers.runtime.HandlerParts;
import org.civicos.workers.runtime.Invoker;
import org.civicos.workers.runtime.JobWorker;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.runtime.QueueHandler;
import org.civicos.workers.tenant.TenantDatabases;
import org.civicos.workers.thumbnail.image.ImageLimits;
import org.civicos.workers.thumbnail.image.ThumbnailRenderer;

/** Builds the thumbnail-worker handler by hand from the environment. */
public final class ThumbnailWiring {
  public static final String FUNCTION = "thumbnail-worker";
  static final int DEFAULT_BATCH_SIZE = 4;
  static final int DEFAULT_PARALLELISM = 2;

  private ThumbnailWiring() {
  }

  /** As Lambda runs it: continuations are asynchronous Lambda invocations of itself. */
  public static HandlerParts forLambda(Env env) {
    AwsClients aws = AwsClients.fromEnv(env);
    Invoker invoker = new LambdaInvoker(aws.lambda(env.optional("AWS_ENDPOINT_URL_LAMBDA").map(URI::create)));
    return create(env, invoker, aws);
  }

  public static HandlerParts create(Env env, Invoker invoker, AwsClients aws) {
    HandlerConfig config = HandlerConfig.fromEnv(env, FUNCTION, DEFAULT_BATCH_SIZE, DEFAULT_PARALLELISM);
    TenantDatabases databases = new TenantDatabases(config.db(), DatabaseCredentials.forSettings(config.db(), aws));
    List<JobWorker<?>> workers = workers(env, aws);
    QueueHandler handler = new QueueHandler(FUNCTION, QueueCatalog.byQueue(QueueCatalog.THUMBNAILS).orElseThrow().spec(),
        config.tenants(), databases, config.schema(), workers, config.drain(), invoker, InstantSource.system(),
        RetryPolicy.standard());
    return new HandlerParts(handler, databases);
  }

  static List<JobWorker<?>> workers(Env env, AwsClients aws) {
    ThumbnailSettings settings = ThumbnailSettings.fromEnv(env);
    return List.of(new ThumbnailWorker(settings, new S3BlobStore(S3Clients.client(S3Settings.fromEnv(env), aws)),
        new ThumbnailRenderer(new ImageLimits(settings.maxBytes(), settings.maxPixels()))));
  }
}
