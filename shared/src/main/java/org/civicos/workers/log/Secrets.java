package org.civicos.workers.log;

import java.util.regex.Pattern;

/**
 * Masks credentials in any text bound for a log line: passwords in database URLs and connection strings,
 * RDS IAM tokens and presigned URL signatures, AWS session tokens.
 */
public final class Secrets {
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^:/@\\s]*:)[^@/\\s]+@");
  private static final Pattern KEY_VALUE = Pattern.compile(
      "(?i)((?:password|passwd|pwd|secret|token|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token)[\"']?\\s*[=:]\\s*[\"']?)[^&\\s\"',;}]+");

  private Secrets() {
  }

  public static String mask(String text) {
    // Every value of every log line passes here; most (ids, names, states) cannot hold a secret, since both
    // patterns need a ':' or '=' (a URL's "://" or a key's separator). Skip the regex scans for those.
    if (text == null || text.isEmpty() || (text.indexOf(':') < 0 && text.indexOf('=') < 0)) {
      return text;
    }
    String masked = URL_PASSWORD.matcher(text).replaceAll("$1****@");
    return KEY_VALUE.matcher(masked).replaceAll("$1****");
  }
}
