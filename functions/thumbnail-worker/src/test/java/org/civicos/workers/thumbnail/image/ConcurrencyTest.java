package org.civicos.workers.thumbnail.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {
  @Test
  void oneRendererServesConcurrentJobsWithIdenticalResults() throws Exception {
    ThumbnailRenderer renderer = new ThumbnailRenderer(ImageLimits.defaults());
    List<byte[]> inputs = List.of(
        TestImages.jpeg(TestImages.solid(1200, 700, TestImages.RED)),
        TestImages.png(TestImages.solid(500, 900, TestImages.BLUE)),
        TestImages.encode(TestImages.solid(300, 300, TestImages.GREEN), "gif"),
        Fixtures.read("lossy-halves-300x200.webp"),
        PdfTest.pdf(612, 792),
        TestImages.jpeg(TestImages.solid(2000, 2000, Color.ORANGE), 0.9f, true));
    List<List<Thumbnail>> expected = new ArrayList<>();
    for (byte[] input : inputs) {
      expected.add(renderer.render(input));
    }

    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<List<Thumbnail>>> futures = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (byte[] input : inputs) {
          futures.add(pool.submit(() -> renderer.render(input)));
        }
      }
      for (int i = 0; i < futures.size(); i++) {
        List<Thumbnail> actual = futures.get(i).get();
        List<Thumbnail> wanted = expected.get(i % inputs.size());
        for (int t = 0; t < 3; t++) {
          assertThat(actual.get(t).bytes()).as("deterministic %s", wanted.get(t)).isEqualTo(wanted.get(t).bytes());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
