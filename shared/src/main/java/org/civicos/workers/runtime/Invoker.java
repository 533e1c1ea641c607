package org.civicos.workers.runtime;

/**
 * Starts a handler asynchronously (Lambda {@code InvocationType.EVENT}, or a thread in local mode). At-least-once
 * is fine: activations carry no work, so a duplicate costs one empty claim.
 */
@FunctionalInterface
public interface Invoker {
  /** @param function the handler to start: a Lambda function name or ARN, or a local function id */
  void invokeAsync(String function, Activation activation);
}
