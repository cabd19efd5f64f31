// The forwarder's heartbeat: one ForwarderHeartbeat a minute on the forwarder's clock, straight to
// the sink; a failing or hanging send neither stops the beat nor piles sends up; stop() ends it.
// Through the real PutEvents sink it is one entry, DetailType ForwarderHeartbeat, the cluster's source.
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { parseForwarded } from '../../domain/event-schema';
import { FORWARDER_HEARTBEAT, type ForwarderHeartbeat } from '../../domain/events';
import { PutEventsSink } from '../../functions/adapters/eventbridge/put-events-sink';
import { forwarderSource } from '../../functions/bus/patterns';
import { VirtualClock } from '../../functions/clock';
import { HEARTBEAT_INTERVAL_MS, startHeartbeat } from '../../functions/forwarder/heartbeat';
import { localTelemetry } from '../../functions/observability';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('startHeartbeat', () => {
  it('beats at once, then every minute of the clock, each a valid heartbeat of its cluster, until stopped', async () => {
    const clock = new VirtualClock();
    const sent: ForwarderHeartbeat[] = [];
    const beat = startHeartbeat({ send: async (events) => void sent.push(...events) }, 'c1', clock);
    await settle();
    expect(sent.map((h) => h.time)).toEqual(['2026-01-01T00:00:00.000Z']);
    clock.advance(HEARTBEAT_INTERVAL_MS - 1);
    await settle();
    expect(sent).toHaveLength(1);
    clock.advance(1);
    await settle();
    clock.advance(HEARTBEAT_INTERVAL_MS);
    await settle();
    expect(sent.map((h) => h.time)).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z']);
    for (const h of sent) expect(parseForwarded(h)).toEqual({ type: FORWARDER_HEARTBEAT, clusterId: 'c1', schemaVersion: 1, time: h.time });
    beat.stop();
    clock.advance(10 * HEARTBEAT_INTERVAL_MS);
    await settle();
    expect(sent).toHaveLength(3);
    expect(clock.nextDue()).toBeUndefined(); // nothing left to keep a virtual clock busy
  });

  it('keeps beating through a failing sink, counting each failure', async () => {
    const clock = new VirtualClock();
    const telemetry = localTelemetry('silent');
    let calls = 0;
    startHeartbeat(
      {
        send: async () => {
          if (++calls < 3) throw new Error('bus unavailable');
        },
      },
      'c1',
      clock,
      { telemetry },
    );
    for (let i = 0; i < 3; i++) {
      await settle();
      clock.advance(HEARTBEAT_INTERVAL_MS);
    }
    await settle();
    expect(calls).toBe(4);
    expect(telemetry.counts.get('forwarder.heartbeat_failures')).toBe(2);
  });

  it('sends one beat at a time while a send hangs, and resumes once it returns', async () => {
    const clock = new VirtualClock();
    let release: () => void = () => undefined;
    let calls = 0;
    startHeartbeat({ send: () => (++calls === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve()) }, 'c1', clock);
    for (let i = 0; i < 3; i++) {
      clock.advance(HEARTBEAT_INTERVAL_MS);
      await settle();
    }
    expect(calls).toBe(1);
    release();
    await settle();
    clock.advance(HEARTBEAT_INTERVAL_MS);
    await settle();
    expect(calls).toBe(2);
  });

  it('goes out through the PutEvents sink as one entry under the cluster’s forwarder source', async () => {
    const clock = new VirtualClock();
    const entries: PutEventsRequestEntry[] = [];
    const putEvents = async (e: PutEventsRequestEntry[]) => {
      entries.push(...e);
      return { FailedEntryCount: 0, Entries: e.map(() => ({ EventId: 'x' })) };
    };
    const sink = new PutEventsSink({ putEvents }, { eventBus: 'bus', clock });
    startHeartbeat(sink, 'c1', clock).stop();
    await settle();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ Source: forwarderSource('c1'), DetailType: FORWARDER_HEARTBEAT, EventBusName: 'bus' });
    expect(JSON.parse(entries[0]!.Detail!)).toMatchObject({ type: FORWARDER_HEARTBEAT, clusterId: 'c1' });
  });
});
