// A forwarder's heartbeat through the ingest handler: admitted like an observation (valid, from a
// registered cluster, by that cluster's forwarder), written to no stream, and published by
// Powertools as the ForwarderHeartbeat metric with the ClusterId dimension the per-cluster alarms
// watch (infra/constructs/cluster-alarms.ts).
import type { EventBridgeEvent, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EVENT_SCHEMA_VERSION, FORWARDER_HEARTBEAT } from '../../domain/events';
import { InMemoryEventStore, type InMemoryItems } from '../../functions/adapters/event-store/in-memory';
import { forwarderSource, INGEST_RULE_PATTERN } from '../../functions/bus/patterns';
import { makeHandler } from '../../functions/handlers/ingest';
import { matchesPattern } from '../../functions/local/event-pattern';
import { EventLog } from '../../functions/log/event-log';
import { FORWARDER_HEARTBEAT_METRIC } from '../../functions/loop/ingest-batch';
import { METRICS_NAMESPACE, SERVICE_NAME, powertoolsTelemetry } from '../../functions/observability';
import type { ClusterRecord } from '../../functions/registry/cluster-record';

const REGISTERED: Record<string, ClusterRecord> = {
  c1: { clusterId: 'c1', endpoint: 'x', credentials: { kind: 'kubeconfig', path: 'x' }, labels: {}, registeredAt: '' },
  c2: { clusterId: 'c2', endpoint: 'x', credentials: { kind: 'kubeconfig', path: 'x' }, labels: {}, registeredAt: '' },
};
const heartbeat = (clusterId: string, extra: Record<string, unknown> = {}) => ({
  type: FORWARDER_HEARTBEAT,
  clusterId,
  schemaVersion: EVENT_SCHEMA_VERSION,
  time: '2026-01-01T00:00:00Z',
  ...extra,
});
const envelope = (detail: Record<string, unknown>, source = forwarderSource(String(detail.clusterId))): EventBridgeEvent<string, unknown> => ({
  version: '0',
  id: `e-${Math.random()}`,
  'detail-type': String(detail.type),
  source,
  account: '0',
  time: '2026-01-01T00:00:00Z',
  region: 'local',
  resources: [],
  detail,
});
const sqs = (events: EventBridgeEvent<string, unknown>[]): SQSEvent => ({
  Records: events.map((e, i) => ({ messageId: `m${i}`, body: JSON.stringify(e) }) as SQSEvent['Records'][number]),
});

/** The ingest handler over an in-memory log, with the Powertools telemetry Lambda uses; returns the EMF records it printed. */
function ingest() {
  const items: InMemoryItems = new Map();
  const log = new EventLog(new InMemoryEventStore(undefined, { items }));
  const telemetry = powertoolsTelemetry();
  const handler = makeHandler({
    log,
    registry: { lookup: async (id: string) => REGISTERED[id] },
    reconciles: { enqueue: async () => undefined },
    pending: { claim: async () => 'claim', release: async () => undefined, started: async () => undefined, waiting: async () => false },
    telemetry,
  } as never);
  const printed: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed.push(String(chunk));
    return true;
  });
  vi.spyOn(console, 'log').mockImplementation((...args) => void printed.push(args.join(' ')));
  const emf = () =>
    printed
      .flatMap((line) => line.split('\n'))
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, any>);
  return { handler, items, emf };
}

/** The EMF records carrying `metric`: its value, with its dimension set. */
const records = (emf: Record<string, any>[], metric: string) =>
  emf
    .filter((r) => r._aws.CloudWatchMetrics[0].Metrics.some((m: { Name: string }) => m.Name === metric))
    .map((r) => ({
      namespace: r._aws.CloudWatchMetrics[0].Namespace,
      dimensions: r._aws.CloudWatchMetrics[0].Dimensions,
      service: r.service,
      clusterId: r.ClusterId,
      value: r[metric],
    }));

afterEach(() => vi.restoreAllMocks());

describe('ingest of a forwarder heartbeat', () => {
  it('is routed by the ingest rule, like the observations', () => {
    expect(matchesPattern(INGEST_RULE_PATTERN, envelope(heartbeat('c1')))).toBe(true);
  });

  it('publishes ForwarderHeartbeat per ClusterId (two beats of one cluster in a batch sum) and appends nothing to the log', async () => {
    const { handler, items, emf } = ingest();
    const response = await handler(sqs([envelope(heartbeat('c1')), envelope(heartbeat('c2')), envelope(heartbeat('c1', { time: '2026-01-01T00:01:00Z' }))]));
    expect(response.batchItemFailures).toEqual([]);
    expect(items.size).toBe(0); // no stream, no commit
    const beats = records(emf(), FORWARDER_HEARTBEAT_METRIC);
    expect(beats).toEqual([
      { namespace: METRICS_NAMESPACE, dimensions: [['service', 'ClusterId']], service: SERVICE_NAME, clusterId: 'c1', value: 2 },
      { namespace: METRICS_NAMESPACE, dimensions: [['service', 'ClusterId']], service: SERVICE_NAME, clusterId: 'c2', value: 1 },
    ]);
    expect(records(emf(), 'IngestAccepted')).toEqual([]); // not counted as an observation either
  });

  it('rejects a heartbeat of an unregistered cluster, from another cluster’s forwarder, or without its time, with no beat counted', async () => {
    const { handler, emf } = ingest();
    await handler(sqs([envelope(heartbeat('c9')), envelope(heartbeat('c1'), forwarderSource('c2')), envelope(heartbeat('c1', { time: undefined }))]));
    expect(records(emf(), FORWARDER_HEARTBEAT_METRIC)).toEqual([]);
    const sum = (metric: string) => records(emf(), metric).reduce((n, r) => n + r.value, 0);
    expect(sum('IngestRejectedUnregisteredCluster')).toBe(1);
    expect(sum('IngestRejectedSource')).toBe(1);
    expect(sum('IngestRejectedInvalid')).toBe(1);
  });
});
