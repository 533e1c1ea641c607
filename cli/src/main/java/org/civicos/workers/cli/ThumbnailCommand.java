package org.civicos.workers.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.civicos.workers.config.Env;
import org.civicos.workers.thumbnail.ThumbnailSettings;
import org.civicos.workers.thumbnail.image.ImageLimits;
import org.civicos.workers.thumbnail.image.Thumbnail;
import org.civicos.workers.thumbnail.image.ThumbnailException;
import org.civicos.workers.thumbnail.image.ThumbnailRenderer;

/**
 * {@code workers thumbnail IN OUTDIR}: the job's own rendering code on a local file. Writes the three thumbnails
 * or exits non-zero with the text the job would record in {@code files.thumbnail_error}.
 */
final class ThumbnailCommand {
  static final int FAILED = 1;

  static int run(Args args, Env env, PrintStream out, PrintStream err) throws IOException {
    Path input = Path.of(args.next("input file"));
    Path outDir = Path.of(args.next("output directory"));
    args.done();
    ThumbnailSettings settings = ThumbnailSettings.fromEnv(env);
    ThumbnailRenderer renderer = new ThumbnailRenderer(new ImageLimits(settings.maxBytes(), settings.maxPixels()));
    if (!Files.isRegularFile(input)) {
      throw new CommandException(66, "no such file: " + input);
    }
    List<Thumbnail> thumbnails;
    try {
      renderer.checkSize(Files.size(input));
      thumbnails = renderer.render(Files.readAllBytes(input));
    } catch (ThumbnailException e) {
      err.println(e.getMessage());
      return FAILED;
    }
    Files.createDirectories(outDir);
    for (Thumbnail thumbnail : thumbnails) {
      Path file = outDir.resolve(thumbnail.fileName());
      Files.write(file, thumbnail.bytes());
      out.printf("%s %dx%d %s %d bytes%n", file, thumbnail.width(), thumbnail.height(), thumbnail.contentType(),
          thumbnail.bytes().length);
    }
    return 0;
  }

  private ThumbnailCommand() {
  }
}
