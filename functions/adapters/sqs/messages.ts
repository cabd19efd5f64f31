// The bodies of the loop's queue messages, written and parsed in one place.
import { z } from 'zod';
import { daemonSetStreamId, parseDaemonSetStreamId, type DaemonSetKey } from '../../../domain/streams';

const reconcileRequest = z.object({ daemonSet: z.string(), observedAt: z.iso.datetime().optional(), observation: z.string().optional() });
const timerMessage = z.object({ daemonSet: z.string(), dueAt: z.iso.datetime(), reason: z.string() });

export interface TimerRequest {
  key: DaemonSetKey;
  dueAt: Date;
  reason: string;
}

/** What asked for a reconcile, when an observation did: its time (for the lag SLI) and identity (the correlation id). */
export interface RequestCause {
  observedAt: Date;
  observation: string;
}

export const reconcileRequestBody = (key: DaemonSetKey, cause?: RequestCause): string =>
  JSON.stringify({ daemonSet: daemonSetStreamId(key), ...(cause ? { observedAt: cause.observedAt.toISOString(), observation: cause.observation } : {}) });

export const parseReconcileRequest = (body: string): DaemonSetKey => parseDaemonSetStreamId(reconcileRequest.parse(JSON.parse(body)).daemonSet);

export function causeOfReconcileRequest(body: string): RequestCause | undefined {
  const { observedAt, observation } = reconcileRequest.parse(JSON.parse(body));
  return observedAt && observation ? { observedAt: new Date(observedAt), observation } : undefined;
}

export const timerMessageBody = (request: TimerRequest): string =>
  JSON.stringify({ daemonSet: daemonSetStreamId(request.key), dueAt: request.dueAt.toISOString(), reason: request.reason });

export function parseTimerMessage(body: string): TimerRequest {
  const message = timerMessage.parse(JSON.parse(body));
  return { key: parseDaemonSetStreamId(message.daemonSet), dueAt: new Date(message.dueAt), reason: message.reason };
}
