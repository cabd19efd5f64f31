// What the control loop's own AWS operations cost for a rollout, from the work the simulation
// counted: each observation crosses the bus, an ingest invocation, a log append and the reconcile
// queue; each decision is a reconcile invocation that rebuilds, appends and records; each timer is
// a delay-queue round trip and a timer invocation. The per-step operation counts are this stack's
// (see ARCHITECTURE.md's data path); prices are AWS_PRICES.
import { AWS_PRICES } from '../aws-prices';

export interface LoopWork {
  decisions: number;
  observations: number;
  timers: number;
}

/** Operations per step of the loop, as the handlers issue them. */
const PER_OBSERVATION = { events: 1, lambdaRequests: 1, lambdaGbSeconds: 0.256 * 0.05, writeUnits: 2, readUnits: 0, fifoRequests: 3, standardRequests: 0 };
const PER_DECISION = { events: 0, lambdaRequests: 1, lambdaGbSeconds: 0.512 * 0.2, writeUnits: 3, readUnits: 6, fifoRequests: 0, standardRequests: 0 };
const PER_TIMER = { events: 0, lambdaRequests: 1, lambdaGbSeconds: 0.256 * 0.05, writeUnits: 2, readUnits: 0, fifoRequests: 1, standardRequests: 3 };

export interface LoopCost {
  usd: number;
  breakdown: { eventBridge: number; lambda: number; dynamoDb: number; sqs: number };
}

export function controlLoopCost(work: LoopWork): LoopCost {
  const total = (k: keyof typeof PER_OBSERVATION) => work.observations * PER_OBSERVATION[k] + work.decisions * PER_DECISION[k] + work.timers * PER_TIMER[k];
  const breakdown = {
    eventBridge: total('events') * AWS_PRICES.eventBridgeCustomEventUsd,
    lambda: total('lambdaRequests') * AWS_PRICES.lambdaRequestUsd + total('lambdaGbSeconds') * AWS_PRICES.lambdaGbSecondArmUsd,
    dynamoDb: total('writeUnits') * AWS_PRICES.dynamoDbWriteRequestUnitUsd + total('readUnits') * AWS_PRICES.dynamoDbReadRequestUnitUsd,
    sqs: total('fifoRequests') * AWS_PRICES.sqsFifoRequestUsd + total('standardRequests') * AWS_PRICES.sqsStandardRequestUsd,
  };
  return { usd: breakdown.eventBridge + breakdown.lambda + breakdown.dynamoDb + breakdown.sqs, breakdown };
}
