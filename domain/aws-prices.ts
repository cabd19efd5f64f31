// AWS list prices the cost figures use (us-east-1, on-demand, arm64 Lambda), in one place so a
// reader can check or change them. Sources: each service's public pricing page.
export const AWS_PRICES = {
  eventBridgeCustomEventUsd: 1.0 / 1e6, // per event (64 KB chunk) put on a bus
  lambdaRequestUsd: 0.2 / 1e6,
  lambdaGbSecondArmUsd: 0.0000133334,
  dynamoDbWriteRequestUnitUsd: 0.625 / 1e6, // on-demand
  dynamoDbReadRequestUnitUsd: 0.125 / 1e6,
  sqsFifoRequestUsd: 0.5 / 1e6, // per 64 KB request
  sqsStandardRequestUsd: 0.4 / 1e6,
} as const;
