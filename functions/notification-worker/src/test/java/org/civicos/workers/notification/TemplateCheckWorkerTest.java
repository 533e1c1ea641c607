package org.civicos.workers.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicos.workers.notification.NotificationTestSupport.drain;

import java.util.List;
import java.util.Map;
import org.civicos.workers.db.DatabaseUrl;
import org.civicos.workers.testing.Sql;
import org.civicos.workers.testing.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TemplateCheckWorkerTest {
  private DatabaseUrl db;

  @BeforeEach
  void setUp() {
    db = TestDatabases.withCivicOs("template_check");
  }

  private String validate(String subject, String html, String text, String sms) {
    return (String) Sql.row(db, "SELECT validate_template_parts(p_subject_template => ?, p_html_template => ?, "
        + "p_text_template => ?, p_sms_template => ?)::text AS id", subject, html, text, sms).get("id");
  }

  private List<String> results(String id) {
    return Sql.rows(db, "SELECT * FROM get_validation_results(?::uuid)", id).stream()
        .map(r -> r.get("status") + "|" + r.get("part_name") + "|" + r.get("valid") + "|" + r.get("error_message"))
        .toList();
  }

  @Test
  void validationReportsEachPartInOrderIncludingHtmlContextErrors() {
    String id = validate("Hi {{.Entity.name}", "<a href=\"{{.Metadata.site_url}}", "ok {{.Entity.x}}", "");
    assertThat(results(id)).containsExactly("pending|null|null|null");
    drain(db, new NotificationTestSupport.RecordingMailer(), Map.of());
    List<String> rows = results(id);
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0))
        .isEqualTo("completed|subject|false|invalid template syntax: template: validation:1: unexpected \"}\" in operand");
    // Go appends its internal context dump; only the leading words are a stable contract.
    assertThat(rows.get(1))
        .startsWith("completed|html|false|invalid template syntax: html/template:validation: ends in a non-text context");
    assertThat(rows.get(2)).isEqualTo("completed|text|true|");
  }

  @Test
  void aRetryNeverDuplicatesPartRows() {
    String id = validate("s", null, "t", null);
    drain(db, new NotificationTestSupport.RecordingMailer(), Map.of());
    Sql.update(db, "UPDATE metadata.river_job SET state = 'available', finalized_at = NULL");
    drain(db, new NotificationTestSupport.RecordingMailer(), Map.of());
    assertThat(results(id)).hasSize(2);
    assertThat(Sql.count(db, "SELECT count(*) FROM metadata.template_part_validation_results")).isEqualTo(2);
  }

  @Test
  void previewStoresRenderedOutputAndReportsRenderingErrors() {
    String id = (String) Sql.row(db, "SELECT preview_template_parts(p_subject_template => 'New: {{.Entity.display_name}}', "
        + "p_html_template => '<b>{{.Entity.display_name}}</b> {{.Entity.a.b}}', "
        + "p_text_template => '#{{.Entity.id}} at {{.Metadata.site_url}}', "
        + "p_sample_entity_data => '{\"display_name\": \"A & B\", \"id\": 1234567}')::text AS id").get("id");
    drain(db, new NotificationTestSupport.RecordingMailer(), Map.of());
    List<Map<String, Object>> rows = Sql.rows(db, "SELECT * FROM get_preview_results(?::uuid)", id);
    assertThat(rows).extracting(r -> r.get("part_name") + "|" + r.get("rendered_output") + "|" + r.get("error_message"))
        .containsExactly(
            "subject|New: A & B|null",
            "html|null|Rendering error: template execution error: template: html:1:41: executing \"html\" at "
                + "<.Entity.a.b>: nil pointer evaluating interface {}.b",
            "text|#1.234567e+06 at https://civic.example.org|null");
  }

  @Test
  void aSampleThatIsNotAnObjectGivesPartErrorsAndACompletedParent() {
    String id = (String) Sql.row(db, "SELECT preview_template_parts(p_subject_template => 'x', p_text_template => 'y', "
        + "p_sample_entity_data => '[1, 2]')::text AS id").get("id");
    drain(db, new NotificationTestSupport.RecordingMailer(), Map.of());
    List<Map<String, Object>> rows = Sql.rows(db, "SELECT * FROM get_preview_results(?::uuid)", id);
    assertThat(rows).hasSize(2).allSatisfy(r -> {
      assertThat(r.get("status")).isEqualTo("completed");
      assertThat((String) r.get("error_message")).startsWith("Rendering error: invalid entity data");
    });
  }

  @Test
  void aCheckWhoseParentRowIsGoneIsCancelled() {
    String id = validate("s", null, null, null);
    Sql.update(db, "DELETE FROM metadata.template_validation_results WHERE id = ?::uuid", id);
    drain(db, new NotificationTestSupport.RecordingMailer(), Map.of());
    assertThat(Sql.row(db, "SELECT state::text AS s, errors[1]->>'error' AS e FROM metadata.river_job"))
        .containsEntry("s", "cancelled").containsEntry("e", "no template_validation_results row with id " + id);
  }
}
