package org.civicos.workers.s3;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The {@code s3_presign} args as Civic OS's trigger writes them, decoded tolerantly (unknown keys ignored, JSON
 * null read as "", scalars read as text) and validated, so nothing a caller of {@code request_upload_url}
 * passes can steer the object key: entity type and id become path segments, the file name only lends its
 * extension.
 */
record UploadRequest(UUID requestId, String entityType, String entityId, String fileName, String fileType) {
  static final int MAX_SEGMENT = 128;
  static final int MAX_FILE_NAME = 255;
  static final int MAX_FILE_TYPE = 255;
  /** URL-safe characters only: a key that needs percent-encoding breaks the browser's key derivation. */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final Pattern EXTENSION = Pattern.compile("[a-z0-9]{1,10}");
  private static final Pattern MIME = Pattern.compile("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+");

  /** Why the args cannot produce an upload URL; the message is stored in {@code error_message}. */
  static final class InvalidUpload extends RuntimeException {
    InvalidUpload(String message) {
      super(message);
    }
  }

  /** The request id, if the args carry a valid one (needed to report any other problem). */
  static Optional<UUID> requestId(JsonNode args) {
    try {
      return Optional.of(UUID.fromString(text(args, "request_id")));
    } catch (IllegalArgumentException | InvalidUpload e) {
      return Optional.empty();
    }
  }

  static UploadRequest parse(JsonNode args) {
    if (args == null || !args.isObject()) {
      throw new InvalidUpload("args must be a JSON object");
    }
    UUID id = requestId(args).orElseThrow(() -> new InvalidUpload("request_id is not a UUID"));
    String entityType = segment(args, "entity_type");
    String entityId = segment(args, "entity_id");
    String fileName = text(args, "file_name");
    if (fileName.isEmpty()) {
      throw new InvalidUpload("file_name is empty");
    }
    if (fileName.length() > MAX_FILE_NAME) {
      throw new InvalidUpload("file_name is longer than " + MAX_FILE_NAME + " characters");
    }
    if (fileName.contains("/") || fileName.contains("\\") || fileName.contains("..") || hasControl(fileName)) {
      throw new InvalidUpload("file_name must not contain '/', '\\', '..' or control characters");
    }
    String fileType = text(args, "file_type");
    if (fileType.length() > MAX_FILE_TYPE || hasControl(fileType)) {
      throw new InvalidUpload("file_type is not a valid MIME type");
    }
    return new UploadRequest(id, entityType, entityId, fileName, fileType);
  }

  /** {@code .jpg} for {@code Photo.JPG}; {@code .bin} when there is no extension or it is not [a-z0-9]{1,10}. */
  String extension() {
    int dot = fileName.lastIndexOf('.');
    if (dot < 0 || dot == fileName.length() - 1) {
      return ".bin";
    }
    String ext = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    return EXTENSION.matcher(ext).matches() ? "." + ext : ".bin";
  }

  String key(UUID fileId) {
    return entityType + "/" + entityId + "/" + fileId + "/original" + extension();
  }

  /** The file type to sign as Content-Type, if it is a well-formed MIME type. */
  Optional<String> contentType() {
    return MIME.matcher(fileType).matches() ? Optional.of(fileType) : Optional.empty();
  }

  private static String segment(JsonNode args, String field) {
    String value = text(args, field);
    if (value.isEmpty()) {
      throw new InvalidUpload(field + " is empty");
    }
    if (value.length() > MAX_SEGMENT) {
      throw new InvalidUpload(field + " is longer than " + MAX_SEGMENT + " characters");
    }
    if (!SEGMENT.matcher(value).matches() || value.contains("..")) {
      throw new InvalidUpload(field + " may only contain letters, digits, '_', '-' and '.' (no '..')");
    }
    return value;
  }

  private static String text(JsonNode args, String field) {
    JsonNode node = args.get(field);
    if (node == null || node.isNull()) {
      return "";
    }
    if (node.isContainerNode()) {
      throw new InvalidUpload(field + " must be a string, got " + (node.isArray() ? "an array" : "an object"));
    }
    return node.asText();
  }

  private static boolean hasControl(String value) {
    return value.chars().anyMatch(Character::isISOControl);
  }
}
