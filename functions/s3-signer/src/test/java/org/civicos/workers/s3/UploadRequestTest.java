package org.civicos.workers.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.InstantSource;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UploadRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ID = "019a0000-0000-7000-8000-000000000001";

  private static JsonNode args(String entityType, String entityId, String fileName) throws Exception {
    return JSON.readTree("{\"request_id\":\"" + ID + "\",\"entity_type\":" + JSON.writeValueAsString(entityType)
        + ",\"entity_id\":" + JSON.writeValueAsString(entityId) + ",\"file_name\":" + JSON.writeValueAsString(fileName)
        + ",\"file_type\":\"image/jpeg\",\"legacy\":{\"ignored\":true}}");
  }

  @ParameterizedTest
  @CsvSource({
      "photo.JPG, .jpg",
      "archive.tar.gz, .gz",
      "README, .bin",
      "trailing., .bin",
      ".hidden, .hidden",
      "weird.j$g, .bin",
      "long.abcdefghijk, .bin",
      "ok.abcdefghij, .abcdefghij",
      "page.HTML, .html",
      "x.ünï, .bin"})
  void extensionIsLowercasedAndLimited(String fileName, String expected) throws Exception {
    assertThat(UploadRequest.parse(args("Issue", "42", fileName)).extension()).isEqualTo(expected);
  }

  @Test
  void keyIsEntityTypeIdFileIdOriginalExtension() throws Exception {
    UUID fileId = UUID.fromString("019a1111-2222-7333-8444-555566667777");
    assertThat(UploadRequest.parse(args("Issue", "42", "Photo.JPG")).key(fileId))
        .isEqualTo("Issue/42/019a1111-2222-7333-8444-555566667777/original.jpg");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Issue/x|42|a.jpg|entity_type may only contain letters, digits, '_', '-' and '.' (no '..')",
      "..|42|a.jpg|entity_type may only contain letters, digits, '_', '-' and '.' (no '..')",
      "Issue|4 2|a.jpg|entity_id may only contain letters, digits, '_', '-' and '.' (no '..')",
      "Issue|..\\..|a.jpg|entity_id may only contain letters, digits, '_', '-' and '.' (no '..')",
      "Issue|42|../../etc/passwd|file_name must not contain '/', '\\', '..' or control characters",
      "Issue|42|a\\b.jpg|file_name must not contain '/', '\\', '..' or control characters",
      "Issue|42|a..jpg|file_name must not contain '/', '\\', '..' or control characters"})
  void rejectsPathTricks(String entityType, String entityId, String fileName, String message) throws Exception {
    assertThatThrownBy(() -> UploadRequest.parse(args(entityType, entityId, fileName))).hasMessage(message);
  }

  @Test
  void rejectsControlCharactersEmptyAndOverlongValues() throws Exception {
    assertThatThrownBy(() -> UploadRequest.parse(args("Issue", "42", "a\r\nb.jpg")))
        .hasMessageContaining("control characters");
    assertThatThrownBy(() -> UploadRequest.parse(args("", "42", "a.jpg"))).hasMessage("entity_type is empty");
    assertThatThrownBy(() -> UploadRequest.parse(args("Issue", "x".repeat(129), "a.jpg")))
        .hasMessage("entity_id is longer than 128 characters");
    assertThatThrownBy(() -> UploadRequest.parse(args("Issue", "42", "a".repeat(300) + ".jpg")))
        .hasMessage("file_name is longer than 255 characters");
  }

  @Test
  void decodesTolerantly() throws Exception {
    JsonNode nulls = JSON.readTree("{\"request_id\":\"" + ID + "\",\"entity_type\":\"Issue\",\"entity_id\":7,"
        + "\"file_name\":\"a.png\",\"file_type\":null}");
    UploadRequest request = UploadRequest.parse(nulls);
    assertThat(request.entityId()).isEqualTo("7");
    assertThat(request.fileType()).isEmpty();
    assertThat(request.contentType()).isEmpty();
    JsonNode nested = JSON.readTree("{\"request_id\":\"" + ID + "\",\"entity_type\":{\"a\":1}}");
    assertThatThrownBy(() -> UploadRequest.parse(nested)).hasMessage("entity_type must be a string, got an object");
    assertThat(UploadRequest.requestId(nested)).contains(UUID.fromString(ID));
    assertThat(UploadRequest.requestId(JSON.readTree("{\"request_id\":\"nope\"}"))).isEmpty();
  }

  @Test
  void uuidV7CarriesTheTimeVersionAndVariant() {
    Instant at = Instant.parse("2026-11-29T12:00:00.123Z");
    UuidV7 generator = new UuidV7(InstantSource.fixed(at));
    UUID a = generator.next();
    UUID b = generator.next();
    assertThat(a.version()).isEqualTo(7);
    assertThat(a.variant()).isEqualTo(2);
    assertThat(a.getMostSignificantBits() >>> 16).isEqualTo(at.toEpochMilli());
    assertThat(a).isNotEqualTo(b);
    UUID later = new UuidV7(InstantSource.fixed(at.plusMillis(1))).next();
    assertThat(later.toString()).isGreaterThan(a.toString());
  }
}
