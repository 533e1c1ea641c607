package org.civicos.workers.thumbnail;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.civicos.workers.config.ConfigException;
import org.civicos.workers.config.Env;

/**
 * What the thumbnailer may touch and how much it will read.
 *
 * @param allowedBuckets buckets originals may come from; a {@code files} row naming any other is refused, so a
 *     client-written row cannot make the worker copy objects out of a foreign bucket
 * @param maxBytes originals larger than this are refused before download
 * @param maxPixels images whose header declares more pixels are refused before decoding
 * @param publicRead thumbnails are written with {@code x-amz-acl: public-read} (as Civic OS HEAD does)
 */
public record ThumbnailSettings(Set<String> allowedBuckets, long maxBytes, long maxPixels, boolean publicRead) {
  public static final long DEFAULT_MAX_BYTES = 50L * 1024 * 1024;
  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

  public static ThumbnailSettings fromEnv(Env env) {
    String fallback = env.string("S3_BUCKET", "civic-os-files");
    Set<String> buckets = Arrays.stream(env.string("THUMBNAIL_ALLOWED_BUCKETS", fallback).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    if (buckets.isEmpty()) {
      throw new ConfigException("THUMBNAIL_ALLOWED_BUCKETS must name at least one bucket");
    }
    return new ThumbnailSettings(buckets,
        env.integer("THUMBNAIL_MAX_MB", (int) (DEFAULT_MAX_BYTES / (1024 * 1024)), 1, 2048) * 1024L * 1024L,
        env.integer("THUMBNAIL_MAX_MEGAPIXELS", (int) (DEFAULT_MAX_PIXELS / 1_000_000), 1, 1000) * 1_000_000L,
        env.bool("THUMBNAIL_PUBLIC_READ", false));
  }
}
