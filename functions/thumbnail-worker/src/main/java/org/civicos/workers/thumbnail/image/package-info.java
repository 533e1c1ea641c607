/**
 * The thumbnail image pipeline: the bytes of one uploaded file in, three encoded thumbnails out. No database,
 * no S3; the job worker does the I/O and the row updates.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * ThumbnailRenderer renderer = new ThumbnailRenderer(ImageLimits.defaults()); // share one instance
 *
 * renderer.checkSize(s3ContentLength);          // optional: reject before downloading
 * try {
 *   List<Thumbnail> thumbs = renderer.render(bytes); // small, medium, large
 *   for (Thumbnail t : thumbs) {
 *     putObject(dir + "/" + t.fileName(), t.contentType(), t.bytes()); // dir = dirname(s3_original_key)
 *   }
 *   // s3_thumbnail_{small,medium,large}_key = dir + "/" + fileName, thumbnail_status = 'completed'
 * } catch (ThumbnailException e) {
 *   if (e.permanent()) {
 *     // thumbnail_status = 'failed', thumbnail_error = e.getMessage(); cancel the job (no retry)
 *   } else {
 *     // interrupted (job timeout): let the job retry
 *   }
 * }
 * }</pre>
 *
 * <h2>Behaviour</h2>
 *
 * <ul>
 *   <li><b>Detection</b> by magic bytes only ({@link org.civicos.workers.thumbnail.image.InputKind#sniff}):
 *       JPEG, PNG, GIF, BMP, WebP and PDF are rendered; anything else (SVG, HTML, HEIC, TIFF, text, ...) fails
 *       with {@code unsupported file type: <kind>}. The declared content type is never consulted.
 *   <li><b>Images</b> give three JPEGs ({@code thumb-small.jpg} 150 px at quality 0.80, {@code thumb-medium.jpg}
 *       400 px at 0.85, {@code thumb-large.jpg} 800 px at 0.90), each exactly box×box: the picture is scaled to
 *       fit (contain, aspect kept), never enlarged, and centred on white. Alpha is composited onto white. EXIF
 *       orientation 1–8 (JPEG APP1, WebP EXIF chunk, PNG eXIf chunk) is applied. Embedded ICC profiles and
 *       CMYK/YCCK JPEGs are converted to sRGB. Animated GIF/WebP: the first frame (a GIF frame is placed on its
 *       logical screen).
 *   <li><b>PDF</b>: the first page rendered by PDFBox at 300 dpi capped to 1600 px on the long side, then
 *       resized to fit each box without padding and never enlarged; PNG, {@code thumb-small.png} etc.
 *   <li><b>No metadata</b> reaches the thumbnails: no EXIF/GPS, XMP, ICC or comments (JPEGs carry only the
 *       JFIF APP0 header).
 *   <li><b>Downscaling</b> is an area average (box filter over exact pixel coverage), decoded once and derived
 *       large → medium → small.
 * </ul>
 *
 * <h2>Limits and memory</h2>
 *
 * <ul>
 *   <li>{@link org.civicos.workers.thumbnail.image.ImageLimits#maxBytes()} (default 50 MiB) and
 *       {@link org.civicos.workers.thumbnail.image.ImageLimits#maxPixels()} (default 100 megapixels, from the
 *       image header before any pixel is decoded; for GIF also the logical screen; for PDFs, every embedded
 *       image).
 *   <li>Raster images are decoded with ImageIO source subsampling to at least 1600 px on the long side, so a
 *       50-megapixel JPEG decodes to about 2 megapixels (measured: it renders with {@code -Xmx40m}; see
 *       {@code PeakHeapProbe} in the tests).
 *   <li>PDFs are loaded in memory only (no scratch files). Before rendering, every stream reachable from the
 *       first page is decoded once into a counting sink; more than 64 MiB for one stream or 256 MiB in total
 *       fails as {@code PDF is too large to render: ...} (PDFBox would otherwise buffer a Flate bomb whole).
 * </ul>
 *
 * <h2>Errors</h2>
 *
 * One type, {@link org.civicos.workers.thumbnail.image.ThumbnailException}. Its message is meant for
 * {@code metadata.files.thumbnail_error} verbatim, e.g. {@code file is empty}, {@code unsupported file type:
 * SVG}, {@code image is 30000x30000 (900.0 megapixels), above the limit of 100 megapixels}, {@code corrupt or
 * truncated JPEG: Corrupt JPEG data: premature end of data segment}, {@code file is 73400320 bytes, above the
 * limit of 52428800 bytes}. Every failure caused by the input is {@code permanent()}; the only transient one is
 * an interrupted thread ({@code thumbnail rendering was interrupted}). {@link java.lang.OutOfMemoryError} is not
 * caught.
 *
 * <h2>Threads</h2>
 *
 * {@link org.civicos.workers.thumbnail.image.ThumbnailRenderer} is immutable and thread-safe; every call creates
 * and disposes its own ImageIO readers and writers and uses no ImageIO disk cache. On first use the
 * TwelveMonkeys JPEG and WebP readers are registered with the ImageIO registry if a fat jar lost their service
 * files.
 */
package org.civicos.workers.thumbnail.image;
