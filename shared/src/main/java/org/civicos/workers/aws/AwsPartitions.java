package org.civicos.workers.aws;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The DNS suffix of a region's partition, from the region's name alone. The SDK answers this from its generated
 * partition metadata, whose first use costs about 100 ms of class loading at a cold start; a Lambda function
 * needs one suffix, once. Regions are matched by prefix, as the partitions' region patterns do, so a region newer
 * than this table still resolves in its partition.
 */
public final class AwsPartitions {
  /** Region-name prefix → the partition's DNS suffix; longer prefixes first ({@code us-isob-} before {@code us-iso-}). */
  private static final List<Map.Entry<String, String>> PARTITIONS = List.of(
      Map.entry("cn-", "amazonaws.com.cn"),
      Map.entry("us-isob-", "sc2s.sgov.gov"),
      Map.entry("us-isof-", "csp.hci.ic.gov"),
      Map.entry("us-iso-", "c2s.ic.gov"),
      Map.entry("eu-isoe-", "cloud.adc-e.uk"),
      Map.entry("eusc-", "amazonaws.eu"));
  /** The commercial partition's, and aws-us-gov's. */
  private static final String DEFAULT_SUFFIX = "amazonaws.com";

  private AwsPartitions() {
  }

  public static String dnsSuffix(String region) {
    String name = region.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> partition : PARTITIONS) {
      if (name.startsWith(partition.getKey())) {
        return partition.getValue();
      }
    }
    return DEFAULT_SUFFIX;
  }
}
