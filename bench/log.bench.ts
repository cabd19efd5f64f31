// The event log: append throughput on dynalite, the stored size and write units of an event, and
// rebuild time for a 5,000-node cluster after 10 thousand and 1 million events.
//
// The long histories are appended commit by commit to the in-memory store (same encoding and item
// size checks as DynamoDB), 10 observations per commit. Folding a million events through the log
// to produce its periodic snapshots would dominate the run, so each stream's newest snapshot is
// written in bulk from an in-process fold of the same events, SNAPSHOT_EVERY / 2 commits before the
// end: a rebuild caught halfway between two snapshots, in both histories.
//
// The hash chain's cost: appends and rebuilds run with the chain on (the shipped store) and, in the
// same run, alternating, on an unchained store (`hashChain: false`, which exists for this
// comparison only) — same items minus `previous`/`hash`, same events bytes. `*.chain_cost` is
// chained time over unchained time: 1.00 means free.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { emptyClusterState, toSnapshot, type ClusterState } from '../domain/cluster-state';
import * as E from '../domain/events';
import { evolve } from '../domain/evolve';
import { daemonSetStreamId, nodesStreamId, podsStreamId, type DaemonSetKey } from '../domain/streams';
import { commitItem } from '../functions/adapters/event-store/commit-item';
import { DynamoDbEventStore } from '../functions/adapters/event-store/dynamodb';
import { InMemoryEventStore, type InMemoryItems } from '../functions/adapters/event-store/in-memory';
import { EVENT_LOG_HASH_ATTRIBUTE, EVENT_LOG_PREVIOUS_HASH_ATTRIBUTE } from '../functions/adapters/event-store/keys';
import { itemSize, writeUnits } from '../functions/adapters/event-store/item-size';
import type { EventStore } from '../functions/adapters/event-store/port';
import { createEventLogTable } from '../functions/adapters/event-store/table';
import { EventLog } from '../functions/log/event-log';
import { startDynalite } from '../test/support/dynalite';
import { median, medianMs, type BenchSuite, type Emit } from './emit';

const CLUSTER = 'prod-eu-1';
const NAMESPACE = 'monitoring';
const KEY: DaemonSetKey = { clusterId: CLUSTER, namespace: NAMESPACE, name: 'node-exporter' };
const DS_UID = '6f1c2b9e-3a41-4d8e-9a57-0c1f2e3d4b5a';
const NODES = 5_000;
const SNAPSHOT_EVERY = 100;
const EVENTS_PER_COMMIT = 10;
const T0 = Date.UTC(2026, 0, 1);

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // as in vitest.config.ts

// ── realistic observations (EKS-like node labels, a DaemonSet pod with its Ready condition) ──
const nodeName = (i: number) => `ip-10-${(i >> 16) & 255}-${(i >> 8) & 255}-${i & 255}.eu-west-1.compute.internal`;
const uid = (kind: string, i: number) => `${kind}-0000-4000-8000-${String(i).padStart(12, '0')}`;
const base = (rv: number) => ({ clusterId: CLUSTER, schemaVersion: E.EVENT_SCHEMA_VERSION, time: new Date(T0 + rv * 10).toISOString() });

function node(i: number, rv: number): V1Node {
  return {
    metadata: {
      name: nodeName(i),
      uid: uid('node', i),
      resourceVersion: String(rv),
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'eks.amazonaws.com/capacityType': 'ON_DEMAND',
        'eks.amazonaws.com/nodegroup': `general-${i % 4}`,
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': nodeName(i),
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'm6i.xlarge',
        'topology.kubernetes.io/region': 'eu-west-1',
        'topology.kubernetes.io/zone': `eu-west-1${'abc'[i % 3]}`,
        'example.com/rollout-wave': String(rv % 5),
      },
    },
    spec: i % 10 === 0 ? { taints: [{ key: 'dedicated', value: 'ingress', effect: 'NoSchedule' }] } : {},
  };
}

function pod(i: number, rv: number): V1Pod {
  const name = `node-exporter-${((i * 2654435761) % 2 ** 32).toString(36)}`;
  return {
    metadata: {
      name,
      namespace: NAMESPACE,
      uid: uid('pod', i),
      resourceVersion: String(rv),
      labels: { app: 'node-exporter', 'controller-revision-hash': '5d8f7b9c6', 'pod-template-generation': '3' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'node-exporter', uid: DS_UID, controller: true, blockOwnerDeletion: true }],
      creationTimestamp: new Date(T0),
    },
    spec: {
      containers: [],
      nodeName: nodeName(i),
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName(i)] }] }],
          },
        },
      },
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: rv % 2 ? 'True' : 'False', lastTransitionTime: new Date(T0 + rv * 10) }] },
  };
}

