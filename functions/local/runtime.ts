// The embedded control plane (docs/DESIGN.md §5): the same handlers as on AWS, wired to dynalite, the
// in-process bus and queues, and a cluster — the simulator by default, or a real one through a
// kubeconfig. With a VirtualClock, time moves only when a driver calls runUntil, and only once
// every queue is idle, so a test or benchmark runs an hour-long rollout in seconds.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventLogTable } from '../adapters/event-store/table';
import { DynamoDbEventStore } from '../adapters/event-store/dynamodb';
import { EVENT_LOG_TABLE_NAME } from '../adapters/event-store/keys';
import type { EventStore } from '../adapters/event-store/port';
import { kubeConfigFor } from '../adapters/kubernetes/kubeconfig';
import { DEFAULT_BURST, DEFAULT_QPS } from '../adapters/kubernetes/rate-limiter';
import { SharedTokenBucket } from '../adapters/kubernetes/shared-token-bucket';
import { dynamoDbEndpointIn, kubeconfigIn } from '../cli/state-dir';
import type { PutEventsPort } from '../adapters/eventbridge/put-events-port';
import { PutEventsSink } from '../adapters/eventbridge/put-events-sink';
import { DynamoDbPendingReconciles } from '../adapters/sqs/pending-reconciles';
import { INGEST_RULE_PATTERN } from '../bus/patterns';
import { VirtualClock, systemClock, type Clock } from '../clock';
import { runForwarder, type RunningForwarder } from '../forwarder';
import { makeHandler as makeIngestHandler } from '../handlers/ingest';
import { makeHandler as makeReconcileHandler } from '../handlers/reconcile';
import { makeHandler as makeTimerHandler } from '../handlers/timer';
import { EventLog } from '../log/event-log';
import type { LoopDeps } from '../loop/deps';
import { localTelemetry, type Telemetry } from '../observability';
import { RegistryClusterConnections } from '../registry/cluster-connections';
import { DynamoDbClusterRegistry } from '../registry/cluster-registry';
import type { AwsMeter } from './aws-meter';
import { LocalBatchQueue } from './batch-queue';
import { LocalEventBus } from './bus';
import { countingConnections } from './counting-cluster-api';
import { LocalDelayQueue } from './delay-queue';
import { startLocalDynamoDb } from './dynalite-server';
import { LocalFifoQueue } from './fifo-queue';
import { startLocalCheckpoints } from './local-checkpoints';
import { delayEvent, fifoEvent, ingestEvent, localReconcileQueue, localTimerQueue } from './local-queues';
import { quiescent } from './quiescence';
import { Simulator, type SimulatorOptions } from './simulator/simulator';
import { WorkTracker } from './work-tracker';
import { startLocalFleet, type LocalFleet, type LocalFleetCluster } from './fleet';

export const LOCAL_EVENT_BUS = 'daemonloop';
export const LOCAL_CLUSTER_ID = 'local';
/** The ingest queue's event source, as in infra/settings.ts: large batches, few concurrent pollers. */
const INGEST_BATCH = { batchSize: 500, concurrency: 2 };

export type LocalCluster =
  | { simulator: Simulator } // started by the caller, who keeps it across runtime restarts
  | { kubeconfigPath: string } // a real cluster
  | { simulatorOptions?: SimulatorOptions; nodes?: number }; // a fresh simulator (the default)

export interface LocalRuntimeOptions {
  clock?: Clock;
  /** dynalite's folder; a restart with the same folder resumes from the log. Default: in memory. */
  dataDir?: string;
  /** Where the simulator's kubeconfig is written (for kubectl and the CLI). Default: a temporary folder. */
  stateDir?: string;
  cluster?: LocalCluster;
  clusterId?: string;
  telemetry?: Telemetry;
  snapshotEvery?: number;
  /** The client-side rate limit toward the cluster API (default: upstream's QPS 20, burst 30). */
  clusterQps?: number;
  clusterBurst?: number;
  /** Fault injection for tests: what the forwarder's PutEvents meets on its way to the bus (duplicates, reordering). */
  wrapPutEvents?: (port: PutEventsPort) => PutEventsPort;
  /** More simulated clusters beside the main one, each with its own simulator, forwarder and labels (`up --clusters`). */
  fleetClusters?: LocalFleetCluster[];
  /** Fault injection for tests: the handlers' dependencies (a log that dies midway, …). */
  wrapDeps?: (deps: LoopDeps) => LoopDeps;
  /** Counts the AWS operations the loop issues (DynamoDB units, PutEvents, SQS requests, invocations), for the bill. */
  meter?: AwsMeter;
}

