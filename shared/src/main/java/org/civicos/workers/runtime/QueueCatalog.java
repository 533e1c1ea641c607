package org.civicos.workers.runtime;

import java.util.List;
import java.util.Optional;
import org.civicos.workers.queue.QueueSpec;

/**
 * The queues civic-workers serves, the kinds it runs in each (Civic OS's), and the function that drains each.
 * The poller reads depth for exactly these kinds; every other kind in these queues is left to whoever runs it.
 */
public final class QueueCatalog {
  public static final String S3_SIGNER = "s3_signer";
  public static final String THUMBNAILS = "thumbnails";
  public static final String NOTIFICATIONS = "notifications";

  /** One queue and its handler function (the function module's directory name). */
  public record Entry(QueueSpec spec, String function) {
    public String queue() {
      return spec.queue();
    }
  }

  private static final List<Entry> ENTRIES = List.of(
      new Entry(new QueueSpec(S3_SIGNER, List.of("s3_presign")), "s3-signer"),
      new Entry(new QueueSpec(THUMBNAILS, List.of("thumbnail_generate")), "thumbnail-worker"),
      new Entry(new QueueSpec(NOTIFICATIONS,
          List.of("send_notification", "validate_template_parts", "preview_template_parts")), "notification-worker"));

  private QueueCatalog() {
  }

  public static List<Entry> all() {
    return ENTRIES;
  }

  public static Optional<Entry> byQueue(String queue) {
    return ENTRIES.stream().filter(e -> e.queue().equals(queue)).findFirst();
  }
}
