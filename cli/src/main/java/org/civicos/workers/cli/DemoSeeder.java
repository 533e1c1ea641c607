package org.civicos.workers.cli;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.civicos.workers.db.Database;

/**
 * Demo work for local mode, created the way Civic OS creates it: users and templates, notifications through
 * {@code create_notification}, template checks through their RPCs, and uploads the way the browser does them —
 * {@code request_upload_url}, poll {@code get_upload_url}, PUT a real image (or a PDF) to the presigned URL,
 * insert the {@code files} row whose trigger asks for thumbnails.
 */
final class DemoSeeder {
  static final String[] USERS = {
      "00000000-0000-4000-8000-0000000000a1", "00000000-0000-4000-8000-0000000000a2",
      "00000000-0000-4000-8000-0000000000a3"};

  private final Database db;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final AtomicInteger uploadsDone = new AtomicInteger();
  final AtomicInteger uploadsFailed = new AtomicInteger();

  DemoSeeder(Database db) {
    this.db = db;
  }

  /** Users, templates, notifications and template checks: all through Civic OS's own SQL. */
  void seedNotifications(int notifications) {
    db.inTransaction("seed demo", c -> {
      String[] names = {"Ann Avery", "Bo Baker", "Chidi Okafor"};
      for (int i = 0; i < USERS.length; i++) {
        exec(c, "INSERT INTO metadata.civic_os_users (id, display_name) VALUES (?::uuid, ?)", USERS[i], names[i]);
        exec(c, "INSERT INTO metadata.civic_os_users_private (id, display_name, email) VALUES (?::uuid, ?, ?)",
            USERS[i], names[i], "user" + (i + 1) + "@example.org");
      }
      exec(c, "INSERT INTO metadata.notification_templates (name, subject_template, html_template, text_template) "
          + "VALUES ('issue_created', ?, ?, ?)",
          "New issue #{{.Entity.id}}: {{.Entity.display_name}}",
          "<h2>{{.Entity.display_name}}</h2><p>Reported {{formatDateTime .Entity.created_at}}</p>"
              + "{{if .Entity.description}}<p>{{.Entity.description}}</p>{{end}}"
              + "<p><a href=\"{{.Metadata.site_url}}/view/issues/{{.Entity.id}}\">Open the issue</a></p>",
          "New issue #{{.Entity.id}}: {{.Entity.display_name}}\n{{.Metadata.site_url}}/view/issues/{{.Entity.id}}");
      exec(c, "INSERT INTO metadata.notification_templates (name, subject_template, html_template, text_template) "
          + "VALUES ('appointment_reminder', ?, ?, ?)",
          "Reminder: {{.Entity.display_name}}",
          "<p>Your appointment <b>{{.Entity.display_name}}</b> is {{formatTimeSlot .Entity.time_slot}}.</p>"
              + "<p>Fee: {{formatMoney .Entity.fee}} · Call {{formatPhone .Entity.phone}}</p>",
          "{{.Entity.display_name}}: {{formatTimeSlot .Entity.time_slot}}");
      for (int i = 0; i < notifications; i++) {
        String user = USERS[i % USERS.length];
        if (i % 2 == 0) {
          exec(c, "SELECT create_notification(?::uuid, 'issue_created', 'Issue', ?, jsonb_build_object('id', ?::int, "
              + "'display_name', 'Pothole on Main St #' || ?, 'description', 'Deep & wide <careful>', "
              + "'created_at', '2026-11-29T15:04:05Z'))", user, Integer.toString(100 + i), 100 + i, i);
        } else {
          exec(c, "SELECT create_notification(?::uuid, 'appointment_reminder', 'Appointment', ?, jsonb_build_object("
              + "'display_name', 'Permit review', 'time_slot', '[\"2026-12-03 14:00:00+00\",\"2026-12-03 15:00:00+00\")', "
              + "'fee', 25.5, 'phone', '8105550142'))", user, Integer.toString(i));
        }
      }
      exec(c, "SELECT validate_template_parts(p_subject_template => 'Hi {{.Entity.name}}', "
          + "p_html_template => '<a href=\"{{.Entity.url}}', p_text_template => 'ok')");
      exec(c, "SELECT preview_template_parts(p_subject_template => 'Issue {{.Entity.id}}', "
          + "p_html_template => '<b>{{.Entity.display_name}}</b>', "
          + "p_sample_entity_data => '{\"id\": 7, \"display_name\": \"Broken <light>\"}')");
      return null;
    });
  }