export interface LocalRuntime {
  readonly clock: Clock;
  readonly clusterId: string;
  readonly kubeconfigPath: string;
  readonly simulator?: Simulator;
  /** The handlers' dependencies, for tests that call the loop directly beside the queues. */
  readonly deps: LoopDeps;
  /** The fleet loop, its store and the extra simulated clusters. */
  readonly fleet: LocalFleet;
  /** The event log's store, for readers of the whole log (the planner, audits). */
  readonly store: EventStore;
  /** Waits until nothing is in flight (the clock does not move). */
  settle(): Promise<void>;
  /**
   * Runs until `predicate` holds: on a VirtualClock by jumping to the next timer whenever all is
   * idle, on the system clock by polling. False when `withinMs` of clock time pass first.
   */
  runUntil(predicate: () => boolean | Promise<boolean>, withinMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const clock = options.clock ?? systemClock;
  const clusterId = options.clusterId ?? LOCAL_CLUSTER_ID;
  const telemetry: Telemetry = options.telemetry ?? localTelemetry('warn');
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'daemonloop-')));
  await mkdir(stateDir, { recursive: true });

  // The cluster: a simulator (ours or the caller's) or a real one.
  const cluster = options.cluster ?? {};
  let simulator: Simulator | undefined;
  let ownSimulator = false;
  let kubeconfigPath: string;
  if ('kubeconfigPath' in cluster) kubeconfigPath = cluster.kubeconfigPath;
  else {
    if ('simulator' in cluster) simulator = cluster.simulator;
    else {
      simulator = new Simulator({ clock, ...cluster.simulatorOptions });
      await simulator.start();
      ownSimulator = true;
      for (let i = 1; i <= (cluster.nodes ?? 0); i++) simulator.addNode(`node-${i}`);
    }
    kubeconfigPath = kubeconfigIn(stateDir);
    await simulator.writeKubeconfig(kubeconfigPath);
  }

  // AWS, in-process: DynamoDB (dynalite), the bus, the FIFO and delay queues.
  const dynamodb = await startLocalDynamoDb(options.dataDir);
  await createEventLogTable(dynamodb.client, EVENT_LOG_TABLE_NAME);
  const meter = options.meter;
  meter?.meterDynamoDb(dynamodb.client, dynamodb.endpoint);
  await writeFile(dynamoDbEndpointIn(stateDir), dynamodb.endpoint); // how `daemonloop history` reads the log while this runs
  const work = new WorkTracker();
  const bus = new LocalEventBus(LOCAL_EVENT_BUS, clock, work);
  const reconcileQueue = new LocalFifoQueue(clock, work);
  const timerQueue = new LocalDelayQueue(clock, work);
  const ingestQueue = new LocalBatchQueue(clock, work, INGEST_BATCH);

  const registry = new DynamoDbClusterRegistry(dynamodb.client, EVENT_LOG_TABLE_NAME, clock);
  await registry.register({
    clusterId,
    endpoint: kubeConfigFor({ kubeconfigPath }).getCurrentCluster()?.server ?? '',
    credentials: { kind: 'kubeconfig', path: kubeconfigPath },
    labels: {},
    registeredAt: clock.now().toISOString(),
  });
  const store = new DynamoDbEventStore(dynamodb.client, EVENT_LOG_TABLE_NAME, clock);
  const limiterClock = work.sleepsUntracked(clock);
  const rate = { qps: options.clusterQps ?? DEFAULT_QPS, burst: options.clusterBurst ?? DEFAULT_BURST }; // as aws-deps.ts: one budget per cluster
  const deps: LoopDeps = (options.wrapDeps ?? ((d) => d))({
    log: new EventLog(store, { snapshotEvery: options.snapshotEvery }),
    registry,
    reconciles: meter ? meter.reconcileQueue(localReconcileQueue(reconcileQueue)) : localReconcileQueue(reconcileQueue),
    pending: new DynamoDbPendingReconciles(dynamodb.client, EVENT_LOG_TABLE_NAME, clock),
    timers: meter ? meter.timerQueue(localTimerQueue(timerQueue, clock)) : localTimerQueue(timerQueue, clock),
    clusters: countingConnections(
      new RegistryClusterConnections(registry, {
        clock: limiterClock,
        telemetry,
        limiter: (id) => new SharedTokenBucket(dynamodb.client, EVENT_LOG_TABLE_NAME, id, limiterClock, rate),
      }),
      telemetry,
    ),
    clock,
    telemetry,
  });

  const fleet = await startLocalFleet({ dynamodb: dynamodb.client, registry, deps, clock, work, telemetry, stateDir, clusters: options.fleetClusters ?? [] });
  deps.fleetBudget = fleet.budget; // fleet members decide within their fleet's node budget
  deps.fleets = fleet.requests; // a fleet member's DaemonSet changed: its fleet looks again

  // The in-process queues start empty: marks of requests a previous run's queue held are void.
  for (const key of await deps.log.daemonSetsOfCluster(clusterId)) await deps.pending.release(key);

  // The same handlers as in Lambda, each behind its trigger.
  const ingest = makeIngestHandler(deps);
  const reconcile = makeReconcileHandler(deps);
  const timer = makeTimerHandler(deps);
  // The rule's target is the ingest queue; the ingest function drains it in batches.
  const metered = <T>(fn: 'ingest' | 'reconcile' | 'timer', bodies: string[], run: () => Promise<T>) =>
    meter ? meter.invocation(fn, fn === 'reconcile' ? 'fifo' : 'standard', bodies, run) : run();
  bus.addRule('ingest', INGEST_RULE_PATTERN, async (event) => {
    const body = JSON.stringify(event);
    meter?.sqsSend('standard', body);
    ingestQueue.send(body);
  });
  ingestQueue.consume(async (batch) =>
    (
      await metered(
        'ingest',
        batch.map((m) => m.body),
        () => ingest(ingestEvent(batch)),
      )
    ).batchItemFailures.map((f) => f.itemIdentifier),
  );
  reconcileQueue.consume(async (batch) =>
    (
      await metered(
        'reconcile',
        batch.map((m) => m.body),
        () => reconcile(fifoEvent(batch)),
      )
    ).batchItemFailures.map((f) => f.itemIdentifier),
  );
  timerQueue.consume(async (body) => {
    const { batchItemFailures } = await metered('timer', [body], () => timer(delayEvent(body, clock.now())));
    if (batchItemFailures.length > 0) throw new Error('the timer handler failed; the message is retried');
  });

  // The watch forwarder, sending to the in-process bus through the same PutEvents sink as on AWS.
  const toBus: PutEventsPort = {
    putEvents: (entries) => {
      meter?.putEvents(entries);
      return work.track(() => bus.putEvents(entries));
    },
  };
  const sink = new PutEventsSink((options.wrapPutEvents ?? ((p) => p))(toBus), { eventBus: LOCAL_EVENT_BUS, clock });
  const forwarder: RunningForwarder = await runForwarder({ clusterId, kubeconfigPath, eventBus: LOCAL_EVENT_BUS, sink, clock, telemetry });
  await fleet.forward((c) => runForwarder({ ...c, eventBus: LOCAL_EVENT_BUS, sink, clock, telemetry }));
  // A log kept on disk is checkpointed beside it, for `daemonloop log verify`.
  const checkpoints = options.dataDir
    ? await startLocalCheckpoints({ client: dynamodb.client, table: EVENT_LOG_TABLE_NAME, stateDir, clock, telemetry })
    : undefined;

  const clusterVersion = () => [simulator?.resourceVersion, ...fleet.simulators().map((s) => s.resourceVersion)].join(',');
  const settle = () => quiescent(work, clusterVersion);
  return {
    clock,
    clusterId,
    kubeconfigPath,
    simulator,
    deps,
    fleet,
    store,
    settle,
    async runUntil(predicate, withinMs = 3_600_000) {
      const deadline = clock.now().getTime() + withinMs;
      for (;;) {
        await settle();
        if (await predicate()) return true;
        if (clock instanceof VirtualClock) {
          const next = clock.nextDue();
          if (!next || next.getTime() > deadline) return false;
          clock.advanceToNext();
        } else {
          if (clock.now().getTime() > deadline) return false;
          await clock.sleep(20);
        }
      }
    },
    async stop() {
      await forwarder.stop();
      await fleet.stopForwarders();
      await settle();
      fleet.close();
      bus.close();
      ingestQueue.close();
      reconcileQueue.close();
      timerQueue.close();
      await checkpoints?.stop();
      await rm(dynamoDbEndpointIn(stateDir), { force: true });
      await dynamodb.close();
      if (ownSimulator) await simulator!.close();
      await fleet.closeSimulators();
    },
  };
}
