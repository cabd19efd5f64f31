// The local bus and the forwarder's PutEvents sink: matching entries reach the ingest rule's
// target as EventBridge envelopes; only failed entries are sent again.
import { describe, expect, it } from 'vitest';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { INGEST_RULE_PATTERN } from '../../functions/bus/patterns';
import { VirtualClock } from '../../functions/clock';
import { LocalEventBus, type BusEvent } from '../../functions/local/bus';
import { WorkTracker } from '../../functions/local/work-tracker';
import { PutEventsFailed, PutEventsSink, requestBatches } from '../../functions/adapters/eventbridge/put-events-sink';
import type { PutEventsPort } from '../../functions/adapters/eventbridge/put-events-port';
import type { NodeObserved } from '../../domain/events';

const nodeObserved = (name: string): NodeObserved => ({
  type: 'NodeObserved',
  clusterId: 'c1',
  schemaVersion: 1,
  time: '2026-01-01T00:00:00.000Z',
  node: { metadata: { name, uid: `uid-${name}`, resourceVersion: '1' } },
});

function setup() {
  const clock = new VirtualClock();
  const work = new WorkTracker();
  const bus = new LocalEventBus('daemonloop', clock, work);
  const delivered: BusEvent[] = [];
  bus.addRule('ingest', INGEST_RULE_PATTERN, async (event) => void delivered.push(event));
  return { clock, work, bus, delivered };
}

describe('LocalEventBus', () => {
  it('delivers sink entries matching the ingest rule as EventBridge envelopes, and drops the rest', async () => {
    const { clock, work, bus, delivered } = setup();
    await new PutEventsSink(bus, { eventBus: 'daemonloop', clock }).send([nodeObserved('n1'), nodeObserved('n2')]);
    await bus.putEvents([{ Source: 'other', DetailType: 'NodeObserved', Detail: '{}', EventBusName: 'daemonloop' }]);
    await work.whenIdle();
    expect(delivered.map((e) => [e.source, e['detail-type'], (e.detail as NodeObserved).node.metadata!.name])).toEqual([
      ['daemonloop.forwarder/c1', 'NodeObserved', 'n1'], // the source names the observations' cluster
      ['daemonloop.forwarder/c1', 'NodeObserved', 'n2'],
    ]);
    expect(delivered[0]!.time).toBe('2026-01-01T00:00:00Z');
  });

  it('fails single entries the way PutEvents does: missing fields, another bus, bad JSON', async () => {
    const { bus } = setup();
    const response = await bus.putEvents([
      { Source: 'daemonloop.forwarder', DetailType: 'NodeObserved', Detail: '{}', EventBusName: 'daemonloop' },
      { Source: 'daemonloop.forwarder', DetailType: 'NodeObserved', EventBusName: 'daemonloop' },
      { Source: 'daemonloop.forwarder', DetailType: 'NodeObserved', Detail: '{}', EventBusName: 'elsewhere' },
      { Source: 'daemonloop.forwarder', DetailType: 'NodeObserved', Detail: '{', EventBusName: 'daemonloop' },
    ]);
    expect(response.FailedEntryCount).toBe(3);
    expect(response.Entries.map((e) => e.ErrorCode ?? 'ok')).toEqual(['ok', 'InvalidArgument', 'ResourceNotFoundException', 'MalformedDetail']);
    await expect(bus.putEvents([])).rejects.toThrow(/between 1 and 10/);
  });

  it('retries a failing target with backoff and keeps the event as a dead letter after the last attempt', async () => {
    const { clock, work, bus } = setup();
    let attempts = 0;
    bus.addRule('flaky', INGEST_RULE_PATTERN, async () => {
      attempts++;
      throw new Error('target down');
    });
    await new PutEventsSink(bus, { eventBus: 'daemonloop', clock }).send([nodeObserved('n1')]);
    do await work.whenIdle();
    while (clock.advanceToNext());
    expect(attempts).toBe(8);
    expect(bus.deadLetters.map((d) => d.rule)).toEqual(['flaky']);
  });
});

describe('PutEventsSink', () => {
  it('sends again only the entries PutEvents reported failed, and throws naming the error when they keep failing', async () => {
    const clock = new VirtualClock();
    const calls: string[][] = [];
    let failures = 2;
    const port: PutEventsPort = {
      async putEvents(entries: PutEventsRequestEntry[]) {
        const names = entries.map((e) => (JSON.parse(e.Detail!) as NodeObserved).node.metadata!.name!);
        calls.push(names);
        const results = names.map((name) => (name === 'n2' && failures-- > 0 ? { ErrorCode: 'ThrottlingException' } : { EventId: 'e' }));
        return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
      },
    };
    const sending = new PutEventsSink(port, { eventBus: 'b', clock, firstBackoffMs: 10 }).send(['n1', 'n2', 'n3'].map(nodeObserved));
    for (let turn = 0; turn < 20 && calls.length < 3; turn++) await new Promise((r) => setImmediate(r)).then(() => clock.advanceToNext());
    await sending;
    expect(calls).toEqual([['n1', 'n2', 'n3'], ['n2'], ['n2']]);

    failures = 100;
    const failing = new PutEventsSink(port, { eventBus: 'b', clock, maxAttempts: 1 }).send(['n1', 'n2'].map(nodeObserved));
    await expect(failing).rejects.toThrow(PutEventsFailed);
    await expect(new PutEventsSink(port, { eventBus: 'b', clock, maxAttempts: 1 }).send(['n1', 'n2'].map(nodeObserved))).rejects.toThrow(/ThrottlingException/);
  });

  it('names exactly the observations that did not go when an entry keeps failing: its own and every later request', async () => {
    const clock = new VirtualClock();
    const port: PutEventsPort = {
      async putEvents(entries: PutEventsRequestEntry[]) {
        const names = entries.map((e) => (JSON.parse(e.Detail!) as NodeObserved).node.metadata!.name!);
        const results = names.map((name) => (name === 'n3' ? { ErrorCode: 'InternalFailure' } : { EventId: 'e' }));
        return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
      },
    };
    const names = Array.from({ length: 12 }, (_, i) => `n${i + 1}`); // two requests: n1–n10, n11–n12
    const error = await new PutEventsSink(port, { eventBus: 'b', clock, maxAttempts: 1 }).send(names.map(nodeObserved)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PutEventsFailed);
    expect((error as PutEventsFailed).unsent.map((o) => (o as NodeObserved).node.metadata!.name)).toEqual(['n3', 'n11', 'n12']);
  });

  it('splits entries into requests of at most ten entries and 256 KB', () => {
    const small = { Source: 's', DetailType: 'd', Detail: 'x' };
    expect(requestBatches(Array.from({ length: 23 }, () => small)).map((b) => b.length)).toEqual([10, 10, 3]);
    const big = { Source: 's', DetailType: 'd', Detail: 'x'.repeat(100 * 1024) };
    expect(requestBatches([big, big, big, big]).map((b) => b.length)).toEqual([2, 2]);
  });
});
