package org.civicos.workers.runtime;

import java.util.List;
import java.util.function.BiFunction;
import org.civicos.workers.aws.AwsClients;
import org.civicos.workers.config.Env;

/**
 * What distinguishes one handler function from another: its name, its queue, its drain defaults and how its
 * workers are built from the environment. Everything else (config, pools, the handler) is built the same way
 * for every function by {@link org.civicos.workers.aws.Handlers}.
 */
public record FunctionDefinition(String function, String queue, int defaultBatchSize, int defaultParallelism,
    BiFunction<Env, AwsClients, List<JobWorker<?>>> workers) {
}
