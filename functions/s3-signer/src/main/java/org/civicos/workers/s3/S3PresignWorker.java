package org.civicos.workers.s3;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.civicos.workers.db.Database;
import org.civicos.workers.queue.JobOutcome;
import org.civicos.workers.runtime.JobContext;
import org.civicos.workers.runtime.JobWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kind {@code s3_presign}: turns an upload request into a presigned PUT URL and the object key it is for, and
 * writes them to the request row the browser polls. Invalid input and missing rows are permanent: the row (if
 * any) says {@code failed} with the reason and the job is cancelled, instead of retrying for 20 days.
 */
public final class S3PresignWorker implements JobWorker<JsonNode> {
  private static final Logger LOG = LoggerFactory.getLogger(S3PresignWorker.class);

  private final PresignSettings settings;
  private final UploadUrlSigner signer;
  private final Supplier<UUID> fileIds;
  private final UploadRequestRepository requests = new UploadRequestRepository();

  public S3PresignWorker(PresignSettings settings, UploadUrlSigner signer, Supplier<UUID> fileIds) {
    this.settings = settings;
    this.signer = signer;
    this.fileIds = fileIds;
  }

  @Override
  public String kind() {
    return "s3_presign";
  }

  @Override
  public Class<JsonNode> argsType() {
    return JsonNode.class;
  }

  @Override
  public Duration timeout() {
    return Duration.ofSeconds(15);
  }

  @Override
  public JobOutcome execute(JobContext context, JsonNode args) {
    Database db = context.database();
    UploadRequest request;
    try {
      request = UploadRequest.parse(args);
    } catch (UploadRequest.InvalidUpload e) {
      String message = "invalid upload request: " + e.getMessage();
      Optional<UUID> id = UploadRequest.requestId(args);
      id.ifPresent(requestId -> requests.fail(db, requestId, message));
      return JobOutcome.cancelled(message);
    }
    UUID fileId = fileIds.get();
    String key = request.key(fileId);
    Optional<String> contentType = settings.signContentType() ? request.contentType() : Optional.empty();
    String url = signer.presignPut(settings.bucket(), key, contentType, settings.publicRead(), settings.expiry());
    if (requests.complete(db, request.requestId(), url, fileId, key) == 1) {
      LOG.atInfo().addKeyValue("s3_key", key).log("upload URL ready for request {}", request.requestId());
      return JobOutcome.completed();
    }
    Optional<String> status = requests.status(db, request.requestId());
    if (status.isPresent()) {
      // Completed by an earlier attempt whose outcome was lost: nothing to redo.
      return JobOutcome.completed();
    }
    return JobOutcome.cancelled("no file_upload_requests row with id " + request.requestId());
  }
}
