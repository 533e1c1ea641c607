package org.civicos.workers.cli.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.civicos.workers.cli.mail.SmtpSettings.Tls;
import org.civicos.workers.config.ConfigException;
import org.civicos.workers.config.Env;
import org.junit.jupiter.api.Test;

class SmtpSettingsTest {
  private static SmtpSettings read(String... pairs) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      values.put(pairs[i], pairs[i + 1]);
    }
    return SmtpSettings.fromEnv(new Env(values));
  }

  @Test
  void defaults() {
    SmtpSettings settings = read("SMTP_HOST", "email-smtp.eu-west-1.amazonaws.com");
    assertThat(settings).isEqualTo(new SmtpSettings("email-smtp.eu-west-1.amazonaws.com", 587, Optional.empty(),
        Optional.empty(), Tls.STARTTLS, Duration.ofSeconds(10)));
  }

  @Test
  void everySetting() {
    SmtpSettings settings = read("SMTP_HOST", "smtp.example.org", "SMTP_PORT", "2525", "SMTP_USERNAME", "user",
        "SMTP_PASSWORD", "pw", "SMTP_TLS", "IMPLICIT", "SMTP_TIMEOUT", "2500ms");
    assertThat(settings).isEqualTo(new SmtpSettings("smtp.example.org", 2525, Optional.of("user"), Optional.of("pw"),
        Tls.IMPLICIT, Duration.ofMillis(2500)));
    assertThat(read("SMTP_HOST", "smtp.example.org", "SMTP_TLS", "implicit").port()).isEqualTo(465);
  }

  @Test
  void errorsNameTheVariable() {
    assertThatThrownBy(() -> read()).isInstanceOf(ConfigException.class).hasMessageContaining("SMTP_HOST");
    assertThatThrownBy(() -> read("SMTP_HOST", "smtp.example.org", "SMTP_TLS", "ssl"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SMTP_TLS").hasMessageContaining("starttls");
    assertThatThrownBy(() -> read("SMTP_HOST", "smtp.example.org", "SMTP_PORT", "70000"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SMTP_PORT");
    assertThatThrownBy(() -> read("SMTP_HOST", "smtp.example.org", "SMTP_TIMEOUT", "soon"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SMTP_TIMEOUT");
    assertThatThrownBy(() -> read("SMTP_HOST", "smtp.example.org", "SMTP_TIMEOUT", "1h"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SMTP_TIMEOUT");
    assertThatThrownBy(() -> read("SMTP_HOST", "smtp.example.org", "SMTP_USERNAME", "user"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SMTP_USERNAME").hasMessageContaining("SMTP_PASSWORD");
    assertThatThrownBy(() -> read("SMTP_HOST", "smtp.example.org", "SMTP_PASSWORD", "pw"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SMTP_USERNAME").hasMessageContaining("SMTP_PASSWORD")
        .message().doesNotContain("pw");
    assertThatThrownBy(() -> read("SMTP_HOST", "email-smtp.us-east-1.amazonaws.com:587"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SMTP_HOST").hasMessageContaining("SMTP_PORT");
  }

  @Test
  void plainTextOnlyForLocalOrPrivateHosts() {
    for (String host : new String[] {"localhost", "127.0.0.1", "::1", "10.1.2.3", "172.20.0.5", "192.168.1.10",
        "fd12:3456::1", "fe80::1"}) {
      assertThat(read("SMTP_HOST", host, "SMTP_TLS", "none").tls()).as(host).isEqualTo(Tls.NONE);
    }
    for (String host : new String[] {"8.8.8.8", "2001:4860:4860::8888", "no-such-host.invalid"}) {
      assertThatThrownBy(() -> read("SMTP_HOST", host, "SMTP_TLS", "none")).as(host)
          .isInstanceOf(ConfigException.class).hasMessageContaining("SMTP_TLS=none").hasMessageContaining(host);
    }
  }

  @Test
  void toStringHidesThePassword() {
    SmtpSettings settings = read("SMTP_HOST", "smtp.example.org", "SMTP_USERNAME", "user", "SMTP_PASSWORD",
        "hunter2-secret");
    assertThat(settings.toString()).doesNotContain("hunter2-secret").contains("password=<set>", "user");
  }
}
