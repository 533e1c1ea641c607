package org.civicos.workers.notification;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Optional;
import org.civicos.workers.config.ConfigException;
import org.civicos.workers.config.Env;

/**
 * How notifications are rendered and sent.
 *
 * @param from the From header, a bare address or {@code "Name" <address>}; must be a verified SES identity
 * @param siteUrl {@code .Metadata.site_url} in templates
 * @param zone the time zone the date functions print in
 */
public record NotificationSettings(String from, Optional<String> replyTo, Optional<String> configurationSet,
    String siteUrl, ZoneId zone) {
  public static final String DEFAULT_FROM = "noreply@civic-os.org";
  public static final String DEFAULT_SITE_URL = "http://localhost:4200";
  public static final String DEFAULT_ZONE = "America/New_York";

  public static NotificationSettings fromEnv(Env env) {
    String from = env.string("SES_FROM", DEFAULT_FROM);
    if (EmailAddress.parse(from).isEmpty()) {
      throw new ConfigException("SES_FROM must be an address or \"Name\" <address>, got '" + from + "'");
    }
    Optional<String> replyTo = env.optional("SES_REPLY_TO");
    if (replyTo.isPresent() && EmailAddress.parse(replyTo.get()).isEmpty()) {
      throw new ConfigException("SES_REPLY_TO must be an email address, got '" + replyTo.get() + "'");
    }
    String zone = env.string("NOTIFICATION_TIMEZONE", DEFAULT_ZONE);
    try {
      return new NotificationSettings(from, replyTo, env.optional("SES_CONFIGURATION_SET"),
          env.string("SITE_URL", DEFAULT_SITE_URL), ZoneId.of(zone));
    } catch (DateTimeException e) {
      throw new ConfigException("NOTIFICATION_TIMEZONE must be a time zone such as America/New_York, got '" + zone + "'");
    }
  }
}
