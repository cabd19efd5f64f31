// A wake-up from the timer queue fires when due — recorded in the log, then a reconcile request —
// and goes back to the queue for the remainder when it came early (SQS delays stop at 900 s).
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../domain/events';
import { VirtualClock } from '../../functions/clock';
import { timerOne } from '../../functions/loop/timer-one';
import { localTelemetry } from '../../functions/observability';

const key = { clusterId: 'c1', namespace: 'kube-system', name: 'agent' };

function setup() {
  const clock = new VirtualClock(new Date('2026-01-01T00:00:00Z'));
  const appended: Decision[] = [];
  const enqueued: string[] = [];
  const scheduled: Date[] = [];
  const deps = {
    log: { appendOutcomes: async (_k: typeof key, events: Decision[]) => void appended.push(...events) },
    clock,
    reconciles: { enqueue: async (_k: typeof key, dedupId: string) => void enqueued.push(dedupId) },
    timers: { schedule: async (_k: typeof key, dueAt: Date) => void scheduled.push(dueAt) },
    pending: { claim: async () => 'claim-1', release: async () => undefined, started: async () => undefined, waiting: async () => false },
    telemetry: localTelemetry('silent'),
  };
  return { clock, appended, enqueued, scheduled, deps };
}

describe('timerOne', () => {
  it('puts an early wake-up back for the remainder, recording nothing', async () => {
    const { clock, appended, enqueued, scheduled, deps } = setup();
    const dueAt = new Date(clock.now().getTime() + 3_600_000);
    expect(await timerOne({ key, dueAt, reason: 'minReadySeconds' }, deps)).toBe('rescheduled');
    expect(scheduled).toEqual([dueAt]);
    expect([appended, enqueued]).toEqual([[], []]);
  });

  it('records TimerFired, then asks for a reconcile, when due', async () => {
    const { clock, appended, enqueued, deps } = setup();
    const dueAt = new Date(clock.now().getTime() - 1);
    expect(await timerOne({ key, dueAt, reason: 'minReadySeconds' }, deps)).toBe('fired');
    expect(appended).toMatchObject([{ type: 'TimerFired', daemonSet: 'c1/daemonsets/kube-system/agent', dueAt: dueAt.toISOString() }]);
    expect(enqueued).toEqual([`timer@${dueAt.toISOString()}#claim-1`]);
  });
});
