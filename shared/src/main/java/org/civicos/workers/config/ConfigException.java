package org.civicos.workers.config;

import org.civicos.workers.WorkersException;

/** A setting is missing or invalid; the message names the environment variable. */
public final class ConfigException extends WorkersException {
  public ConfigException(String message) {
    super(message);
  }
}
