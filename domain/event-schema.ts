// The boundary check for every event: ingest parses what the forwarder sent, the log parses what
// it reads back (JSON turns Dates into strings; the schemas turn them back). A rejection names the
// field path (`node.metadata.name: Required`) so a bad forwarder is fixed from one log line.
import { z } from 'zod';
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { clusterIdProblem } from './cluster-id';
import * as E from './events';
import { projectDaemonSet, projectNode, projectPod } from './projection';

/** PutEvents caps an entry at 256 KB, so a larger observation never came from a forwarder. */
export const MAX_EVENT_BYTES = 256 * 1024;

export class InvalidEventError extends Error {
  readonly code = 'InvalidEvent';
  constructor(
    message: string,
    readonly issues: string[] = [message],
  ) {
    super(message);
    this.name = 'InvalidEventError';
  }
}
export const isInvalidEventError = (e: unknown): e is InvalidEventError => e instanceof Error && (e as { code?: unknown }).code === 'InvalidEvent';

// ── building blocks ───────────────────────────────────────────────────────────
const text = z.string().min(1);
const isoTime = z.iso.datetime({ offset: true });
/** A Kubernetes time: a Date in memory, an ISO string on the wire. */
const k8sTime = z.union([z.date(), isoTime.transform((s) => new Date(s))]);
const stringMap = z.record(z.string(), z.string());
const resourceVersion = z.string().regex(/^[1-9][0-9]*$/, 'a positive integer without leading zeros');

const ownerReference = z.object({
  apiVersion: text,
  kind: text,
  name: text,
  uid: text,
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});

const quantity = z.string().regex(/^[0-9.]+[a-zA-Z]{0,2}$/, 'a resource quantity (100m, 2, 8Gi)');
const nodeProjection = z.object({
  metadata: z.object({ name: text, uid: text, resourceVersion, labels: stringMap.optional() }),
  status: z.object({ allocatable: z.record(z.string(), quantity).optional() }).optional(),
  spec: z
    .object({
      taints: z.array(z.object({ key: text, value: z.string().optional(), effect: text })).optional(),
      unschedulable: z.boolean().optional(),
    })
    .optional(),
});

const nodeSelectorTerm = z.object({
  matchFields: z.array(z.object({ key: text, operator: text, values: z.array(z.string()).optional() })).optional(),
});
const podProjection = z.object({
  metadata: z.object({
    name: text,
    namespace: text,
    uid: text,
    resourceVersion,
    labels: stringMap.optional(),
    ownerReferences: z.array(ownerReference).optional(),
    creationTimestamp: k8sTime.optional(),
    deletionTimestamp: k8sTime.optional(),
  }),
  spec: z
    .object({
      nodeName: z.string().optional(),
      affinity: z
        .object({
          nodeAffinity: z
            .object({
              requiredDuringSchedulingIgnoredDuringExecution: z.object({ nodeSelectorTerms: z.array(nodeSelectorTerm) }).optional(),
            })
            .optional(),
        })
        .optional(),
    })
    .optional(),
  status: z
    .object({
      phase: z.string().optional(),
      conditions: z.array(z.object({ type: text, status: text, lastTransitionTime: k8sTime.optional() })).optional(),
      containerStatuses: z.array(z.object({ name: z.string(), restartCount: z.number().int().nonnegative() })).optional(),
    })
    .optional(),
});

const daemonSetStatus = z.looseObject({
  conditions: z.array(z.looseObject({ type: text, status: text, lastTransitionTime: k8sTime.optional() })).optional(),
});
// The spec is kept whole (the domain validates it and reports bad fields in a status condition);
// only what every reconcile needs to exist is required here.
const daemonSetProjection = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.object({
    name: text,
    namespace: text,
    uid: text,
    resourceVersion,
    generation: z.number().int().optional(),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
    creationTimestamp: k8sTime.optional(),
    deletionTimestamp: k8sTime.optional(),
    managedFields: z
      .array(z.object({ manager: z.string().optional(), operation: z.string().optional(), subresource: z.string().optional(), time: k8sTime.optional() }))
      .optional(),
  }),
  spec: z.looseObject({ selector: z.looseObject({}), template: z.looseObject({}) }),
  status: daemonSetStatus.optional(),
});

