package org.civicos.workers.local;

import com.adobe.testing.s3mock.S3MockApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * An S3 protocol server in this process (Adobe S3Mock) on a free port, for local mode and the tests: the real
 * SDK talks to it over HTTP, path-style, with any access key. Objects live under {@code root}.
 */
public final class LocalS3 implements AutoCloseable {
  public static final String ACCESS_KEY = "local-access-key";
  public static final String SECRET_KEY = "local-secret-key";
  private final S3MockApplication server;

  private LocalS3(S3MockApplication server) {
    this.server = server;
  }

  public static LocalS3 start(Path root) {
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Object> properties = new HashMap<>();
    properties.put(S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT);
    properties.put(S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT);
    properties.put("com.adobe.testing.s3mock.store.root", root.toString());
    properties.put("logging.level.root", "WARN");
    properties.put("spring.main.banner-mode", "off");
    properties.put(S3MockApplication.PROP_SILENT, true);
    return new LocalS3(S3MockApplication.start(properties));
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getHttpPort());
  }

  @Override
  public void close() {
    server.stop();
  }
}
