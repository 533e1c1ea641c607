package org.civicos.workers.bench.hello;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The cold-start baseline: the smallest Java handler, packaged like the functions (bench/target/hello-lambda/). */
public final class HelloFunction implements RequestStreamHandler {
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    input.readAllBytes();
    output.write("{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8));
  }
}
