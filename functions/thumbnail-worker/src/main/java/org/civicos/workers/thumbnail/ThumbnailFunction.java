package org.civicos.workers.thumbnail;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.civicos.workers.aws.Handlers;
import org.civicos.workers.aws.LambdaHandlerAdapter;
import org.civicos.workers.config.Env;
import org.civicos.workers.runtime.HandlerParts;
import org.civicos.workers.runtime.SnapshotSafety;

/** Lambda entry point for queue {@code thumbnails}: built once per sandbox, thin per invocation. */
public final class ThumbnailFunction implements RequestStreamHandler {
  private static final HandlerParts PARTS = Handlers.forLambda(ThumbnailWiring.DEFINITION, Env.system());
  private static final SnapshotSafety SNAPSHOT_SAFETY = SnapshotSafety.register(PARTS.databases());
  private static final LambdaHandlerAdapter ADAPTER = new LambdaHandlerAdapter(PARTS.handler());

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    ADAPTER.handle(input, output, context);
  }
}
