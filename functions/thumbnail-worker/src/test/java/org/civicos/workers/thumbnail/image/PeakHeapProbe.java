package org.civicos.workers.thumbnail.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Manual measurement, not a test: how much heap and time {@link ThumbnailRenderer} needs for a big photo.
 *
 * <pre>
 * CP=target/classes:target/test-classes:$(cat /tmp/thumb-cp.txt)
 * # 1. make the inputs (needs a big heap itself: the 50 MP source bitmap is 150 MB)
 * java -Xmx1g -cp $CP org.civicos.workers.thumbnail.image.PeakHeapProbe generate /tmp/50mp.jpg
 * java -Xmx1g -cp $CP org.civicos.workers.thumbnail.image.PeakHeapProbe generate /tmp/50mp-progressive.jpg progressive
 * # (-Dprobe.size=10000x10000 for another size)
 * # 2. render under a heap cap and print peak heap / time
 * java -Xmx256m -cp $CP org.civicos.workers.thumbnail.image.PeakHeapProbe /tmp/50mp.jpg
 * </pre>
 *
 * <p>Peak heap is the sum of the heap pools' peak usage after a GC and a peak reset, which over-counts garbage
 * not yet collected (young generation); the smallest {@code -Xmx} at which the render still succeeds is the
 * stricter figure. Native memory (libjpeg's buffers) shows in the process high-water mark (VmHWM).
 */
public final class PeakHeapProbe {
  private PeakHeapProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 2 && args[0].equals("generate")) {
      boolean progressive = args.length > 2 && args[2].equals("progressive");
      String[] size = System.getProperty("probe.size", "8660x5774").split("x");
      generate(Path.of(args[1]), Integer.parseInt(size[0]), Integer.parseInt(size[1]), progressive);
      return;
    }
    if (args.length != 1) {
      System.err.println("usage: PeakHeapProbe generate <file.jpg|file.png> [progressive] | PeakHeapProbe <input>");
      System.exit(2);
    }
    byte[] input = Files.readAllBytes(Path.of(args[0]));
    ThumbnailRenderer renderer = new ThumbnailRenderer(ImageLimits.defaults());
    System.out.printf("input: %s, %d bytes, max heap %d MB%n", args[0], input.length,
        Runtime.getRuntime().maxMemory() >> 20);

    System.gc();
    long baseline = usedHeap();
    resetPeaks();
    long start = System.nanoTime();
    List<Thumbnail> thumbs = renderer.render(input);
    long coldMillis = (System.nanoTime() - start) / 1_000_000;
    long peak = peakHeap();
    System.out.printf("cold render: %d ms; heap in use before (incl. the input): %.1f MB; peak heap during: %.1f MB"
        + " (sum of pool peaks)%n", coldMillis, mb(baseline), mb(peak));
    thumbs.forEach(t -> System.out.println("  " + t));

    List<Long> warm = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long s = System.nanoTime();
      renderer.render(input);
      warm.add((System.nanoTime() - s) / 1_000_000);
    }
    Collections.sort(warm);
    System.out.printf("warm renders (ms): %s, median %d%n", warm, warm.get(warm.size() / 2));
    System.out.println("process " + vmHwm());
  }

  private static void generate(Path file, int w, int h, boolean progressive) throws Exception {
    // Photo-like content: smooth gradients plus per-pixel noise, so the JPEG is realistically large. PNG gets
    // little noise, or it would not fit the 50 MiB input limit.
    int amplitude = file.toString().endsWith(".png") ? 2 : 32;
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    Random random = new Random(1);
    int i = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int noise = random.nextInt(amplitude) - amplitude / 2;
        data[i++] = (byte) clamp((x + y) * 255 / (w + h) + noise); // B
        data[i++] = (byte) clamp(y * 255 / h + noise); // G
        data[i++] = (byte) clamp(x * 255 / w + noise); // R
      }
    }
    byte[] bytes = file.toString().endsWith(".png") ? TestImages.png(image) : TestImages.jpeg(image, 0.9f, progressive);
    Files.write(file, bytes);
    System.out.printf("wrote %s: %dx%d (%.1f MP), %d bytes%s%n", file, w, h, w * (double) h / 1e6, bytes.length,
        progressive ? ", progressive" : "");
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  private static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
  }

  private static void resetPeaks() {
    heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  private static long peakHeap() {
    return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
  }

  private static long usedHeap() {
    return heapPools().stream().mapToLong(p -> p.getUsage().getUsed()).sum();
  }

  private static double mb(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  private static String vmHwm() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("VmHWM") || l.startsWith("VmRSS")).map(l -> l.replaceAll("\\s+", " "))
          .reduce((a, b) -> a + ", " + b).orElse("?");
    } catch (Exception e) {
      return "(no /proc/self/status)";
    }
  }
}
