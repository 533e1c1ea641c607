package org.civicos.workers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThumbnailCommandTest {

  @Test
  void writesTheThreeThumbnailsOfALocalFile(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("in.png");
    ImageIO.write(new BufferedImage(1000, 500, BufferedImage.TYPE_INT_RGB), "png", input.toFile());
    CliTestSupport.Run run = CliTestSupport.run(Map.of(), "thumbnail", input.toString(), dir.resolve("out").toString());
    assertThat(run.exit()).as(run.err()).isZero();
    for (String size : new String[] {"small", "medium", "large"}) {
      assertThat(dir.resolve("out/thumb-" + size + ".jpg")).exists();
    }
    assertThat(ImageIO.read(dir.resolve("out/thumb-medium.jpg").toFile()).getWidth()).isEqualTo(400);
    assertThat(run.out()).contains("thumb-large.jpg 800x800 image/jpeg");
  }

  @Test
  void exitsNonZeroWithTheTextTheJobWouldRecord(@TempDir Path dir) throws Exception {
    Path svg = dir.resolve("x.svg");
    Files.writeString(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", StandardCharsets.UTF_8);
    CliTestSupport.Run run = CliTestSupport.run(Map.of(), "thumbnail", svg.toString(), dir.resolve("out").toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("unsupported file type: SVG\n");
    assertThat(dir.resolve("out")).doesNotExist();

    CliTestSupport.Run missing = CliTestSupport.run(Map.of(), "thumbnail", dir.resolve("nope.jpg").toString(), "o");
    assertThat(missing.exit()).isEqualTo(66);
  }
}
