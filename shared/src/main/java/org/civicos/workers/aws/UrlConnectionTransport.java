package org.civicos.workers.aws;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The HTTP client our AWS calls share: the JDK's {@link HttpURLConnection} behind the SDK's small HTTP SPI, so
 * signed requests go out exactly as built. The SDK's own URLConnection client does the same, but building it
 * costs about 90 ms of class loading at every cold start (its configuration, TLS and proxy machinery), for
 * settings we leave at their defaults. Timeouts are the SDK client's defaults: 2 s to connect, 30 s between
 * bytes read.
 */
public final class UrlConnectionTransport implements SdkHttpClient {
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final Duration connectTimeout;
  private final Duration readTimeout;

  public UrlConnectionTransport() {
    this(CONNECT_TIMEOUT, READ_TIMEOUT);
  }

  public UrlConnectionTransport(Duration connectTimeout, Duration readTimeout) {
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    return new Exchange(request.httpRequest(), request.contentStreamProvider());
  }

  @Override
  public String clientName() {
    return "UrlConnectionTransport";
  }

  @Override
  public void close() {
    // nothing held: HttpURLConnection keeps its own keep-alive cache
  }

  private final class Exchange implements ExecutableHttpRequest {
    private final SdkHttpRequest request;
    private final Optional<ContentStreamProvider> body;
    private volatile HttpURLConnection connection;

    Exchange(SdkHttpRequest request, Optional<ContentStreamProvider> body) {
      this.request = request;
      this.body = body;
    }

    @Override
    public HttpExecuteResponse call() throws IOException {
      HttpURLConnection c = (HttpURLConnection) request.getUri().toURL().openConnection();
      connection = c;
      c.setConnectTimeout((int) connectTimeout.toMillis());
      c.setReadTimeout((int) readTimeout.toMillis());
      c.setInstanceFollowRedirects(false);
      c.setUseCaches(false);
      c.setRequestMethod(request.method().name());
      long length = -1;
      for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
        String name = header.getKey();
        if (name.equalsIgnoreCase("Host")) {
          continue; // HttpURLConnection writes it from the URL: the same host[:port] the signature covers
        }
        if (name.equalsIgnoreCase("Content-Length")) {
          length = Long.parseLong(header.getValue().get(0).trim()); // restricted: set through streaming mode
          continue;
        }
        for (String value : header.getValue()) {
          c.addRequestProperty(name, value);
        }
      }
      if (body.isPresent()) {
        c.setDoOutput(true);
        if (length >= 0) {
          c.setFixedLengthStreamingMode(length);
        } else {
          c.setChunkedStreamingMode(0);
        }
        try (InputStream in = body.get().newStream(); OutputStream out = c.getOutputStream()) {
          in.transferTo(out);
        }
      }
      int status = c.getResponseCode();
      Map<String, List<String>> headers = new LinkedHashMap<>();
      c.getHeaderFields().forEach((name, values) -> {
        if (name != null) { // the status line is listed under a null name
          headers.put(name, values);
        }
      });
      SdkHttpResponse response = SdkHttpResponse.builder().statusCode(status)
          .statusText(c.getResponseMessage()).headers(headers).build();
      InputStream stream = status >= 400 ? c.getErrorStream() : c.getInputStream();
      if (stream == null) {
        stream = InputStream.nullInputStream();
      }
      return HttpExecuteResponse.builder().response(response)
          .responseBody(AbortableInputStream.create(stream, c::disconnect)).build();
    }

    @Override
    public void abort() {
      HttpURLConnection c = connection;
      if (c != null) {
        c.disconnect();
      }
    }
  }
}
