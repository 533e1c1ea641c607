package org.civicos.workers.aws;

import java.util.Locale;

/**
 * The DNS suffix of a region's partition, from the region's name alone. The SDK answers this from its generated
 * partition metadata, whose first use costs about 100 ms of class loading at a cold start; a Lambda function
 * needs one suffix, once. Regions are matched by prefix, as the partitions' region patterns do, so a region newer
 * than this table still resolves in its partition.
 */
public final class AwsPartitions {
  private AwsPartitions() {
  }

  public static String dnsSuffix(String region) {
    String r = region.toLowerCase(Locale.ROOT);
    if (r.startsWith("cn-")) {
      return "amazonaws.com.cn";
    }
    if (r.startsWith("us-isob-")) {
      return "sc2s.sgov.gov";
    }
    if (r.startsWith("us-isof-")) {
      return "csp.hci.ic.gov";
    }
    if (r.startsWith("us-iso-")) {
      return "c2s.ic.gov";
    }
    if (r.startsWith("eu-isoe-")) {
      return "cloud.adc-e.uk";
    }
    if (r.startsWith("eusc-")) {
      return "amazonaws.eu";
    }
    return "amazonaws.com"; // the commercial partition and aws-us-gov
  }
}
