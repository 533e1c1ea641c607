package org.civicos.workers.bench.observability;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/** The Lambda context PowertoolsProbe hands to Powertools' functional API (an invocation's, as Lambda passes it). */
final class ProbeContext implements Context {
  @Override
  public String getAwsRequestId() {
    return "3f0c2a49-6d0e-4c55-9b1e-0d9a7f3e5a11";
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/" + ProbeData.FUNCTION;
  }

  @Override
  public String getLogStreamName() {
    return "2026/11/29/[$LATEST]probe";
  }

  @Override
  public String getFunctionName() {
    return ProbeData.FUNCTION;
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:us-east-1:000000000000:function:" + ProbeData.FUNCTION;
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return 900_000;
  }

  @Override
  public int getMemoryLimitInMB() {
    return 1024;
  }

  @Override
  public LambdaLogger getLogger() {
    return null;
  }
}
