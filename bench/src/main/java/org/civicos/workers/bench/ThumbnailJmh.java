package org.civicos.workers.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.civicos.workers.thumbnail.image.ImageLimits;
import org.civicos.workers.thumbnail.image.Thumbnail;
import org.civicos.workers.thumbnail.image.ThumbnailRenderer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** JMH: one call of the thumbnailer's renderer (decode once, three sizes, three JPEGs) on a file in memory. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ThumbnailJmh {
  @Param("")
  public String file;

  private byte[] input;
  private ThumbnailRenderer renderer;

  @Setup
  public void setUp() throws Exception {
    input = Files.readAllBytes(Path.of(file));
    renderer = new ThumbnailRenderer(ImageLimits.defaults());
  }

  @Benchmark
  public List<Thumbnail> render() {
    return renderer.render(input);
  }
}
