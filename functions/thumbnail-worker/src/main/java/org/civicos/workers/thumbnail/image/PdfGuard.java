package org.civicos.workers.thumbnail.image;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSNumber;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.filter.Filter;
import org.apache.pdfbox.filter.FilterFactory;
import org.apache.pdfbox.pdfparser.PDFStreamParser;
import org.apache.pdfbox.pdmodel.PDPage;

/**
 * Checks, before PDFBox renders the first page, that nothing it would decode is a bomb. PDFBox decodes every
 * stream it uses (content, images, fonts, patterns, ...) completely into heap memory, so a 400 KB PDF holding a
 * Flate-compressed 20000×20000 image asks for 400 MB. This guard walks every object reachable from the page
 * (not other pages), decodes each stream once into a counting sink, and fails if
 *
 * <ul>
 *   <li>one stream decodes to more than {@link #MAX_STREAM_BYTES},
 *   <li>all of them together decode to more than {@link #MAX_TOTAL_BYTES},
 *   <li>an image (XObject or inline) declares more pixels than the pixel limit, or
 *   <li>the page references more than {@link #MAX_OBJECTS} objects.
 * </ul>
 *
 * Image codecs whose output size is fixed by the declared dimensions (DCT, JPX, JBIG2, CCITT) are not run;
 * their dimensions are checked instead. Streams that fail to decode are left for PDFBox to handle leniently.
 */
final class PdfGuard {
  static final long MAX_STREAM_BYTES = 64L * 1024 * 1024;
  static final long MAX_TOTAL_BYTES = 256L * 1024 * 1024;
  static final int MAX_OBJECTS = 200_000;

  /** Links that lead away from the page's own content (other pages, outlines, actions, structure tree). */
  private static final Set<COSName> SKIPPED_KEYS = Set.of(COSName.PARENT, COSName.P, COSName.DEST, COSName.A,
      COSName.AA, COSName.NEXT, COSName.PREV, COSName.FIRST, COSName.LAST, COSName.getPDFName("Popup"),
      COSName.getPDFName("IRT"), COSName.B, COSName.getPDFName("Thumb"), COSName.METADATA,
      COSName.getPDFName("PieceInfo"), COSName.getPDFName("StructParents"));

  private static final Set<COSName> IMAGE_CODECS = Set.of(COSName.DCT_DECODE, COSName.DCT_DECODE_ABBREVIATION,
      COSName.JPX_DECODE, COSName.JBIG2_DECODE, COSName.CCITTFAX_DECODE, COSName.CCITTFAX_DECODE_ABBREVIATION);

  private final long maxPixels;
  private long totalBytes;

  private PdfGuard(long maxPixels) {
    this.maxPixels = maxPixels;
  }

  static void check(PDPage page, long maxPixels) {
    new PdfGuard(maxPixels).walk(page.getCOSObject());
  }

  private void walk(COSDictionary pageDictionary) {
    Set<COSBase> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<COSBase> pending = new ArrayDeque<>();
    Set<COSStream> contentStreams = Collections.newSetFromMap(new IdentityHashMap<>());
    pending.push(pageDictionary);
    COSBase contents = deref(pageDictionary.getItem(COSName.CONTENTS));
    if (contents instanceof COSStream stream) {
      contentStreams.add(stream);
    } else if (contents instanceof COSArray array) {
      for (int i = 0; i < array.size(); i++) {
        if (array.getObject(i) instanceof COSStream stream) {
          contentStreams.add(stream);
        }
      }
    }
    while (!pending.isEmpty()) {
      COSBase object = deref(pending.pop());
      if (object == null || !seen.add(object)) {
        continue;
      }
      if (seen.size() > MAX_OBJECTS) {
        throw tooLarge("the first page references more than " + MAX_OBJECTS + " objects");
      }
      if (object instanceof COSArray array) {
        for (int i = 0; i < array.size(); i++) {
          pushContainer(pending, array.get(i));
        }
      } else if (object instanceof COSDictionary dictionary) {
        if (dictionary != pageDictionary && isPageTreeNode(dictionary)) {
          continue; // another page or the page tree
        }
        for (Map.Entry<COSName, COSBase> entry : dictionary.entrySet()) {
          if (SKIPPED_KEYS.contains(entry.getKey())) {
            continue;
          }
          if (entry.getKey().equals(COSName.getPDFName("CharProcs"))
              && deref(entry.getValue()) instanceof COSDictionary procs) {
            for (COSBase proc : procs.getValues()) {
              if (deref(proc) instanceof COSStream stream) {
                contentStreams.add(stream);
              }
            }
          }
          pushContainer(pending, entry.getValue());
        }
        if (dictionary instanceof COSStream stream) {
          boolean content = contentStreams.contains(stream) || COSName.FORM.equals(stream.getCOSName(COSName.SUBTYPE))
              || stream.getInt(COSName.PATTERN_TYPE) == 1;
          checkStream(stream, content);
        }
      }
    }
  }

  /** Numbers, names and strings cannot lead anywhere: only follow references, arrays and dictionaries. */
  private static void pushContainer(Deque<COSBase> pending, COSBase item) {
    if (item instanceof COSObject || item instanceof COSArray || item instanceof COSDictionary) {
      pending.push(item);
    }
  }

  private static boolean isPageTreeNode(COSDictionary dictionary) {
    COSName type = dictionary.getCOSName(COSName.TYPE);
    return COSName.PAGE.equals(type) || COSName.PAGES.equals(type) || COSName.CATALOG.equals(type);
  }

  private static COSBase deref(COSBase base) {
    return base instanceof COSObject object ? object.getObject() : base;
  }

