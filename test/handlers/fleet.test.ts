// The fleet Lambda handler end to end on dynalite (the real table, fleet store, registry and
// event log): a fleet commit on the table's stream asks for a fleet reconcile; the fleet FIFO
// batch runs one fleet pass per fleet, records the decision with what it read, writes the started
// member's DaemonSet and schedules the soak's end on the timer queue; the timer handler hands a
// due fleet wake-up back to the fleet FIFO; the next pass starts the next stage. Bad messages fail
// alone, by name. Cluster writes are recorded by a fake (KubernetesFleetDaemonSets is exercised
// against the simulator in test/e2e/fleet.test.ts).
import type { V1DaemonSet } from '@kubernetes/client-node';
import type { DynamoDBStreamEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as E from '../../domain/events';
import type { FleetDecided, FleetEvent } from '../../domain/fleet/events';
import { replayFleet } from '../../domain/fleet/replay';
import { FLEET_NAME_ANNOTATION, FLEET_REVISION_ANNOTATION } from '../../domain/fleet/types';
import { DynamoDbEventStore } from '../../functions/adapters/event-store/dynamodb';
import { createEventLogTable } from '../../functions/adapters/event-store/table';
import { DynamoDbFleetStore } from '../../functions/adapters/fleet-store/dynamodb';
import { fleetStreamId } from '../../functions/adapters/fleet-store/port';
import { fleetRequestBody, fleetTimerBody } from '../../functions/adapters/sqs/fleet-messages';
import { timerMessageBody } from '../../functions/adapters/sqs/messages';
import { VirtualClock } from '../../functions/clock';
import { observeFromLog } from '../../functions/fleet/observe';
import { applyFleet } from '../../functions/fleet/operations';
import { type FleetHandlerDeps, makeHandler as fleetHandler } from '../../functions/handlers/fleet';
import { makeHandler as timerHandler } from '../../functions/handlers/timer';
import { EventLog } from '../../functions/log/event-log';
import { localTelemetry } from '../../functions/observability';
import { DynamoDbClusterRegistry } from '../../functions/registry/cluster-registry';
import { aFleet, template } from '../domain/fleet/builders';
import { startDynalite, type DynamoDbServer } from '../support/dynalite';

const TABLE = 'fleet-handler';
const SOAK = 60;
let dynalite: DynamoDbServer;
const clock = new VirtualClock(new Date('2026-03-01T00:00:00Z'));
const requests: [string, string | undefined][] = [];
const wakeUps: { fleet: string; dueAt: Date; reason: string }[] = [];
const writes: { clusterId: string; ds: V1DaemonSet }[] = [];
let deps: FleetHandlerDeps;
let log: EventLog;

beforeAll(async () => {
  dynalite = await startDynalite();
  await createEventLogTable(dynalite.client, TABLE);
  const registry = new DynamoDbClusterRegistry(dynalite.client, TABLE, clock);
  for (const [clusterId, env] of [
    ['dev-1', 'dev'],
    ['prod-1', 'prod'],
  ] as const) {
    await registry.register({
      clusterId,
      endpoint: 'https://x',
      credentials: { kind: 'kubeconfig', path: 'x' },
      labels: { env },
      registeredAt: clock.now().toISOString(),
    });
  }
  log = new EventLog(new DynamoDbEventStore(dynalite.client, TABLE, clock), { snapshotEvery: Number.MAX_SAFE_INTEGER });
  deps = {
    store: new DynamoDbFleetStore(dynalite.client, TABLE, clock),
    registry,
    observe: observeFromLog(log),
    daemonSets: {
      apply: async (clusterId, ds) => {
        writes.push({ clusterId, ds });
        return { outcome: 'succeeded' };
      },
      remove: async () => ({ outcome: 'succeeded' }),
    },
    timers: { schedule: async (fleet, dueAt, reason) => void wakeUps.push({ fleet, dueAt, reason }) },
    fleets: { request: async (fleet, dedupId) => void requests.push([fleet, dedupId]) },
    clock,
    telemetry: localTelemetry('silent'),
  };
  const stages = [
    { name: 'dev', clusterSelector: { matchLabels: { env: 'dev' } }, minSuccessSeconds: SOAK },
    { name: 'prod', clusterSelector: { matchLabels: { env: 'prod' } } },
  ];
  await applyFleet(deps.store, aFleet({ rollout: { stages } }, 'agents'), clock.now());
});
afterAll(() => dynalite?.close());

let seq = 0;
const sqsRecord = (body: string, group: string): SQSRecord =>
  ({
    messageId: `m-${++seq}`,
    body,
    receiptHandle: 'r',
    attributes: { MessageGroupId: group, ApproximateReceiveCount: '1' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:1:fleet.fifo',
    awsRegion: 'us-east-1',
  }) as unknown as SQSRecord;
const fleetBatch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const insert = (streamId: string, commit: number, eventName: 'INSERT' | 'MODIFY' = 'INSERT') =>
  ({
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: { Keys: { streamId: { S: streamId }, commit: { N: String(commit) } } },
  }) as DynamoDBStreamEvent['Records'][number];
const fleetEvents = async () => (await deps.store.read<FleetEvent>(fleetStreamId('agents'))).flatMap((c) => c.events);

/** The member's DaemonSet as its forwarder would report it: the fleet's revision, fully rolled out. */
async function observeRolledOut(clusterId: string, revision: number) {
  const written = writes.find((w) => w.clusterId === clusterId)!.ds;
  const ds: V1DaemonSet = {
    ...written,
    metadata: {
      ...written.metadata,
      uid: `uid-${clusterId}`,
      resourceVersion: '5',
      generation: 1,
      annotations: { [FLEET_NAME_ANNOTATION]: 'agents', [FLEET_REVISION_ANNOTATION]: String(revision) },
    },
    status: {
      currentNumberScheduled: 3,
      desiredNumberScheduled: 3,
      numberMisscheduled: 0,
      numberReady: 3,
      updatedNumberScheduled: 3,
      numberAvailable: 3,
      observedGeneration: 1,
    },
  };
  await log.appendObservations([
    { type: E.DAEMONSET_OBSERVED, clusterId, schemaVersion: E.EVENT_SCHEMA_VERSION, time: clock.now().toISOString(), daemonSet: ds },
  ]);
}

describe('the fleet handler', () => {
  it('asks for a fleet reconcile for each new commit of a fleet stream on the table stream, not for ledgers, DaemonSets or rewrites', async () => {
    const handler = fleetHandler(deps);
    await handler({
      Records: [
        insert('fleet/agents', 1),
        insert('fleet/agents', 2),
        insert('fleet/agents/budget', 4),
        insert('c1/daemonsets/default/x', 3),
        insert('fleet/other', 1, 'MODIFY'),
      ],
    });
    expect(requests).toEqual([['agents', 'commit-2']]); // the newest commit serves the batch
  });

  it('runs one pass per fleet in a FIFO batch: records the decision with what it read, writes the first stage, fails a bad message alone', async () => {
    const response = await fleetHandler(deps)(
      fleetBatch(
        sqsRecord(fleetRequestBody('agents'), 'fleet/agents'),
        sqsRecord(fleetRequestBody('agents'), 'fleet/agents'),
        sqsRecord('{"fleet":"Not A Name"}', 'fleet/x'),
      ),
    );
    expect(response!.batchItemFailures).toEqual([{ itemIdentifier: `m-${seq}` }]);
    expect(writes.map((w) => [w.clusterId, w.ds.metadata?.annotations?.[FLEET_REVISION_ANNOTATION]])).toEqual([['dev-1', '1']]);
    expect(writes[0]!.ds.spec).toEqual(template());
    const events = await fleetEvents();
    expect(events.map((e) => e.type)).toEqual(['FleetApplied', 'FleetRunStarted', 'FleetClusterStarted', 'FleetDecided', 'FleetClusterWritten']);
    expect((events[3] as FleetDecided).clusters?.map((c) => c.clusterId)).toEqual(['dev-1', 'prod-1']);
  });

  it('reads the member from the log, soaks, and wakes at the soak’s end through the timer queue to start the next stage', async () => {
    clock.advance(30_000);
    await observeRolledOut('dev-1', 1);
    await fleetHandler(deps)(fleetBatch(sqsRecord(fleetRequestBody('agents'), 'fleet/agents')));
    const decided = (await fleetEvents()).filter((e): e is FleetDecided => e.type === 'FleetDecided').at(-1)!;
    expect(decided.observed['dev-1']).toMatchObject({ revision: 1, desired: 3, available: 3, at: 1 }); // the DaemonSet-stream commit it read
    expect(writes).toHaveLength(1); // prod waits for the soak
    const soakEnd = wakeUps.at(-1)!;
    expect(soakEnd.dueAt.getTime() - clock.now().getTime()).toBe(SOAK * 1000);

    // The timer handler: a fleet wake-up not yet due goes back on the timer queue; a due one goes to the fleet FIFO.
    const timerDeps = {
      log,
      clock,
      reconciles: { enqueue: async () => {} },
      timers: { schedule: async () => {} },
      pending: undefined as never,
      telemetry: deps.telemetry,
      fleets: deps.fleets,
      fleetTimers: deps.timers,
    };
    const timers = timerHandler(timerDeps);
    const body = fleetTimerBody(soakEnd);
    const before = wakeUps.length;
    await timers({ Records: [sqsRecord(body, '')] });
    expect(wakeUps.length).toBe(before + 1);
    clock.advance(SOAK * 1000);
    requests.length = 0;
    const response = await timers({ Records: [sqsRecord(body, ''), sqsRecord('{"fleet":"agents"}', '')] });
    expect(requests).toEqual([['agents', `timer@${soakEnd.dueAt.getTime()}`]]);
    expect(response.batchItemFailures).toHaveLength(1); // a fleet timer without its due time fails by field, alone

    await fleetHandler(deps)(fleetBatch(sqsRecord(fleetRequestBody('agents'), 'fleet/agents')));
    expect(writes.map((w) => w.clusterId)).toEqual(['dev-1', 'prod-1']);
  });

  it('leaves a DaemonSet wake-up on the timer queue to the DaemonSet path', async () => {
    const recorded: string[] = [];
    const timers = timerHandler({
      log: { appendOutcomes: async () => void recorded.push('fired') },
      clock,
      reconciles: { enqueue: async () => void recorded.push('enqueued') },
      timers: { schedule: async () => {} },
      pending: { claim: async () => 'c', release: async () => {}, started: async () => {}, waiting: async () => false },
      telemetry: deps.telemetry,
    });
    await timers({
      Records: [sqsRecord(timerMessageBody({ key: { clusterId: 'c1', namespace: 'default', name: 'x' }, dueAt: clock.now(), reason: 'r' }), '')],
    });
    expect(recorded).toContain('fired');
  });

  it('leaves a log that fleet history --verify replays exactly', async () => {
    const report = replayFleet(await deps.store.read<FleetEvent>(fleetStreamId('agents')));
    expect(report.decisions).toBeGreaterThanOrEqual(3);
    expect(report.mismatches).toEqual([]);
  });
});
