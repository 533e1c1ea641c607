package org.civicos.workers.thumbnail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.civicos.workers.aws.S3ObjectTooLargeException;
import org.civicos.workers.aws.S3RequestException;
import org.civicos.workers.db.Database;
import org.civicos.workers.queue.JobOutcome;
import org.civicos.workers.runtime.JobContext;
import org.civicos.workers.runtime.JobWorker;
import org.civicos.workers.thumbnail.image.Thumbnail;
import org.civicos.workers.thumbnail.image.ThumbnailException;
import org.civicos.workers.thumbnail.image.ThumbnailRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kind {@code thumbnail_generate}: reads the {@code files} row, checks that its bucket is one we serve and its
 * key cannot escape its folder, checks the object's size before downloading it, renders the three thumbnails and
 * writes them beside the original. The row goes {@code processing} → {@code completed} with the three keys, or
 * {@code failed} with the reason in {@code thumbnail_error}; a problem that no retry can fix also cancels the
 * job at once. S3 and database faults are retried, and the row is marked failed if the last attempt fails.
 */
public final class ThumbnailWorker implements JobWorker<JsonNode> {
  private static final Logger LOG = LoggerFactory.getLogger(ThumbnailWorker.class);
  static final int MAX_KEY = 1024;

  private final ThumbnailSettings settings;
  private final BlobStore blobs;
  private final ThumbnailRenderer renderer;
  private final FileRepository files = new FileRepository();

  public ThumbnailWorker(ThumbnailSettings settings, BlobStore blobs, ThumbnailRenderer renderer) {
    this.settings = settings;
    this.blobs = blobs;
    this.renderer = renderer;
  }

  @Override
  public String kind() {
    return "thumbnail_generate";
  }

  @Override
  public Class<JsonNode> argsType() {
    return JsonNode.class;
  }

  @Override
  public Duration timeout() {
    return Duration.ofMinutes(2);
  }

  @Override
  public JobOutcome execute(JobContext context, JsonNode args) {
    Optional<UUID> fileId = fileId(args);
    if (fileId.isEmpty()) {
      return JobOutcome.cancelled("invalid args: file_id must be a UUID string");
    }
    Database db = context.database();
    Optional<FileRepository.FileRow> found = files.read(db, fileId.get());
    if (found.isEmpty()) {
      return JobOutcome.cancelled("no files row with id " + fileId.get());
    }
    FileRepository.FileRow file = found.get();
    if ("completed".equals(file.thumbnailStatus())) {
      return JobOutcome.completed(); // an earlier attempt finished; its outcome was lost
    }
    Optional<String> refused = refuse(file);
    if (refused.isPresent()) {
      return failPermanently(db, file, refused.get());
    }
    try {
      files.processing(db, file.id());
      List<String> keys = generate(file);
      files.complete(db, file.id(), keys.get(0), keys.get(1), keys.get(2));
      LOG.atInfo().addKeyValue("file_id", file.id().toString()).log("thumbnails written for {}", file.originalKey());
      return JobOutcome.completed();
    } catch (ThumbnailException e) {
      if (e.permanent()) {
        return failPermanently(db, file, e.getMessage());
      }
      return retry(context, db, file, e.getMessage());
    } catch (S3ObjectTooLargeException e) {
      return failPermanently(db, file, e.getMessage()); // it grew between the size check and the download
    } catch (S3RequestException e) {
      if (rejectedForGood(e)) {
        return failPermanently(db, file, e.getMessage());
      }
      return retry(context, db, file, e.getMessage());
    } catch (RuntimeException e) {
      return retry(context, db, file, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
  }

  private List<String> generate(FileRepository.FileRow file) {
    Optional<Long> size = blobs.size(file.bucket(), file.originalKey());
    if (size.isEmpty()) {
      throw new ThumbnailException("original object not found: s3://" + file.bucket() + "/" + file.originalKey(), true);
    }
    renderer.checkSize(size.get());
    List<Thumbnail> thumbnails = renderer.render(blobs.read(file.bucket(), file.originalKey(),
        renderer.limits().maxBytes()));
    String dir = file.originalKey().substring(0, file.originalKey().lastIndexOf('/'));
    List<String> keys = new ArrayList<>(3);
    for (Thumbnail thumbnail : thumbnails) {
      String key = dir + "/" + thumbnail.fileName();
      blobs.write(file.bucket(), key, thumbnail.bytes(), thumbnail.contentType(), settings.publicRead());
      keys.add(key);
    }
    return keys;
  }

  /**
   * A 4xx answer no retry can change (a key or request S3 refuses): fail the row now instead of leaving it
   * 'processing' through 25 attempts. 403 (a policy being fixed), 408, 429, throttling and S3's RequestTimeout
   * stay retryable, as does no answer at all.
   */
  static boolean rejectedForGood(S3RequestException e) {
    int status = e.status();
    return status >= 400 && status < 500 && status != 403 && !e.transientFault();
  }

  /** Why a row must not be processed at all: a foreign bucket, or a key that could land thumbnails elsewhere. */
  Optional<String> refuse(FileRepository.FileRow file) {
    if (!settings.allowedBuckets().contains(file.bucket())) {
      return Optional.of("bucket '" + file.bucket() + "' is not one this worker serves");
    }
    String key = file.originalKey();
    if (key == null || key.isEmpty() || key.length() > MAX_KEY) {
      return Optional.of("s3_original_key is empty or longer than " + MAX_KEY + " characters");
    }
    if (key.chars().anyMatch(Character::isISOControl)) {
      return Optional.of("s3_original_key contains control characters");
    }
    if (key.startsWith("/") || !key.contains("/") || key.endsWith("/")) {
      return Optional.of("s3_original_key must be a path like Entity/id/file/original.ext");
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return Optional.of("s3_original_key must not contain empty, '.' or '..' segments");
      }
    }
    return Optional.empty();
  }

  private JobOutcome failPermanently(Database db, FileRepository.FileRow file, String message) {
    files.fail(db, file.id(), message);
    return JobOutcome.cancelled(message);
  }

  /** A transient problem: retried, but recorded on the row once no attempt is left. */
  private JobOutcome retry(JobContext context, Database db, FileRepository.FileRow file, String message) {
    if (context.job().attempt() >= context.job().maxAttempts()) {
      files.fail(db, file.id(), "gave up after " + context.job().attempt() + " attempts: " + message);
    }
    return JobOutcome.failed(message);
  }

  static Optional<UUID> fileId(JsonNode args) {
    JsonNode node = args == null ? null : args.get("file_id");
    if (node == null || !node.isTextual()) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(node.asText()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
