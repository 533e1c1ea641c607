package org.civicos.workers.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.aws.Handlers;
import org.civicos.workers.aws.LambdaHandlerAdapter;
import org.civicos.workers.config.Env;
import org.civicos.workers.db.Database;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.lambda.LambdaRuntimeTest;
import org.civicos.workers.runtime.HandlerParts;
import org.civicos.workers.s3.S3SignerWiring;
import org.civicos.workers.testing.PostgresServer;
import org.civicos.workers.testing.S3TestServer;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.civicos.workers.testing.lambda.RuntimeApiHarness;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Security properties checked on real runs: the functions' captured log output (the Lambda artifacts under the
 * runtime interface client, at DEBUG, through success and failure paths, password and IAM mode) never carries the
 * database password, an IAM token or a presigned URL's signature; the JDK trust store that pgjdbc's
 * {@code DefaultJavaSSLFactory} uses holds Amazon Root CA 1-4 (RDS Proxy's certificates chain to them); hostile
 * activation payloads are refused before any connection is opened. (IAM statements: SamTemplateTest.)
 */
class SecurityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SIGNATURE = Pattern.compile("(?i)X-Amz-Signature=[0-9a-f]{8,}");
  /** A usable IAM token needs its signature (above) and its credential; the SDK's DEBUG canonical request is masked. */
  private static final Pattern TOKEN = Pattern.compile("(?i)X-Amz-(Credential|Security-Token)=(?!\\*\\*\\*\\*)[^&\\s\"]");

  @Test
  void capturedLogsNeverContainThePasswordAnIamTokenOrAPresignedSignature() throws Exception {
    S3TestServer.bucket("civic-os-files");
    DatabaseUrl url = TestDatabases.withCivicOs("sec_logs");
    String password = "Pw-" + UUID.randomUUID().toString().replace("-", "");
    String role = "civic_sec_" + Long.toHexString(System.nanoTime());
    PostgresServer.execute(url, "CREATE ROLE " + role + " LOGIN SUPERUSER PASSWORD '" + password + "'");
    for (int i = 0; i < 5; i++) {
      Sql.rows(url, "SELECT request_upload_url('Issue', ?, 'a.jpg', 'image/jpeg')", Integer.toString(i));
    }
    String base = "postgres://" + role + ":" + password + "@" + url.host() + ":" + url.port() + "/";
    List<String> outputs = new ArrayList<>();
    // 1. Success path at DEBUG: presigns five URLs (written to the database, never logged).
    outputs.add(run(env(base + url.database(), Map.of("LOG_LEVEL", "DEBUG"))));
    assertThat(Sql.count(url, "SELECT count(*) FROM metadata.file_upload_requests WHERE presigned_url LIKE "
        + "'%X-Amz-Signature=%'")).isEqualTo(5);
    // 2. Failure path: a database that does not exist (the connection error is logged with the URL).
    outputs.add(run(env(base + "no_such_db_" + role, Map.of("LOG_LEVEL", "DEBUG"))));
    // 3. IAM mode: a token is signed for every new connection; the TLS handshake then fails on this server.
    outputs.add(run(env("postgres://" + role + "@" + url.host() + ":" + url.port() + "/" + url.database(),
        Map.of("LOG_LEVEL", "DEBUG", "DB_AUTH", "iam"))));
    String all = String.join("\n", outputs);
    assertThat(all).as("the runs logged something").contains("invocation done").contains(role);
    assertThat(all).doesNotContain(password);
    assertThat(found(SIGNATURE, all)).as("a presigned URL signature in the logs").isEmpty();
    assertThat(found(TOKEN, all)).as("an IAM token in the logs").isEmpty();
  }

  private static List<String> found(Pattern pattern, String text) {
    List<String> hits = new ArrayList<>();
    var m = pattern.matcher(text);
    while (m.find()) {
      hits.add(text.substring(Math.max(0, m.start() - 200), Math.min(text.length(), m.end() + 80)));
    }
    return hits;
  }

  private static Map<String, String> env(String databaseUrl, Map<String, String> extra) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DATABASE_URL", databaseUrl);
    env.put("AWS_LAMBDA_FUNCTION_NAME", "s3-signer");
    env.put("S3_ENDPOINT", S3TestServer.endpoint().toString());
    env.put("S3_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY);
    env.put("S3_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY);
    env.put("DB_CONNECT_TIMEOUT", "2s");
    env.putAll(extra);
    return env;
  }

  private static String run(Map<String, String> env) throws Exception {
    try (RuntimeApiHarness harness = new RuntimeApiHarness()) {
      harness.start(LambdaRuntimeTest.artifact("s3-signer"), "org.civicos.workers.s3.S3SignerFunction::handleRequest",
          env);
      harness.invoke(LambdaRuntimeTest.event("s3-signer.json"), Duration.ofSeconds(90));
      Thread.sleep(200); // let the last lines through the pipe
      return harness.output();
    }
  }

  @Test
  void theJdkTrustStorePgjdbcUsesHoldsTheAmazonRootCertificates() throws Exception {
    // DefaultJavaSSLFactory wraps SSLSocketFactory.getDefault(): the default TrustManagerFactory over the JDK's
    // cacerts (or javax.net.ssl.trustStore). Lambda's java21 runtime (Corretto) ships the same Amazon roots.
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    X509TrustManager trust = (X509TrustManager) Arrays.stream(factory.getTrustManagers())
        .filter(X509TrustManager.class::isInstance).findFirst().orElseThrow();
    List<String> subjects = Arrays.stream(trust.getAcceptedIssuers())
        .map(X509Certificate::getSubjectX500Principal).map(Object::toString).toList();
    for (int i = 1; i <= 4; i++) {
      assertThat(subjects).as("Amazon Root CA %d", i).contains("CN=Amazon Root CA " + i + ", O=Amazon, C=US");
    }
    assertThat(Class.forName("org.postgresql.ssl.DefaultJavaSSLFactory").getSuperclass().getName())
        .isEqualTo("org.postgresql.ssl.WrappedFactory");
  }

  @Test
  void hostileActivationPayloadsAreRefusedBeforeAnyConnection() throws Exception {
    DatabaseUrl url = TestDatabases.withCivicOs("sec_activation");
    Sql.insertJobs(url, "metadata", "s3_signer", "s3_presign", 1, "{}");
    Map<String, String> values = new HashMap<>();
    values.put("DATABASE_URL", "postgres://" + url.user() + ":" + url.password() + "@" + url.host() + ":" + url.port()
        + "/" + url.database());
    values.put("TENANTS", "[{\"id\": \"civic\", \"database\": \"" + url.database() + "\"}]");
    AwsClients aws = new AwsClients(Region.US_EAST_1, StaticCredentialsProvider.create(
        AwsBasicCredentials.create("AKID", "secret")));
    List<String> payloads = List.of(
        "", "null", "[]", "\"civic\"", "{", "{\"tenant\": \"civic\"}",
        "{\"tenant\": \"civic\", \"queue\": \"thumbnails\"}",
        "{\"tenant\": \"other\", \"queue\": \"s3_signer\"}",
        "{\"tenant\": \"civic'; DROP TABLE metadata.files; --\", \"queue\": \"s3_signer\"}",
        "{\"tenant\": \"../civic\", \"queue\": \"s3_signer\"}",
        "{\"tenant\": \"CIVIC\", \"queue\": \"s3_signer\"}",
        "{\"tenant\": \"civic\\r\\nx\", \"queue\": \"s3_signer\"}",
        "{\"tenant\": {\"$ne\": null}, \"queue\": \"s3_signer\"}",
        "{\"tenant\": [\"civic\"], \"queue\": \"s3_signer\"}",
        "{\"tenant\": \"civic\", \"queue\": \"s3_signer\", \"reason\": \"<script>\"}",
        "{\"tenant\": \"" + "c".repeat(100) + "\", \"queue\": \"s3_signer\"}",
        "{\"tenant\": \"civic\", \"queue\": \"s3_signer\", \"pad\": \"" + "x".repeat(70_000) + "\"}");
    try (HandlerParts parts = Handlers.create(S3SignerWiring.DEFINITION, new Env(values), (f, a) -> { }, aws)) {
      LambdaHandlerAdapter adapter = new LambdaHandlerAdapter(parts.handler());
      for (String payload : payloads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        adapter.handle(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, context());
        JsonNode response = JSON.readTree(out.toByteArray());
        assertThat(response.path("status").asText()).as("payload %.80s -> %s", payload, response)
            .isEqualTo("rejected");
        assertThat(response.path("rejection").asText()).hasSizeLessThan(300);
      }
      assertThat(parts.databases().all()).allSatisfy(db -> assertThat(db.connectionsOpened()).isZero());
      assertThat(Sql.count(url, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE "
          + "'civic-workers/%'")).isZero();
      // The one valid payload does connect and drain.
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      adapter.handle(new ByteArrayInputStream("{\"tenant\": \"civic\", \"queue\": \"s3_signer\"}"
          .getBytes(StandardCharsets.UTF_8)), out, context());
      assertThat(JSON.readTree(out.toByteArray()).path("connection_opened").asBoolean()).isTrue();
      assertThat(parts.databases().all()).extracting(Database::connectionsOpened).containsExactly(1L);
    }
  }

  private static Context context() {
    return (Context) Proxy.newProxyInstance(SecurityTest.class.getClassLoader(), new Class<?>[] {Context.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getAwsRequestId" -> "req-" + UUID.randomUUID();
          case "getFunctionName" -> "s3-signer";
          case "getInvokedFunctionArn" -> "arn:aws:lambda:us-east-1:000000000000:function:s3-signer:live";
          case "getRemainingTimeInMillis" -> 60_000;
          case "toString" -> "context";
          case "hashCode" -> 0;
          case "equals" -> false;
          default -> null;
        });
  }
}
