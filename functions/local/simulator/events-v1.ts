// events.k8s.io/v1 Events as the API server serves them: the same objects as core/v1 Events (one
// storage), converted field by field as upstream's pkg/apis/events/v1 conversion does, and
// validated on create as upstream validates a new events.k8s.io/v1 Event. So an event written
// through either API shows in both: `kubectl describe` (core/v1) and `kubectl events`.
import type { KubeObject } from './selectors';

/** events.k8s.io/v1 field ← core/v1 field, where only the name differs. */
const RENAMED: readonly (readonly [string, string])[] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];
const SAME = ['metadata', 'eventTime', 'series', 'related', 'action', 'reason', 'type', 'reportingInstance'];

function convert(from: KubeObject, pairs: readonly (readonly [string, string])[], apiVersion: string): KubeObject {
  const source = from as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { apiVersion, kind: 'Event' };
  for (const key of SAME) if (source[key] !== undefined) out[key] = source[key];
  for (const [to, fromKey] of pairs) if (source[fromKey] !== undefined) out[to] = source[fromKey];
  return out as unknown as KubeObject;
}

/** A stored (core/v1) Event as events.k8s.io/v1 shows it. */
export const eventsV1FromCore = (core: KubeObject): KubeObject => convert(core, RENAMED, 'events.k8s.io/v1');

/** An events.k8s.io/v1 Event as it is stored (core/v1). */
export const coreFromEventsV1 = (event: KubeObject): KubeObject =>
  convert(
    event,
    RENAMED.map(([v1, core]) => [core, v1] as const),
    'v1',
  );

/** Go's RFC3339Micro, which a MicroTime must parse as. */
const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;

/** Upstream's ValidateEventCreate for events.k8s.io/v1: the new fields required, the deprecated ones refused. */
export function eventsV1CreateErrors(event: KubeObject): { field: string; message: string }[] {
  const e = event as unknown as Record<string, unknown>;
  const errors: { field: string; message: string }[] = [];
  const required = (field: string) => {
    if (typeof e[field] !== 'string' || e[field] === '') errors.push({ field, message: 'Required value' });
  };
  if (typeof e.eventTime !== 'string' || !MICRO_TIME.test(e.eventTime))
    errors.push({ field: 'eventTime', message: `Required value: a MicroTime (RFC 3339 with microseconds), got ${JSON.stringify(e.eventTime)}` });
  for (const field of ['reportingController', 'reportingInstance', 'action', 'reason']) required(field);
  if (e.type !== 'Normal' && e.type !== 'Warning')
    errors.push({ field: 'type', message: `Unsupported value: ${JSON.stringify(e.type)}: supported values: "Normal", "Warning"` });
  for (const field of ['deprecatedSource', 'deprecatedFirstTimestamp', 'deprecatedLastTimestamp', 'deprecatedCount']) {
    if (e[field] !== undefined && e[field] !== 0 && e[field] !== null) errors.push({ field, message: 'Invalid value: needs to be unset' });
  }
  const series = e.series as { count?: number } | undefined;
  if (series && !(typeof series.count === 'number' && series.count >= 2))
    errors.push({ field: 'series.count', message: 'Invalid value: should be at least 2' });
  if (typeof e.note === 'string' && Buffer.byteLength(e.note) > 1024) errors.push({ field: 'note', message: 'Too long: may not be longer than 1024' });
  return errors;
}
