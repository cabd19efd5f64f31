// The bodies of the loop's queue messages, written and parsed in one place.
import { z } from 'zod';
import { daemonSetStreamId, parseDaemonSetStreamId, type DaemonSetKey } from '../../../domain/streams';

const reconcileRequest = z.object({ daemonSet: z.string() });
const timerMessage = z.object({ daemonSet: z.string(), dueAt: z.iso.datetime(), reason: z.string() });

export interface TimerRequest {
  key: DaemonSetKey;
  dueAt: Date;
  reason: string;
}

export const reconcileRequestBody = (key: DaemonSetKey): string => JSON.stringify({ daemonSet: daemonSetStreamId(key) });

export const parseReconcileRequest = (body: string): DaemonSetKey =>
  parseDaemonSetStreamId(reconcileRequest.parse(JSON.parse(body)).daemonSet);

export const timerMessageBody = (request: TimerRequest): string =>
  JSON.stringify({ daemonSet: daemonSetStreamId(request.key), dueAt: request.dueAt.toISOString(), reason: request.reason });

export function parseTimerMessage(body: string): TimerRequest {
  const message = timerMessage.parse(JSON.parse(body));
  return { key: parseDaemonSetStreamId(message.daemonSet), dueAt: new Date(message.dueAt), reason: message.reason };
}
