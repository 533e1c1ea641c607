package org.civicos.workers.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The execution role's credentials from the container credentials endpoint, which is how Lambda hands them to a
 * SnapStart function ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and {@code AWS_CONTAINER_AUTHORIZATION_TOKEN};
 * ECS uses the same protocol with a relative URI). A GET with the token in {@code Authorization} answers
 * {@code AccessKeyId}, {@code SecretAccessKey}, {@code Token} and {@code Expiration}; the answer is kept until
 * {@value #REFRESH_MINUTES} minutes before it expires (or half its life, if shorter), then fetched again. A failed
 * fetch is tried {@value #ATTEMPTS} times; if all fail, credentials that have not expired yet are used on, and
 * otherwise the failure is reported as the SDK's {@link SdkClientException}, as its provider would.
 */
public final class ContainerCredentials implements AwsCredentialsProvider {
  static final int REFRESH_MINUTES = 15;
  static final int ATTEMPTS = 3;
  /** Where ECS serves relative URIs. */
  static final String ECS_HOST = "http://169.254.170.2";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI uri;
  private final Supplier<Optional<String>> authorization;
  private final Clock clock;
  private AwsSessionCredentials current;
  private Instant refreshAt = Instant.MIN;
  private Instant expiresAt = Instant.MIN;

  public ContainerCredentials(URI uri, Supplier<Optional<String>> authorization, Clock clock) {
    this.uri = uri;
    this.authorization = authorization;
    this.clock = clock;
  }

  /**
   * From {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} (or {@code _RELATIVE_URI} on ECS's host) with the token of
   * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}, or read at each fetch from {@code
   * AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE} (it is rotated); empty when neither URI is set.
   */
  public static Optional<ContainerCredentials> fromEnv(org.civicos.workers.config.Env env) {
    return fromEnv(env, Clock.systemUTC());
  }

  static Optional<ContainerCredentials> fromEnv(org.civicos.workers.config.Env env, Clock clock) {
    Optional<URI> uri = env.optional("AWS_CONTAINER_CREDENTIALS_FULL_URI").map(URI::create)
        .or(() -> env.optional("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").map(r -> URI.create(ECS_HOST + r)));
    if (uri.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> token = env.optional("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    Optional<String> tokenFile = env.optional("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    Supplier<Optional<String>> authorization = () -> tokenFile.map(ContainerCredentials::readToken).or(() -> token);
    return Optional.of(new ContainerCredentials(uri.get(), authorization, clock));
  }

  /** Where the credentials come from. */
  public URI uri() {
    return uri;
  }

  private static String readToken(String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw SdkClientException.create("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + file, e);
    }
  }

  @Override
  public synchronized AwsCredentials resolveCredentials() {
    if (current == null || !clock.instant().isBefore(refreshAt)) {
      try {
        fetch();
      } catch (SdkClientException e) {
        if (current == null || !clock.instant().isBefore(expiresAt)) {
          throw e;
        }
        // Early refresh failed; what we have is valid until it expires, and the next call tries again.
      }
    }
    return current;
  }

  private void fetch() {
    Exception last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        JsonNode answer = get();
        String keyId = text(answer, "AccessKeyId");
        String secret = text(answer, "SecretAccessKey");
        String token = text(answer, "Token");
        Instant expires = answer.hasNonNull("Expiration") ? Instant.parse(answer.get("Expiration").asText())
            : Instant.MAX;
        current = AwsSessionCredentials.create(keyId, secret, token);
        expiresAt = expires;
        // Short-lived answers are kept for half their life, so a fetch does not happen on every call.
        Instant now = clock.instant();
        Duration life = expires.equals(Instant.MAX) ? Duration.ofDays(1) : Duration.between(now, expires);
        Duration early = Duration.ofMinutes(REFRESH_MINUTES);
        refreshAt = now.plus(life).minus(early.compareTo(life.dividedBy(2)) < 0 ? early : life.dividedBy(2));
        return;
      } catch (IOException | DateTimeParseException e) {
        last = e;
        if (attempt < ATTEMPTS) {
          sleep(100L * attempt);
        }
      }
    }
    throw SdkClientException.create("could not get credentials from the container credentials endpoint "
        + uri.getScheme() + "://" + uri.getAuthority() + uri.getPath() + ": " + last.getMessage(), last);
  }

  private JsonNode get() throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    try {
      c.setConnectTimeout(1_000);
      c.setReadTimeout(2_000);
      c.setRequestProperty("Accept", "application/json");
      Optional<String> token = authorization.get();
      token.ifPresent(t -> c.setRequestProperty("Authorization", t));
      int status = c.getResponseCode();
      if (status != 200) {
        throw new IOException("HTTP " + status);
      }
      try (InputStream in = c.getInputStream()) {
        return JSON.readTree(in.readNBytes(64 * 1024));
      }
    } finally {
      c.disconnect();
    }
  }

  private static String text(JsonNode answer, String field) throws IOException {
    JsonNode value = answer == null ? null : answer.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw new IOException("the answer has no " + field);
    }
    return value.asText();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SdkClientException.create("interrupted while fetching credentials", e);
    }
  }
}
