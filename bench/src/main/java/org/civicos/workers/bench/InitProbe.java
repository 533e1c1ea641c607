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
      case "lambda-invoker" -> probe("lambdaInvoker");
      case "s3-client" -> probe("s3");
      case "ses-client" -> probe("ses");
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

  private static void probe(String method) throws Exception {
    Class.forName("org.civicos.workers.bench.AwsClientProbes").getMethod(method).invoke(null);
  }

  private static void call(String className, String method, String argument) throws Exception {
    Object instance = Class.forName(className).getConstructor().newInstance();
    instance.getClass().getMethod(method, String.class).invoke(instance, argument);
  }

  private static byte[] minimalPdf() {
    String pdf = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        + "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    return pdf.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
