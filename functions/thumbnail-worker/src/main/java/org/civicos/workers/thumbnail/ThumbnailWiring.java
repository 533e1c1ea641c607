package org.civicos.workers.thumbnail;

import java.util.List;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.S3Clients;
import org.civicos.workers.aws.S3Settings;
import org.civicos.workers.config.Env;
import org.civicos.workers.runtime.FunctionDefinition;
import org.civicos.workers.runtime.JobWorker;
import org.civicos.workers.runtime.QueueCatalog;
import org.civicos.workers.thumbnail.image.ImageLimits;
import org.civicos.workers.thumbnail.image.ThumbnailRenderer;

/** The thumbnail-worker function: queue {@code thumbnails}, its drain defaults, and its workers built by hand. */
public final class ThumbnailWiring {
  public static final String FUNCTION = "thumbnail-worker";
  public static final FunctionDefinition DEFINITION = new FunctionDefinition(FUNCTION, QueueCatalog.THUMBNAILS, 4,
      2, ThumbnailWiring::workers);

  private ThumbnailWiring() {
  }

  public static List<JobWorker<?>> workers(Env env, AwsClients aws) {
    ThumbnailSettings settings = ThumbnailSettings.fromEnv(env);
    return List.of(new ThumbnailWorker(settings, new S3BlobStore(S3Clients.client(S3Settings.fromEnv(env), aws)),
        new ThumbnailRenderer(new ImageLimits(settings.maxBytes(), settings.maxPixels()))));
  }
}
