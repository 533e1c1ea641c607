package org.civicos.workers.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

class AwsPartitionsTest {

  @Test
  void everyRegionTheSdkKnowsGetsTheSdksSuffix() {
    assertThat(Region.regions()).hasSizeGreaterThan(30);
    for (Region region : Region.regions()) {
      if (region.isGlobalRegion()) {
        continue; // aws-global, aws-cn-global...: pseudo regions, never a function's AWS_REGION
      }
      assertThat(AwsPartitions.dnsSuffix(region.id())).as(region.id())
          .isEqualTo(PartitionMetadata.of(region).dnsSuffix());
    }
  }

  @Test
  void unknownRegionsFallIntoTheirPartitionByPrefix() {
    assertThat(AwsPartitions.dnsSuffix("cn-south-7")).isEqualTo("amazonaws.com.cn");
    assertThat(AwsPartitions.dnsSuffix("us-isob-west-3")).isEqualTo("sc2s.sgov.gov");
    assertThat(AwsPartitions.dnsSuffix("us-iso-north-2")).isEqualTo("c2s.ic.gov");
    assertThat(AwsPartitions.dnsSuffix("xx-future-9")).isEqualTo("amazonaws.com");
  }
}