  /** One upload as the browser performs it; runs until its thumbnails are requested. */
  void upload(int number, Duration timeout) {
    try {
      boolean pdf = number % 4 == 3;
      String fileName = pdf ? "inspection-" + number + ".pdf" : "photo-" + number + (number % 2 == 0 ? ".JPG" : ".png");
      String type = pdf ? "application/pdf" : number % 2 == 0 ? "image/jpeg" : "image/png";
      String requestId = single("SELECT request_upload_url('Issue', ?, ?, ?)::text", Integer.toString(100 + number),
          fileName, type);
      String url = null;
      String fileId = null;
      long end = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < end) {
        List<String> row = row("SELECT status, url, file_id::text FROM get_upload_url(?::uuid)", requestId);
        if ("completed".equals(row.get(0))) {
          url = row.get(1);
          fileId = row.get(2);
          break;
        }
        if ("failed".equals(row.get(0))) {
          break;
        }
        Thread.sleep(250);
      }
      if (url == null) {
        uploadsFailed.incrementAndGet();
        return;
      }
      byte[] content = pdf ? pdf(number) : image(number, type);
      HttpResponse<Void> put = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type)
          .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.discarding());
      if (put.statusCode() != 200) {
        uploadsFailed.incrementAndGet();
        return;
      }
      // As the frontend does: bucket and key from the URL path.
      String path = URI.create(url).getRawPath().substring(1);
      String bucket = path.substring(0, path.indexOf('/'));
      String key = path.substring(path.indexOf('/') + 1);
      single("INSERT INTO metadata.files (id, entity_type, entity_id, file_name, file_type, file_size, s3_bucket, "
          + "s3_original_key) VALUES (?::uuid, 'Issue', ?, ?, ?, ?, ?, ?) RETURNING id::text", fileId,
          Integer.toString(100 + number), fileName, type, content.length, bucket, key);
      uploadsDone.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      uploadsFailed.incrementAndGet();
    }
  }

  static byte[] image(int number, String type) throws IOException {
    int width = 1600 + 400 * (number % 3);
    int height = number % 3 == 1 ? 2000 : 1200;
    boolean alpha = type.equals("image/png");
    BufferedImage image = new BufferedImage(width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(new GradientPaint(0, 0, new Color(40, 90, 160), width, height, new Color(240, 170, 60)));
    g.fillRect(0, 0, width, height);
    g.setColor(new Color(255, 255, 255, alpha ? 120 : 255));
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, alpha ? "png" : "jpg", out);
    return out.toByteArray();
  }

  static byte[] pdf(int number) throws IOException {
    try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      PDPage page = new PDPage(PDRectangle.A4);
      document.addPage(page);
      try (PDPageContentStream content = new PDPageContentStream(document, page)) {
        content.setNonStrokingColor(new Color(30, 120, 80));
        content.addRect(50, 500, 495, 290);
        content.fill();
      }
      document.save(out);
      return out.toByteArray();
    }
  }

  private String single(String sql, Object... params) {
    return row(sql, params).get(0);
  }

  private List<String> row(String sql, Object... params) {
    return db.withConnection("demo", c -> {
      try (PreparedStatement st = c.prepareStatement(sql)) {
        for (int i = 0; i < params.length; i++) {
          st.setObject(i + 1, params[i]);
        }
        try (ResultSet rs = st.executeQuery()) {
          List<String> values = new ArrayList<>();
          if (rs.next()) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
              values.add(rs.getString(i));
            }
          }
          return values;
        }
      }
    });
  }

  private static void exec(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      st.execute();
    }
  }

}
