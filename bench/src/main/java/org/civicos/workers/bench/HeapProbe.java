package org.civicos.workers.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.civicos.workers.thumbnail.image.ImageLimits;
import org.civicos.workers.thumbnail.image.ThumbnailRenderer;

/**
 * Child JVM of ThumbnailBench (as in the thumbnailer's PeakHeapProbe): renders one file under the given -Xmx and
 * prints one line {@code HEAP ok peak_heap_mb baseline_mb vm_hwm_kb render_ms}.
 */
public final class HeapProbe {
  private HeapProbe() {
  }

  public static void main(String[] args) throws Exception {
    byte[] input = Files.readAllBytes(Path.of(args[0]));
    ThumbnailRenderer renderer = new ThumbnailRenderer(ImageLimits.defaults());
    List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();
    System.gc();
    long baseline = pools.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    pools.forEach(MemoryPoolMXBean::resetPeakUsage);
    long start = System.nanoTime();
    boolean ok;
    try {
      renderer.render(input);
      ok = true;
    } catch (OutOfMemoryError e) {
      ok = false;
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    long peak = pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    long hwm = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1L);
    System.out.printf("HEAP %s %.1f %.1f %d %d%n", ok ? "ok" : "oom", peak / 1048576.0, baseline / 1048576.0, hwm,
        millis);
  }
}
