// A wake-up from the timer queue: when due, record that it fired and ask for a reconcile; when
// not yet due (SQS delays stop at 900 s), put it back for the remainder.
import * as E from '../../domain/events';
import { daemonSetStreamId } from '../../domain/streams';
import type { TimerRequest } from '../adapters/sqs/messages';
import type { TimerDeps } from './deps';
import { requestReconcile } from './request-reconcile';

export type TimerOutcome = 'fired' | 'rescheduled';

export async function timerOne({ key, dueAt, reason }: TimerRequest, deps: TimerDeps): Promise<TimerOutcome> {
  const now = deps.clock.now();
  if (dueAt.getTime() > now.getTime()) {
    await deps.timers.schedule(key, dueAt, reason);
    return 'rescheduled';
  }
  const fired: E.TimerFired = {
    type: E.TIMER_FIRED,
    clusterId: key.clusterId,
    schemaVersion: E.EVENT_SCHEMA_VERSION,
    time: now.toISOString(),
    daemonSet: daemonSetStreamId(key),
    dueAt: dueAt.toISOString(),
  };
  await deps.log.appendOutcomes(key, [fired]);
  await requestReconcile(key, `timer@${fired.dueAt}`, deps);
  return 'fired';
}
