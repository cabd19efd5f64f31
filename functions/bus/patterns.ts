// What the forwarder puts on the bus and which events the ingest rule routes. The CDK rule
// (infra/) and the local in-process bus (functions/local/) both use these constants.
import { OBSERVATION_TYPES } from '../../domain/events';

export const FORWARDER_EVENT_SOURCE = 'daemonloop.forwarder';

/** One PutEvents entry per observation: DetailType = the observation's type, Detail = the event JSON. */
export const INGEST_RULE_PATTERN = {
  source: [FORWARDER_EVENT_SOURCE],
  'detail-type': [...OBSERVATION_TYPES],
} as const;
