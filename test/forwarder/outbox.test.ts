// The outbox never loses an observation: a failed send is retried after a backoff until the sink
// takes it, keeping order, and only the observations the sink reports unsent go again.
import { describe, expect, it } from 'vitest';
import type { NodeObserved, Observation } from '../../domain/events';
import { VirtualClock } from '../../functions/clock';
import type { EventSink } from '../../functions/forwarder/event-sink';
import { Outbox } from '../../functions/forwarder/outbox';
import { localTelemetry } from '../../functions/observability';

const observed = (name: string): NodeObserved => ({
  type: 'NodeObserved',
  clusterId: 'c1',
  schemaVersion: 1,
  time: '2026-01-01T00:00:00.000Z',
  node: { metadata: { name, uid: name, resourceVersion: '1' } },
});
const names = (os: Observation[]) => os.map((o) => (o as NodeObserved).node.metadata!.name!);

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

describe('Outbox', () => {
  it('retries a failing sink with growing backoff until it accepts, losing nothing and keeping order', async () => {
    const clock = new VirtualClock();
    const calls: string[][] = [];
    let down = 3;
    const sink: EventSink = {
      async send(os) {
        calls.push(names(os));
        if (down-- > 0) throw new Error('bus unavailable');
      },
    };
    const outbox = new Outbox(sink, clock, localTelemetry('silent'));
    outbox.push(observed('a'));
    outbox.push(observed('b'));
    await settle();
    expect(calls).toEqual([['a']]);
    clock.advance(1000); // first backoff
    await settle();
    expect(calls.length).toBe(2);
    clock.advance(2000);
    await settle();
    clock.advance(4000);
    await settle();
    await outbox.idle();
    expect(calls.at(-1)).toEqual(['a', 'b']);
    expect(outbox.size).toBe(0);
  });

  it('sends again only what the sink reports unsent', async () => {
    const clock = new VirtualClock();
    const calls: string[][] = [];
    const sink: EventSink = {
      async send(os) {
        calls.push(names(os));
        if (calls.length === 2) throw Object.assign(new Error('partial'), { unsent: os.filter((o) => names([o])[0] === 'b') });
      },
    };
    const outbox = new Outbox(sink, clock, localTelemetry('silent'));
    for (const n of ['a', 'b', 'c']) outbox.push(observed(n));
    await settle();
    clock.advance(1000);
    await outbox.idle();
    expect(calls).toEqual([['a'], ['b', 'c'], ['b']]); // b and c queued while a was in flight
  });
});
