package org.civicos.workers.bench;

import java.util.Locale;

/**
 * Child JVM of ColdStartBench: loads and initialises one dependency the way the functions do at init, in a fresh
 * JVM on a function artifact's class path, and prints {@code INIT <step> <ms>} (in-process time of that step).
 * Dependencies are referenced by name only, so each step loads nothing but its own classes.
 */
public final class InitProbe {
  private InitProbe() {
  }

  public static void main(String[] args) throws Exception {
    String step = args[0];
    long start = System.nanoTime();
    switch (step) {
      case "none" -> { }
      case "jackson" -> call("com.fasterxml.jackson.databind.ObjectMapper", "readTree", "{\"tenant\":\"default\",\"queue\":\"q\"}");
      case "logback" -> {
        Object logger = Class.forName("org.slf4j.LoggerFactory").getMethod("getLogger", String.class)
            .invoke(null, "probe");
        logger.getClass().getMethod("debug", String.class).invoke(logger, "probe");
      }
      case "pgjdbc" -> Class.forName("org.postgresql.Driver").getConstructor().newInstance();
      case "hikari" -> Class.forName("com.zaxxer.hikari.HikariDataSource").getConstructor().newInstance();
      case "aws-lambda-client" -> sdkClient("software.amazon.awssdk.services.lambda.LambdaClient");
      case "s3-client" -> Class.forName("org.civicos.workers.bench.S3ClientProbe").getMethod("run").invoke(null);
      case "aws-sesv2-client" -> sdkClient("software.amazon.awssdk.services.sesv2.SesV2Client");
      case "pdfbox" -> Class.forName("org.apache.pdfbox.Loader").getMethod("loadPDF", byte[].class)
          .invoke(null, (Object) minimalPdf());
      case "imageio" -> {
        Class.forName("javax.imageio.ImageIO").getMethod("scanForPlugins").invoke(null);
        Class.forName("javax.imageio.ImageIO").getMethod("getImageReadersByFormatName", String.class).invoke(null, "jpeg");
      }
      default -> throw new IllegalArgumentException(step);
    }
    System.out.printf(Locale.ROOT, "INIT %s %.2f%n", step, (System.nanoTime() - start) / 1e6);
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  private static void call(String className, String method, String argument) throws Exception {
    Object instance = Class.forName(className).getConstructor().newInstance();
    instance.getClass().getMethod(method, String.class).invoke(instance, argument);
  }

  /** builder().region(us-east-1).httpClient(url-connection).build(), as AwsClients does. */
  private static void sdkClient(String className) throws Exception {
    Object builder = Class.forName(className).getMethod("builder").invoke(null);
    Class<?> region = Class.forName("software.amazon.awssdk.regions.Region");
    Object usEast1 = region.getMethod("of", String.class).invoke(null, "us-east-1");
    Class<?> awsBuilder = Class.forName("software.amazon.awssdk.awscore.client.builder.AwsClientBuilder");
    awsBuilder.getMethod("region", region).invoke(builder, usEast1);
    Object http = Class.forName("software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient")
        .getMethod("builder").invoke(null);
    Class<?> httpBuilder = Class.forName("software.amazon.awssdk.http.SdkHttpClient$Builder");
    Class.forName("software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder")
        .getMethod("httpClientBuilder", httpBuilder).invoke(builder, http);
    Object client = Class.forName("software.amazon.awssdk.utils.builder.SdkBuilder").getMethod("build").invoke(builder);
    ((AutoCloseable) client).close();
  }

  private static byte[] minimalPdf() {
    String pdf = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        + "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    return pdf.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
