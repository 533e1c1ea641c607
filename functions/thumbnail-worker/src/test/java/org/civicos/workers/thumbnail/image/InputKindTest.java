package org.civicos.workers.thumbnail.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InputKindTest {
  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void supportedKindsByMagicBytes() {
    assertThat(InputKind.sniff(TestImages.jpeg(TestImages.solid(8, 8, TestImages.RED)))).isEqualTo(InputKind.JPEG);
    assertThat(InputKind.sniff(TestImages.png(TestImages.solid(8, 8, TestImages.RED)))).isEqualTo(InputKind.PNG);
    assertThat(InputKind.sniff(TestImages.encode(TestImages.solid(8, 8, TestImages.RED), "gif")))
        .isEqualTo(InputKind.GIF);
    assertThat(InputKind.sniff(TestImages.encode(TestImages.solid(8, 8, TestImages.RED), "bmp")))
        .isEqualTo(InputKind.BMP);
    assertThat(InputKind.sniff(Fixtures.read("lossy-halves-300x200.webp"))).isEqualTo(InputKind.WEBP);
    assertThat(InputKind.sniff(ascii("%PDF-1.4\n"))).isEqualTo(InputKind.PDF);
    assertThat(InputKind.sniff(ascii("\r\n  junk before the header %PDF-1.7\n"))).isEqualTo(InputKind.PDF);
    assertThat(InputKind.values()).filteredOn(InputKind::supported)
        .containsExactly(InputKind.JPEG, InputKind.PNG, InputKind.GIF, InputKind.BMP, InputKind.WEBP, InputKind.PDF);
  }

  @Test
  void onlyTheHeadIsNeeded() {
    byte[] png = TestImages.png(TestImages.solid(300, 300, TestImages.RED));
    assertThat(InputKind.sniff(Arrays.copyOf(png, 16))).isEqualTo(InputKind.PNG);
  }

  @Test
  void unsupportedKindsAreNamed() {
    assertThat(InputKind.sniff(new byte[0])).isEqualTo(InputKind.EMPTY);
    assertThat(InputKind.sniff(ascii("<svg xmlns='http://www.w3.org/2000/svg'/>"))).isEqualTo(InputKind.SVG);
    assertThat(InputKind.sniff(ascii("\uFEFF  <?xml version='1.0'?>\n<!-- x -->\n<svg/>"))).isEqualTo(InputKind.SVG);
    assertThat(InputKind.sniff(ascii("<?xml version='1.0'?><feed/>"))).isEqualTo(InputKind.XML);
    assertThat(InputKind.sniff(ascii("<!doctype html><title>x</title>"))).isEqualTo(InputKind.HTML);
    assertThat(InputKind.sniff(ascii("BMW 320i, 2011, grey\n"))).isEqualTo(InputKind.TEXT);
    assertThat(InputKind.sniff(ascii("Grüße aus Köln\n"))).isEqualTo(InputKind.TEXT);
    assertThat(InputKind.sniff(bytes('I', 'I', 42, 0, 8, 0, 0, 0))).isEqualTo(InputKind.TIFF);
    assertThat(InputKind.sniff(bytes('M', 'M', 0, 42, 0, 0, 0, 8))).isEqualTo(InputKind.TIFF);
    assertThat(InputKind.sniff(bytes(0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'm', 'i', 'f', '1'))).isEqualTo(InputKind.HEIF);
    assertThat(InputKind.sniff(bytes(0, 0, 0, 0x1C, 'f', 't', 'y', 'p', 'a', 'v', 'i', 'f'))).isEqualTo(InputKind.AVIF);
    assertThat(InputKind.sniff(bytes(0, 0, 0, 0x1C, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'))).isEqualTo(InputKind.ISO_MEDIA);
    assertThat(InputKind.sniff(bytes('P', 'K', 3, 4, 20, 0))).isEqualTo(InputKind.ZIP);
    assertThat(InputKind.sniff(bytes('8', 'B', 'P', 'S', 0, 1))).isEqualTo(InputKind.PSD);
    assertThat(InputKind.sniff(bytes(0, 0, 1, 0, 1, 0))).isEqualTo(InputKind.ICO);
    assertThat(InputKind.sniff(bytes(0xFF, 0x0A, 0xFA))).isEqualTo(InputKind.JPEG_XL);
    assertThat(InputKind.sniff(bytes(0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A))).isEqualTo(InputKind.JPEG2000);
    assertThat(InputKind.sniff(bytes(0x00, 0x01, 0x02, 0x03, 0xF0, 0x9F))).isEqualTo(InputKind.UNKNOWN);
    assertThat(InputKind.sniff(bytes('R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E'))).isEqualTo(InputKind.UNKNOWN);
    assertThat(InputKind.values()).filteredOn(k -> !k.supported()).allSatisfy(k -> assertThat(k.label()).isNotBlank());
  }
}
