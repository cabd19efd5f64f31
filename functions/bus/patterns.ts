// What the forwarder puts on the bus and which events the ingest rule routes. The CDK rule
// (infra/) and the local in-process bus (functions/local/) both use these constants.
import { FORWARDER_HEARTBEAT, OBSERVATION_TYPES } from '../../domain/events';

/** Every forwarder's source starts so; the rest names the cluster it speaks for. */
export const FORWARDER_EVENT_SOURCE_PREFIX = 'daemonloop.forwarder/';

/**
 * A forwarder's EventBridge source: `daemonloop.forwarder/<name>`, where the name is the cluster
 * id (or, on EKS, the cluster's name). The forwarder role may put only its own cluster's source
 * (the `events:source` condition), and ingest accepts an event only when its source is the one
 * the registry binds to the event's clusterId.
 */
export const forwarderSource = (clusterName: string): string => `${FORWARDER_EVENT_SOURCE_PREFIX}${clusterName}`;

/** One PutEvents entry per observation or heartbeat: DetailType = the event's type, Detail = the event JSON. */
export const INGEST_RULE_PATTERN = {
  source: [{ prefix: FORWARDER_EVENT_SOURCE_PREFIX }],
  'detail-type': [...OBSERVATION_TYPES, FORWARDER_HEARTBEAT],
} as const;
