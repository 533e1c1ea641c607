package org.civicos.workers.notification.template;

/**
 * Resource limits applied to every execution, protecting the worker from hostile templates.
 *
 * @param maxOutputChars maximum number of characters a single execution may produce
 * @param maxSteps       maximum number of evaluation steps (nodes walked, commands evaluated, loop iterations)
 * @param maxDepth       maximum nesting of {@code {{template}}} calls
 */
public record Limits(int maxOutputChars, long maxSteps, int maxDepth) {

    public Limits {
        if (maxOutputChars <= 0 || maxSteps <= 0 || maxDepth <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** 1,000,000 output characters, 1,000,000 steps, template call depth 100. */
    public static Limits defaults() {
        return new Limits(1_000_000, 1_000_000L, 100);
    }
}