const daemonSet: V1DaemonSet = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: KEY.name, namespace: NAMESPACE, uid: DS_UID, resourceVersion: '1', generation: 3 },
  spec: {
    selector: { matchLabels: { app: 'node-exporter' } },
    template: {
      metadata: { labels: { app: 'node-exporter' } },
      spec: { containers: [{ name: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1.8.2' }] },
    },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
  },
};

const nodeObserved = (i: number, rv: number): E.NodeObserved => ({ ...base(rv), type: E.NODE_OBSERVED, node: node(i, rv) });
const podObserved = (i: number, rv: number): E.PodObserved => ({ ...base(rv), type: E.POD_OBSERVED, pod: pod(i, rv) });

// ── append throughput on dynalite ────────────────────────────────────────────
async function appendThroughput(emit: Emit): Promise<void> {
  const server = await startDynalite();
  // The tests' client makes one attempt; on a loaded machine a reused keep-alive socket the server
  // just closed (ECONNRESET) would end the run, so the benchmark's client retries.
  const client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  try {
    await createEventLogTable(client, 'bench-log');
    await createEventLogTable(client, 'bench-log-unchained');
    const chained = new DynamoDbEventStore(client, 'bench-log');
    const unchained = new DynamoDbEventStore(client, 'bench-log-unchained', undefined, { hashChain: false });
    let rv = 1_000_000;
    const oneStream = async (store: EventStore) => {
      const log = new EventLog(store);
      const start = performance.now();
      for (let i = 0; i < 300; i++) await log.appendObservations([nodeObserved(i, ++rv)]);
      return 300 / ((performance.now() - start) / 1000);
    };
    const hundredStreams = async (store: EventStore) => {
      const log = new EventLog(store);
      const start = performance.now();
      await Promise.all(
        Array.from({ length: 100 }, async (_, s) => {
          for (let i = 0; i < 10; i++) {
            const event = podObserved(s * 10 + i, ++rv);
            event.pod.metadata!.namespace = `team-${s}`;
            await log.appendObservations([event]);
          }
        }),
      );
      return 1000 / ((performance.now() - start) / 1000);
    };
    // Warm-up: first commits of every stream, JIT, and the connections 100 concurrent appends open
    // (a first, cold 100-stream run took twice as long as the next, whichever store it used).
    for (const store of [chained, unchained]) {
      await oneStream(store);
      await hundredStreams(store);
    }
    const rates = { one: [] as number[], oneUnchained: [] as number[], hundred: [] as number[], hundredUnchained: [] as number[] };
    for (let run = 0; run < 6; run++) {
      // Which store goes first alternates: the second of a pair would always find the connections
      // the first opened (and the heap it left) warm.
      const pairs: [() => Promise<number>, number[]][][] = [
        [
          [() => oneStream(chained), rates.one],
          [() => oneStream(unchained), rates.oneUnchained],
        ],
        [
          [() => hundredStreams(chained), rates.hundred],
          [() => hundredStreams(unchained), rates.hundredUnchained],
        ],
      ];
      for (const pair of pairs) for (const [measure, into] of run % 2 === 0 ? pair : pair.reverse()) into.push(await measure());
    }
    emit('log.append.1_stream.events_per_s', median(rates.one), 'events/s');
    emit('log.append.1_stream.unchained.events_per_s', median(rates.oneUnchained), 'events/s');
    emit('log.append.1_stream.chain_cost', median(rates.oneUnchained) / median(rates.one), 'ratio');
    emit('log.append.100_streams.events_per_s', median(rates.hundred), 'events/s');
    emit('log.append.100_streams.unchained.events_per_s', median(rates.hundredUnchained), 'events/s');
    emit('log.append.100_streams.chain_cost', median(rates.hundredUnchained) / median(rates.hundred), 'ratio');
  } finally {
    client.destroy();
    await server.close();
  }
}

// ── stored size and write units ──────────────────────────────────────────────
function itemCosts(emit: Emit): void {
  const mix: E.Observation[] = [];
  for (let i = 0; i < 1000; i++) mix.push(nodeObserved(i, 123_456_789 + i), podObserved(i, 123_457_789 + i));
  const streamOf = (e: E.Observation) => (e.type === E.NODE_OBSERVED ? nodesStreamId(CLUSTER) : podsStreamId(CLUSTER, NAMESPACE));
  const single = mix.map((e, n) => itemSize(commitItem(streamOf(e), 100_000 + n, new Date(T0).toISOString(), [e])));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  emit('log.bytes_per_event', mean(single), 'bytes');
  emit('log.wcu_per_event', mean(single.map(writeUnits)), 'WCU');
  const batches: number[] = [];
  for (let i = 0; i < mix.length; i += 2 * EVENTS_PER_COMMIT) {
    for (const type of [E.NODE_OBSERVED, E.POD_OBSERVED]) {
      const batch = mix.slice(i, i + 2 * EVENTS_PER_COMMIT).filter((e) => e.type === type);
      batches.push(writeUnits(itemSize(commitItem(streamOf(batch[0]!), 100_000 + i, new Date(T0).toISOString(), batch))) / batch.length);
    }
  }
  emit('log.wcu_per_event.commits_of_10', mean(batches), 'WCU');
}

// ── rebuild after a short and a long history ─────────────────────────────────
interface History {
  store: EventStore;
  unchained: EventStore; // the same items without the chain's attributes
  expected: Map<string, string>; // uid → resourceVersion of every node and pod, from the in-process fold
}

/** `total` events: the DaemonSet, the initial list of 5,000 nodes and their pods, then updates. */
async function history(total: number): Promise<History> {
  const items: InMemoryItems = new Map();
  const store = new InMemoryEventStore(undefined, { items });
  await store.append(daemonSetStreamId(KEY), 0, [{ ...base(1), type: E.DAEMONSET_OBSERVED, daemonSet }]);
  const churn = total - 2 * NODES;
  const perStream = { nodes: NODES + Math.ceil(churn / 2), pods: NODES + Math.floor(churn / 2) };
  const streams = [
    { id: nodesStreamId(CLUSTER), events: perStream.nodes, make: nodeObserved },
    { id: podsStreamId(CLUSTER, NAMESPACE), events: perStream.pods, make: podObserved },
  ];
  const expected = new Map<string, string>();
  let rv = 10;
  for (const stream of streams) {
    const commits = Math.ceil(stream.events / EVENTS_PER_COMMIT);
    const snapshotAt = commits - SNAPSHOT_EVERY / 2;
    const state: ClusterState = emptyClusterState();
    for (let commit = 1, written = 0; commit <= commits; commit++) {
      const events: E.Observation[] = [];
      for (; events.length < EVENTS_PER_COMMIT && written < stream.events; written++) events.push(stream.make(written % NODES, ++rv));
      await store.append(stream.id, commit - 1, events);
      for (const event of events) evolve(state, event);
      if (commit === snapshotAt) await store.saveSnapshot(stream.id, { commit, state: toSnapshot(state) });
    }
    for (const [id, o] of [...Object.entries(state.nodes), ...Object.entries(state.pods)]) expected.set(id, o.metadata!.resourceVersion!);
  }
  const bare: InMemoryItems = new Map(
    [...items].map(([stream, commits]) => [
      stream,
      commits.map((item) => {
        const { [EVENT_LOG_PREVIOUS_HASH_ATTRIBUTE]: _previous, [EVENT_LOG_HASH_ATTRIBUTE]: _hash, ...rest } = item!;
        return rest;
      }),
    ]),
  );
  const unchained = new InMemoryEventStore(undefined, { items: bare, hashChain: false });
  for (const stream of streams) await unchained.saveSnapshot(stream.id, (await store.loadSnapshot(stream.id))!);
  return { store, unchained, expected };
}

const rebuildNow = new Date(T0 + 86_400_000);
const coldRebuild = (h: History, store = h.store) => new EventLog(store, { snapshotEvery: SNAPSHOT_EVERY }).rebuild(KEY, rebuildNow); // a new process each time

/** The rebuilt state must be the fold of the whole history: a fast wrong rebuild measures nothing. */
async function verify(h: History, store: EventStore): Promise<void> {
  const rebuilt = await coldRebuild(h, store);
  const seen = [...Object.values(rebuilt.state.nodes), ...Object.values(rebuilt.state.pods)];
  const wrong = seen.filter((o) => h.expected.get(o.metadata!.uid!) !== o.metadata!.resourceVersion).length;
  if (seen.length !== h.expected.size || wrong > 0 || rebuilt.input?.nodes.length !== NODES || rebuilt.input.pods.length !== NODES) {
    throw new Error(`rebuild disagrees with the fold of the whole history (${seen.length}/${h.expected.size} objects, ${wrong} stale)`);
  }
}

async function rebuildScaling(emit: Emit): Promise<void> {
  const short = await history(10_000);
  const long = await history(1_000_000);
  for (const h of [short, long]) for (const store of [h.store, h.unchained]) await verify(h, store);
  // Alternating runs, so the machine's noise falls on all alike.
  const times = { short: [] as number[], long: [] as number[], shortUnchained: [] as number[], longUnchained: [] as number[] };
  for (let run = 0; run < 10; run++) {
    const pairs: [() => Promise<unknown>, number[]][][] = [
      [
        [() => coldRebuild(short), times.short],
        [() => coldRebuild(short, short.unchained), times.shortUnchained],
      ],
      [
        [() => coldRebuild(long), times.long],
        [() => coldRebuild(long, long.unchained), times.longUnchained],
      ],
    ];
    for (const pair of pairs) for (const [rebuild, into] of run % 2 === 0 ? pair : pair.reverse()) into.push(await medianMs(rebuild, 1));
  }
  emit('rebuild.5000.10k.ms', median(times.short), 'ms');
  emit('rebuild.5000.1m.ms', median(times.long), 'ms');
  emit('rebuild.ratio.1m_over_10k', median(times.long) / median(times.short), 'ratio');
  emit('rebuild.5000.10k.unchained.ms', median(times.shortUnchained), 'ms');
  emit('rebuild.5000.1m.unchained.ms', median(times.longUnchained), 'ms');
  emit('rebuild.5000.10k.chain_cost', median(times.short) / median(times.shortUnchained), 'ratio');
  emit('rebuild.5000.1m.chain_cost', median(times.long) / median(times.longUnchained), 'ratio');
}

const suite: BenchSuite = {
  name: 'log',
  async run(emit) {
    await appendThroughput(emit);
    itemCosts(emit);
    await rebuildScaling(emit);
  },
};
export default suite;
