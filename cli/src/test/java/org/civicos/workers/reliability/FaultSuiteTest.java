package org.civicos.workers.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's short run (part of {@code mvn verify}): about a thousand jobs across all queues, three
 * sandboxes per handler function, S3 and SES faults on about one request in eight, backends terminated at random
 * and at planted points (claim, job SQL, completion), invocations killed mid-batch; then faults stop and the
 * system must converge through retries and the poller's rescuer. {@code scripts/chaos} runs the long soak.
 */
class FaultSuiteTest {

  @Test
  void everyJobEndsRecordedOnceWithIdempotentSideEffectsUnderFaults() throws Exception {
    try (ChaosRig rig = new ChaosRig(ChaosRig.Options.quick())) {
      rig.seed();
      ChaosRig.Summary summary = rig.run();
      String text = summary.render();
      System.out.println(text);
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target/fault-suite-summary.txt"), text);
      assertThat(rig.verify()).as(text).isEmpty();
      assertThat(summary.overlaps()).isZero();
      assertThat(summary.duplicateSends()).isZero();
      assertThat(summary.faults()).as("faults were injected")
          .containsKeys("s3 server_error", "ses throttle", "invocation killed mid-batch")
          .anySatisfy((k, v) -> assertThat(k).startsWith("backend terminated"));
      assertThat(summary.retries()).isPositive();
      assertThat(summary.rescues()).as("killed invocations' rows were rescued").isPositive();
    }
  }
}
