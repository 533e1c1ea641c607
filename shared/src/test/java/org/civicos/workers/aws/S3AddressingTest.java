package org.civicos.workers.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpMethod;

class S3AddressingTest {
  private static String url(S3Addressing addressing, String bucket, String key) {
    return addressing.request(SdkHttpMethod.GET, bucket, key).build().getUri().toString();
  }

  @Test
  void encodesEachByteOnceAndKeepsSlashes() {
    assertThat(S3Addressing.encodePath("a b/ü+c*~'%20.jpg")).isEqualTo("a%20b/%C3%BC%2Bc%2A~%27%2520.jpg");
    assertThat(S3Addressing.encodePath("x//./../y")).isEqualTo("x//./../y");
  }

  @Test
  void pathStyleAndVirtualHosted() {
    S3Addressing path = new S3Addressing(URI.create("https://files.example.org"), true);
    S3Addressing virtual = new S3Addressing(URI.create("https://files.example.org"), false);
    assertThat(url(path, "civic", "a b.jpg")).isEqualTo("https://files.example.org/civic/a%20b.jpg");
    assertThat(url(virtual, "civic", "a b.jpg")).isEqualTo("https://civic.files.example.org/a%20b.jpg");
    assertThat(url(path, "civic", "")).isEqualTo("https://files.example.org/civic");
    assertThat(url(virtual, "civic", "")).isEqualTo("https://civic.files.example.org/");
  }

  @Test
  void fallsBackToPathStyleWhereAHostNameCannotCarryTheBucket() {
    assertThat(url(new S3Addressing(URI.create("https://s3.example.org"), false), "Upper.Case", "k"))
        .isEqualTo("https://s3.example.org/Upper.Case/k");
    assertThat(url(new S3Addressing(URI.create("http://10.0.0.5:9000"), false), "civic", "k"))
        .isEqualTo("http://10.0.0.5:9000/civic/k");
    assertThat(url(new S3Addressing(URI.create("http://[::1]:9000"), false), "civic", "k"))
        .isEqualTo("http://[::1]:9000/civic/k");
  }

  @Test
  void keepsTheEndpointsPortAndBasePath() {
    assertThat(url(new S3Addressing(URI.create("http://proxy:8080/s3/"), true), "civic", "a/b"))
        .isEqualTo("http://proxy:8080/s3/civic/a/b");
  }

  @Test
  void awsEndpointsByRegion() {
    assertThat(S3Addressing.awsEndpoint("us-east-1")).hasToString("https://s3.amazonaws.com");
    assertThat(S3Addressing.awsEndpoint("eu-central-1")).hasToString("https://s3.eu-central-1.amazonaws.com");
    assertThat(S3Addressing.awsEndpoint("cn-northwest-1")).hasToString("https://s3.cn-northwest-1.amazonaws.com.cn");
    assertThat(S3Addressing.awsEndpoint("xx-future-9")).hasToString("https://s3.xx-future-9.amazonaws.com");
    assertThat(S3Addressing.of(Optional.of(URI.create("http://minio:9000")), "eu-west-1", true).endpoint())
        .hasToString("http://minio:9000");
  }
}