const base = {
  clusterId: text,
  schemaVersion: z.number().int().min(1).max(E.EVENT_SCHEMA_VERSION, `newer than this build understands (${E.EVENT_SCHEMA_VERSION})`),
  time: isoTime,
};
const objectRef = z.object({ namespace: text.optional(), name: text, uid: text, resourceVersion });

// ── observations ─────────────────────────────────────────────────────────────
const observationSchemas = [
  z.object({
    ...base,
    type: z.literal(E.NODE_REQUESTS_OBSERVED),
    nodeName: text,
    requested: z.object({ cpu: quantity, memory: quantity }),
    pods: z.number().int().nonnegative(),
    resourceVersion,
  }),
  z.object({ ...base, type: z.literal(E.NODE_OBSERVED), node: nodeProjection }),
  z.object({ ...base, type: z.literal(E.NODE_DELETED), ref: objectRef }),
  z.object({ ...base, type: z.literal(E.POD_OBSERVED), pod: podProjection }),
  z.object({ ...base, type: z.literal(E.POD_DELETED), ref: objectRef.extend({ namespace: text }) }),
  z.object({ ...base, type: z.literal(E.DAEMONSET_OBSERVED), daemonSet: daemonSetProjection }),
  z.object({ ...base, type: z.literal(E.DAEMONSET_DELETED), ref: objectRef.extend({ namespace: text }) }),
  z
    .object({
      ...base,
      type: z.literal(E.RELIST_COMPLETED),
      kind: z.enum(['Node', 'Pod', 'DaemonSet']),
      namespace: text.optional(),
      resourceVersion,
      relistId: text,
      part: z.number().int().min(1),
      parts: z.number().int().min(1),
      presentUids: z.array(text),
    })
    .refine((e) => e.part <= e.parts, { message: 'part must not exceed parts', path: ['part'] }),
] as const;

// ── decisions ────────────────────────────────────────────────────────────────
const specIdentity = z.object({ uid: z.string(), generation: z.number().int().optional(), templateHash: text, specHash: text });
const failedPodBackoff = z.record(z.string(), z.object({ delaySeconds: z.number().nonnegative(), since: k8sTime }));
const decisionSchemas = [
  z.object({
    ...base,
    type: z.literal(E.RECONCILE_DECIDED),
    decisionId: text,
    daemonSetUid: text,
    inputs: z.object({
      streams: z.record(z.string(), z.number().int().nonnegative()),
      daemonSetUid: z.string().optional(),
      daemonSetResourceVersion: z.string().optional(),
      settledIntents: z.object({ creates: z.array(z.string()), deletes: z.array(z.string()) }).optional(),
      disruptionAllowance: z.number().int().nonnegative().optional(),
    }),
    creates: z.number().int().nonnegative(),
    deletes: z.number().int().nonnegative(),
    status: daemonSetStatus,
    waits: z.array(z.object({ nodeName: z.string().optional(), reason: z.string() })),
    waitsChange: z
      .object({
        since: text,
        keyframe: z.number().int().positive(),
        splices: z.array(
          z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative(), z.array(z.object({ nodeName: z.string().optional(), reason: z.string() }))]),
        ),
      })
      .optional(),
    requeueAfterSeconds: z.number().nonnegative().optional(),
    failedPodBackoff,
    currentHash: text,
  }),
  z.object({ ...base, type: z.literal(E.POD_CREATE_REQUESTED), decisionId: text, namespace: text, podName: text, nodeName: text, hash: text }),
  z.object({
    ...base,
    type: z.literal(E.POD_DELETE_REQUESTED),
    decisionId: text,
    namespace: text,
    podName: text,
    podUid: text,
    nodeName: z.string().optional(),
    reason: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal(E.POD_ACTION_COMPLETED),
    decisionId: text,
    action: z.enum(['create', 'delete']),
    namespace: text,
    podName: text,
    nodeName: z.string().optional(),
    outcome: z.enum(['succeeded', 'already-done', 'failed']),
    reason: z.string().optional(),
    retryable: z.boolean().optional(),
    nameTaken: z.boolean().optional(),
  }),
  z.object({ ...base, type: z.literal(E.TIMER_SCHEDULED), decisionId: text, dueAt: isoTime, reason: z.string() }),
  z.object({ ...base, type: z.literal(E.TIMER_FIRED), daemonSet: text, dueAt: isoTime }),
  z.object({
    ...base,
    type: z.literal(E.STATUS_WRITTEN),
    decisionId: text,
    status: daemonSetStatus,
    outcome: z.enum(['succeeded', 'failed']),
    reason: z.string().optional(),
  }),
  z.object({
    ...base,
    type: z.literal(E.ROLLOUT_PLANNED),
    hash: text,
    strategy: z.string(),
    p50Ms: z.number().nonnegative(),
    p90Ms: z.number().nonnegative(),
    peakUnavailable: z.number().int().nonnegative(),
    surgePodHours: z.number().nonnegative().optional(),
  }),
  z.object({ ...base, type: z.literal(E.REVISION_RECORDED), decisionId: text, revision: z.number().int().min(1), hash: text, template: z.looseObject({}) }),
  z.object({ ...base, type: z.literal(E.REVISIONS_PRUNED), decisionId: text, hashes: z.array(text).min(1) }),
  z.object({
    ...base,
    type: z.literal(E.DECISION_REFUSED),
    daemonSet: text,
    reason: text,
    decidedOn: specIdentity,
    cluster: specIdentity.optional(),
    creates: z.number().int().nonnegative(),
    deletes: z.number().int().nonnegative(),
  }),
] as const;

