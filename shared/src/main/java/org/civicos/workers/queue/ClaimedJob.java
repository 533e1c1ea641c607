package org.civicos.workers.queue;

import java.time.Instant;

/**
 * A row this invocation moved to {@code running}: what a worker needs to run it and what the completer
 * needs to record the outcome (the attempt guards against writing over a rescued or retried row).
 *
 * @param errorCount elements already in {@code errors}; River bases the retry delay on it
 * @param argsJson the raw {@code args} JSON, decoded per kind by the drain loop
 */
public record ClaimedJob(
    long id,
    String kind,
    String queue,
    int attempt,
    int maxAttempts,
    int priority,
    int errorCount,
    String argsJson,
    Instant attemptedAt,
    Instant createdAt) {
}
