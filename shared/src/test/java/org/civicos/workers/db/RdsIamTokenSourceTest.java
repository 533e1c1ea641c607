package org.civicos.workers.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

class RdsIamTokenSourceTest {
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));

  @Test
  void signsAConnectTokenForTheProxyEndpointUserAndRegion() {
    Clock fixed = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);
    RdsIamTokenSource source = new RdsIamTokenSource(CREDENTIALS, Region.US_EAST_2, fixed);
    String token = source.token("proxy.proxy-abc.us-east-2.rds.amazonaws.com", 5432, "civic_worker");

    assertThat(token).startsWith("proxy.proxy-abc.us-east-2.rds.amazonaws.com:5432/?");
    Map<String, String> query = params(token);
    assertThat(query).containsEntry("Action", "connect")
        .containsEntry("DBUser", "civic_worker")
        .containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
        .containsEntry("X-Amz-Credential", "AKIDEXAMPLE/20261129/us-east-2/rds-db/aws4_request")
        .containsEntry("X-Amz-Date", "20261129T120000Z")
        .containsEntry("X-Amz-Expires", "900")
        .containsEntry("X-Amz-SignedHeaders", "host")
        .containsKey("X-Amz-Signature");
  }

  @Test
  void producesTheSameTokenAsTheSdksRdsUtilities() {
    RdsUtilities sdk = RdsUtilities.builder().credentialsProvider(CREDENTIALS).region(Region.EU_CENTRAL_1).build();
    RdsIamTokenSource ours = new RdsIamTokenSource(CREDENTIALS, Region.EU_CENTRAL_1, Clock.systemUTC());
    // Both sign with the current second; retry if the second ticks over between the two calls.
    for (int attempt = 0; attempt < 5; attempt++) {
      String theirs = sdk.generateAuthenticationToken(r -> r.hostname("db.example.com").port(6543).username("app"));
      String mine = ours.token("db.example.com", 6543, "app");
      if (dateOf(theirs).equals(dateOf(mine))) {
        // Same endpoint prefix and the same parameters (signature included); only their order may differ.
        assertThat(mine.substring(0, mine.indexOf('?'))).isEqualTo(theirs.substring(0, theirs.indexOf('?')));
        assertThat(params(mine)).isEqualTo(params(theirs));
        return;
      }
    }
    throw new AssertionError("clock kept ticking between the two signatures");
  }

  @Test
  void signsANewTokenEachTimeAndCountsThem() {
    RdsIamTokenSource source = new RdsIamTokenSource(CREDENTIALS, Region.US_EAST_1, Clock.systemUTC());
    DatabaseUrl url = DatabaseUrl.parse("DATABASE_URL", "postgres://app@proxy.example.com:5432/civic");
    source.password(url);
    source.password(url);
    assertThat(source.tokensIssued()).isEqualTo(2);
  }

  private static Map<String, String> params(String token) {
    return Arrays.stream(URI.create("https://" + token).getRawQuery().split("&"))
        .map(p -> p.split("=", 2))
        .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
  }

  private static String dateOf(String token) {
    int i = token.indexOf("X-Amz-Date=");
    return token.substring(i, i + 27);
  }
}