const observationSchema = z.discriminatedUnion('type', [...observationSchemas]);
const heartbeatSchema = z.object({ ...base, type: z.literal(E.FORWARDER_HEARTBEAT) });
const logEventSchema = z.discriminatedUnion('type', [...observationSchemas, ...decisionSchemas]);

/** Validates an observation (as sent by a forwarder) and cuts its object down to the projection. */
export function parseObservation(input: unknown): E.Observation {
  const bytes = serializedBytes(input);
  if (bytes > MAX_EVENT_BYTES) {
    throw new InvalidEventError(`event is ${bytes} bytes serialized, over the ${MAX_EVENT_BYTES}-byte limit`);
  }
  const observation = parse(observationSchema, input) as E.Observation;
  const badCluster = clusterIdProblem(observation.clusterId); // its streams would land in another key space
  if (badCluster) throw new InvalidEventError(`clusterId: ${badCluster}`);
  return project(observation);
}

/** Validates what a forwarder put on the bus: an observation, or its heartbeat (which never reaches the log). */
export function parseForwarded(input: unknown): E.ForwardedEvent {
  if ((input as { type?: unknown } | null)?.type !== E.FORWARDER_HEARTBEAT) return parseObservation(input);
  const heartbeat = parse(heartbeatSchema, input) as E.ForwarderHeartbeat; // a few fixed fields: far below the size cap
  const badCluster = clusterIdProblem(heartbeat.clusterId);
  if (badCluster) throw new InvalidEventError(`clusterId: ${badCluster}`);
  return heartbeat;
}

/**
 * Validates any event of the log when reading it back. No size cap here: observations were capped
 * at ingest, and a decision is bounded by its commit item (a 5,000-node decision's waits exceed
 * 256 KB as JSON yet deflate to a few KB) — a cap on read would make a written stream unreadable.
 */
export function parseLogEvent(input: unknown): E.LogEvent {
  const event = parse(logEventSchema, input) as E.LogEvent;
  return isObservation(event) ? project(event) : event;
}

const observationTypes: ReadonlySet<string> = new Set(E.OBSERVATION_TYPES);
const isObservation = (event: E.LogEvent): event is E.Observation => observationTypes.has(event.type);

// The schemas check every field the controller reads; the parsed value is then typed as the
// client-node model it was projected from (loose members such as the DaemonSet spec pass through).
function project(event: E.Observation): E.Observation {
  switch (event.type) {
    case E.NODE_OBSERVED:
      return { ...event, node: projectNode(event.node as V1Node) };
    case E.POD_OBSERVED:
      return { ...event, pod: projectPod(event.pod as V1Pod) };
    case E.DAEMONSET_OBSERVED:
      return { ...event, daemonSet: projectDaemonSet(event.daemonSet as V1DaemonSet) };
    default:
      return event;
  }
}

function parse(schema: z.ZodType, input: unknown): unknown {
  const result = schema.safeParse(input, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'Required' : undefined),
  });
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(event)'}: ${i.message}`);
  throw new InvalidEventError(issues.join('; '), issues);
}

function serializedBytes(input: unknown): number {
  try {
    return new TextEncoder().encode(JSON.stringify(input) ?? '').length;
  } catch {
    throw new InvalidEventError('event is not serializable as JSON');
  }
}
