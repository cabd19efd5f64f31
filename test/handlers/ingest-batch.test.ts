// Ingest takes the ingest queue's batches: one commit per stream per batch, every event still
// checked on its own, and one cluster's relist cannot hold another cluster's node join behind it.
import { describe, expect, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { InMemoryEventStore } from '../../functions/adapters/event-store/in-memory';
import type { EventStore } from '../../functions/adapters/event-store/port';
import { forwarderSource } from '../../functions/bus/patterns';
import { VirtualClock } from '../../functions/clock';
import { makeHandler } from '../../functions/handlers/ingest';
import { LocalBatchQueue } from '../../functions/local/batch-queue';
import { ingestEvent } from '../../functions/local/local-queues';
import { WorkTracker } from '../../functions/local/work-tracker';
import { EventLog } from '../../functions/log/event-log';
import type { IngestDeps } from '../../functions/loop/deps';
import { localTelemetry } from '../../functions/observability';
import type { Observation } from '../../domain/events';
import { CLUSTER, nodeObserved, T0 } from '../log/fixtures';

const OTHER = 'c2';
const envelope = (detail: Observation, id = 'e') => ({
  version: '0',
  id,
  'detail-type': detail.type,
  source: forwarderSource(detail.clusterId),
  account: '0',
  time: '2026-01-01T00:00:00Z',
  region: 'local',
  resources: [],
  detail,
});
const sqsEvent = (bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m-${i}`,
    receiptHandle: `r-${i}`,
    body,
    attributes: {} as never,
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:0:ingest',
    awsRegion: 'local',
  })),
});

/** The store, with every successful append recorded in order (stream ids). */
function recordingStore(): { store: EventStore; appends: string[] } {
  const inner = new InMemoryEventStore();
  const appends: string[] = [];
  const store: EventStore = Object.create(inner);
  store.append = async (stream, expected, events) => {
    const commit = await inner.append(stream, expected, events);
    appends.push(stream);
    return commit;
  };
  return { store, appends };
}

function depsFor(store: EventStore): IngestDeps & { telemetry: ReturnType<typeof localTelemetry> } {
  const registered = new Set([CLUSTER, OTHER]);
  return {
    log: new EventLog(store),
    registry: {
      lookup: async (id) =>
        registered.has(id) ? { clusterId: id, endpoint: 'x', credentials: { kind: 'kubeconfig', path: 'x' }, labels: {}, registeredAt: '' } : undefined,
    },
    reconciles: { enqueue: async () => undefined },
    pending: { claim: async () => 'claim', release: async () => undefined, started: async () => undefined, waiting: async () => false },
    telemetry: localTelemetry('silent'),
  };
}

describe('ingest batches', () => {
  it('appends one commit per stream for a batch, rejecting a bad body without failing its neighbours', async () => {
    const { store, appends } = recordingStore();
    const deps = depsFor(store);
    const nodes = Array.from({ length: 50 }, (_, i) => JSON.stringify(envelope(nodeObserved(`n${i}`, String(i + 1)))));
    const joined = JSON.stringify(envelope({ ...nodeObserved('m1', '1'), clusterId: OTHER }));
    const response = await makeHandler(deps)(sqsEvent([...nodes, 'not json', joined]));
    expect(response.batchItemFailures).toEqual([]); // the bad body is rejected for good, not retried
    expect(appends.sort()).toEqual([`${CLUSTER}/nodes`, `${OTHER}/nodes`]);
    expect(deps.telemetry.counts.get('IngestAccepted')).toBe(51);
    expect(deps.telemetry.counts.get('IngestRejectedInvalid')).toBe(1);
  });

  it('fails every record of the batch when an append fails, so SQS redelivers them', async () => {
    const { store } = recordingStore();
    store.append = async () => {
      throw new Error('throttled');
    };
    const deps = depsFor(store);
    const response = await makeHandler(deps)(sqsEvent([JSON.stringify(envelope(nodeObserved('n1', '1')))]));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    expect(deps.telemetry.counts.get('IngestFailed')).toBe(1);
  });

  it("takes a 5,000-node relist in a few commits and appends another cluster's node join within a few batches of it", async () => {
    const { store, appends } = recordingStore();
    const deps = depsFor(store);
    const clock = new VirtualClock(new Date(T0));
    const work = new WorkTracker();
    const batchSize = 500;
    const queue = new LocalBatchQueue(clock, work, { batchSize, concurrency: 2 });
    const ingest = makeHandler(deps);
    let batches = 0;
    queue.consume(async (batch) => {
      batches++;
      return (await ingest(ingestEvent(batch))).batchItemFailures.map((f) => f.itemIdentifier);
    });

    for (let i = 0; i < 5_000; i++) queue.send(JSON.stringify(envelope(nodeObserved(`n${i}`, String(i + 1)), `a${i}`)));
    queue.send(JSON.stringify(envelope({ ...nodeObserved('joined', '1'), clusterId: OTHER }, 'b')));
    await work.whenIdle();

    // Before, each event was its own invocation and commit: the join waited behind 5,000 appends.
    const bound = Math.ceil(5_001 / batchSize) + 1;
    expect(batches).toBeLessThanOrEqual(bound);
    expect(appends.indexOf(`${OTHER}/nodes`)).toBeGreaterThanOrEqual(0);
    expect(appends.indexOf(`${OTHER}/nodes`)).toBeLessThanOrEqual(bound);
    expect(appends.filter((s) => s === `${CLUSTER}/nodes`).length).toBeLessThanOrEqual(bound);
    expect(await store.latestCommit(`${CLUSTER}/nodes`)).toBe(appends.filter((s) => s === `${CLUSTER}/nodes`).length);
  });
});
