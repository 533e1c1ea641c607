package org.civicos.workers.notification;

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

/** Lambda entry point for queue {@code notifications}: built once per sandbox, thin per invocation. */
public final class NotificationFunction implements RequestStreamHandler {
  private static final HandlerParts PARTS = Handlers.forLambda(NotificationWiring.DEFINITION, Env.system());
  private static final SnapshotSafety SNAPSHOT_SAFETY = SnapshotSafety.register(PARTS.databases());
  private static final LambdaHandlerAdapter ADAPTER = new LambdaHandlerAdapter(PARTS.handler());

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    ADAPTER.handle(input, output, context);
  }
}