  private void checkStream(COSStream stream, boolean content) {
    if (COSName.IMAGE.equals(stream.getCOSName(COSName.SUBTYPE))) {
      checkImageSize(stream.getInt(COSName.WIDTH), stream.getInt(COSName.HEIGHT));
    }
    try (InputStream raw = stream.createRawInputStream()) {
      byte[] decoded = decode(raw, filters(stream.getFilters()), stream, content);
      if (decoded != null) {
        checkInlineImages(decoded);
      }
    } catch (LimitExceeded e) {
      throw tooLarge(e.getMessage());
    } catch (IOException | RuntimeException e) {
      // broken stream: PDFBox will skip or repair it while rendering
    }
  }

  /**
   * Runs the stream's non-image filters. Returns the decoded bytes if {@code keep} (content streams, needed
   * to find inline images), else null (counted and discarded).
   */
  private byte[] decode(InputStream raw, List<COSName> filters, COSDictionary parameters, boolean keep)
      throws IOException {
    InputStream in = raw;
    int usable = 0;
    while (usable < filters.size() && !IMAGE_CODECS.contains(filters.get(usable))) {
      usable++;
    }
    for (int i = 0; i < usable; i++) {
      boolean last = i == usable - 1;
      CountingSink sink = new CountingSink(last && !keep);
      Filter filter = FilterFactory.INSTANCE.getFilter(filters.get(i));
      try {
        filter.decode(in, sink, parameters, i);
      } finally {
        if (sink.exceeded != null) {
          throw sink.exceeded; // even if the filter swallowed it
        }
        sink.commit();
      }
      if (last) {
        return keep ? sink.bytes() : null;
      }
      in = new ByteArrayInputStream(sink.bytes());
    }
    if (usable == 0 && keep) {
      CountingSink sink = new CountingSink(false);
      raw.transferTo(sink);
      sink.commit();
      return sink.bytes();
    }
    return null;
  }

  private static List<COSName> filters(COSBase base) {
    base = deref(base);
    if (base instanceof COSName name) {
      return List.of(name);
    }
    if (base instanceof COSArray array) {
      return array.toList().stream().map(PdfGuard::deref).filter(COSName.class::isInstance)
          .map(COSName.class::cast).toList();
    }
    return List.of();
  }

  private void checkInlineImages(byte[] content) throws IOException {
    if (!containsInlineImage(content)) {
      return;
    }
    PDFStreamParser parser = new PDFStreamParser(content);
    for (Object token = parser.parseNextToken(); token != null; token = parser.parseNextToken()) {
      if (token instanceof Operator operator && "BI".equals(operator.getName())
          && operator.getImageParameters() != null) {
        COSDictionary parameters = operator.getImageParameters();
        checkImageSize(intValue(parameters, COSName.W, COSName.WIDTH), intValue(parameters, COSName.H, COSName.HEIGHT));
        byte[] data = operator.getImageData();
        if (data != null) {
          try {
            decode(new ByteArrayInputStream(data), filters(parameters.getDictionaryObject(COSName.F, COSName.FILTER)),
                parameters, false);
          } catch (LimitExceeded e) {
            throw e;
          } catch (IOException | RuntimeException e) {
            // broken inline image: PDFBox will skip it
          }
        }
      }
    }
  }

  private static boolean containsInlineImage(byte[] content) {
    for (int i = 0; i + 1 < content.length; i++) {
      if (content[i] == 'B' && content[i + 1] == 'I') {
        return true;
      }
    }
    return false;
  }

  private static int intValue(COSDictionary dictionary, COSName abbreviation, COSName name) {
    return dictionary.getDictionaryObject(abbreviation, name) instanceof COSNumber n ? n.intValue() : 0;
  }

  private void checkImageSize(long width, long height) {
    if (width > 0 && height > 0 && width * height > maxPixels) {
      throw ThumbnailException.permanent("PDF contains an image of " + Messages.tooManyPixels(width, height, maxPixels)
          .substring("image is ".length()));
    }
  }

  private static ThumbnailException tooLarge(String detail) {
    return ThumbnailException.permanent("PDF is too large to render: " + detail);
  }

  /** Counts (and, unless discarding, keeps) decoded bytes; fails past the per-stream and total limits. */
  private final class CountingSink extends OutputStream {
    private final boolean discard;
    private final ByteArrayOutputStream kept;
    private long count;
    LimitExceeded exceeded;

    CountingSink(boolean discard) {
      this.discard = discard;
      this.kept = discard ? null : new ByteArrayOutputStream();
    }

    @Override
    public void write(int b) throws IOException {
      add(1);
      if (!discard) {
        kept.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      add(len);
      if (!discard) {
        kept.write(b, off, len);
      }
    }

    private void add(int n) throws LimitExceeded {
      if (exceeded != null) {
        throw exceeded;
      }
      count += n;
      if (count > MAX_STREAM_BYTES) {
        exceeded = new LimitExceeded("a stream decodes to more than " + MAX_STREAM_BYTES / (1024 * 1024) + " MiB");
      } else if (totalBytes + count > MAX_TOTAL_BYTES) {
        exceeded = new LimitExceeded(
            "the first page's streams decode to more than " + MAX_TOTAL_BYTES / (1024 * 1024) + " MiB");
      }
      if (exceeded != null) {
        throw exceeded;
      }
    }

    void commit() {
      totalBytes += count;
    }

    byte[] bytes() {
      return kept.toByteArray();
    }
  }

  private static final class LimitExceeded extends IOException {
    LimitExceeded(String message) {
      super(message);
    }
  }
}
