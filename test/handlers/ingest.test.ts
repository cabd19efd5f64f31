// Ingest validates each forwarded observation, refuses unregistered clusters, appends, and asks
// for a reconcile of every DaemonSet the observation can affect — never crashing on bad input.
import { describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from 'aws-lambda';
import { InMemoryEventStore } from '../../functions/adapters/event-store/in-memory';
import { forwarderSource } from '../../functions/bus/patterns';
import { ingestBatch } from '../../functions/loop/ingest-batch';
import { EventLog } from '../../functions/log/event-log';
import type { IngestDeps } from '../../functions/loop/deps';
import { localTelemetry } from '../../functions/observability';
import { daemonSetStreamId, type DaemonSetKey } from '../../domain/streams';
import * as E from '../../domain/events';
import type { Observation } from '../../domain/events';
import type { ClusterRecord } from '../../functions/registry/cluster-record';
import { CLUSTER, aDaemonSet, daemonSetObserved, nodeObserved, podDeleted, podObserved } from '../log/fixtures';

const envelope = (detail: unknown, detailType = (detail as Observation).type, source = forwarderSource(CLUSTER)): EventBridgeEvent<string, unknown> => ({
  version: '0',
  id: 'e-1',
  'detail-type': detailType,
  source,
  account: '0',
  time: '2026-01-01T00:00:00Z',
  region: 'local',
  resources: [],
  detail,
});

/** c1 (a kubeconfig cluster: its forwarder's source names its id) and an EKS cluster (the source names the EKS cluster). */
const REGISTERED: Record<string, ClusterRecord> = {
  [CLUSTER]: { clusterId: CLUSTER, endpoint: 'x', credentials: { kind: 'kubeconfig', path: 'x' }, labels: {}, registeredAt: '' },
  'prod-eu': { clusterId: 'prod-eu', credentials: { kind: 'eks', clusterName: 'Prod_EU', roleArn: 'arn:aws:iam::1:role/x' }, labels: {}, registeredAt: '' },
};

async function setup() {
  const store = new InMemoryEventStore();
  const log = new EventLog(store);
  const enqueued: string[] = [];
  const telemetry = localTelemetry('silent');
  const waiting = pendingInMemory();
  const deps: IngestDeps = {
    log,
    registry: { lookup: async (id) => REGISTERED[id] },
    reconciles: { enqueue: async (key: DaemonSetKey, dedupId: string) => void enqueued.push(`${daemonSetStreamId(key)}#${dedupId}`) },
    pending: waiting,
    telemetry,
  };
  const ingest = async (event: EventBridgeEvent<string, unknown>) => (await ingestBatch([event], deps))[0]!;
  // Two DaemonSets in `default`, one in `kube-system`.
  for (const [name, ns, uid] of [
    ['agent', 'default', 'u1'],
    ['other', 'default', 'u2'],
    ['logs', 'kube-system', 'u3'],
  ] as const) {
    await ingest(envelope(daemonSetObserved(aDaemonSet(name, '1', uid, ns))));
  }
  enqueued.length = 0;
  waiting.startAll();
  return { store, ingest, enqueued, telemetry, waiting, deps };
}

/** PendingReconciles in memory: a set of DaemonSets with a request waiting. */
function pendingInMemory() {
  const marks = new Set<string>();
  let claims = 0;
  return {
    claim: async (key: DaemonSetKey) => {
      if (marks.has(daemonSetStreamId(key))) return undefined;
      marks.add(daemonSetStreamId(key));
      return `claim-${++claims}`;
    },
    release: async (key: DaemonSetKey) => void marks.delete(daemonSetStreamId(key)),
    started: async (key: DaemonSetKey) => void marks.delete(daemonSetStreamId(key)),
    waiting: async (key: DaemonSetKey) => marks.has(daemonSetStreamId(key)),
    startAll: () => marks.clear(),
  };
}

const streamsOf = (enqueued: string[]) => enqueued.map((e) => e.split('#')[0]).sort();

describe('ingest', () => {
  it('asks a fleet to look again once per batch when a member DaemonSet changed, and never for a rejected event', async () => {
    const { deps } = await setup();
    const requested: string[] = [];
    const fleetDeps = { ...deps, fleets: { request: async (fleet: string) => void requested.push(fleet) } };
    const member = (name: string, rv: string, uid: string) => {
      const ds = aDaemonSet(name, rv, uid);
      return daemonSetObserved({ ...ds, metadata: { ...ds.metadata, annotations: { 'daemonloop.dev/fleet': 'edge' } } });
    };
    const outcomes = await ingestBatch(
      [envelope(member('agent', '2', 'u1')), envelope(member('other', '2', 'u2')), envelope(nodeObserved('n1', '3'))],
      fleetDeps,
    );
    expect(outcomes.every((o) => o.accepted)).toBe(true);
    expect(requested).toEqual(['edge']);
    requested.length = 0;
    await ingestBatch([envelope(member('agent', '3', 'u1'), E.DAEMONSET_OBSERVED, forwarderSource('Prod_EU'))], fleetDeps); // forged source: rejected
    expect(requested).toEqual([]);
  });

  it('rejects a malformed event with a metric and a reason naming the field, writing nothing', async () => {
    const { store, ingest, enqueued, telemetry } = await setup();
    const bad = { ...nodeObserved('n1', '5'), node: { metadata: { uid: 'u', resourceVersion: '5' } } };
    const outcome = await ingest(envelope(bad));
    expect(outcome).toMatchObject({ accepted: false, reason: expect.stringContaining('node.metadata.name') });
    expect(await ingest(envelope('not even an object', 'NodeObserved'))).toMatchObject({ accepted: false });
    expect(await ingest(envelope(nodeObserved('n1', '5'), 'PodObserved'))).toMatchObject({ accepted: false, reason: expect.stringContaining('detail-type') });
    expect(telemetry.counts.get('IngestRejectedInvalid')).toBe(3);
    expect(await store.latestCommit(`${CLUSTER}/nodes`)).toBe(0);
    expect(enqueued).toEqual([]);
  });

  it('rejects events from a cluster missing from the registry', async () => {
    const { store, ingest, telemetry } = await setup();
    const outcome = await ingest(envelope({ ...nodeObserved('n1', '5'), clusterId: 'stranger' }));
    expect(outcome).toMatchObject({ accepted: false, reason: expect.stringContaining('stranger') });
    expect(telemetry.counts.get('IngestRejectedUnregisteredCluster')).toBe(1);
    expect(await store.latestCommit('stranger/nodes')).toBe(0);
  });

  it("rejects and counts an event whose source is not its cluster's forwarder, writing nothing", async () => {
    const { store, ingest, enqueued, telemetry } = await setup();
    const forged = { ...daemonSetObserved(aDaemonSet('agent', '999999999999999999')), clusterId: CLUSTER };
    forged.daemonSet.spec!.template.spec = { containers: [{ name: 'agent', image: 'attacker/miner', securityContext: { privileged: true } }] };
    const outcome = await ingest(envelope(forged, E.DAEMONSET_OBSERVED, forwarderSource('Prod_EU'))); // another cluster's forwarder
    expect(outcome).toMatchObject({ accepted: false, reason: expect.stringContaining(`may not speak for cluster ${CLUSTER}`) });
    expect(await ingest(envelope(nodeObserved('n1', '5'), E.NODE_OBSERVED, 'daemonloop.forwarder'))).toMatchObject({ accepted: false });
    expect(telemetry.counts.get('IngestRejectedSource')).toBe(2);
    expect(await store.latestCommit(`${CLUSTER}/daemonsets/default/agent`)).toBe(1); // only setup's own observation
    expect(await store.latestCommit(`${CLUSTER}/nodes`)).toBe(0);
    expect(enqueued).toEqual([]);
  });

  it('binds an EKS cluster to the source naming its EKS cluster, as the Pod Identity tag does', async () => {
    const { ingest, telemetry } = await setup();
    const event = { ...nodeObserved('n1', '5'), clusterId: 'prod-eu' };
    expect(await ingest(envelope(event, E.NODE_OBSERVED, forwarderSource('Prod_EU')))).toMatchObject({ accepted: true });
    expect(await ingest(envelope(event, E.NODE_OBSERVED, forwarderSource('prod-eu')))).toMatchObject({ accepted: false });
    expect(telemetry.counts.get('IngestRejectedSource')).toBe(1);
  });

  it('refuses a cluster id outside the DNS-1123 rule or reserved, naming the rule', async () => {
    const { ingest, telemetry } = await setup();
    for (const clusterId of ['queue', 'c1/daemonsets/x', 'registry']) {
      const outcome = await ingest(envelope({ ...nodeObserved('n1', '5'), clusterId }, E.NODE_OBSERVED, forwarderSource(clusterId)));
      expect(outcome).toMatchObject({ accepted: false, reason: expect.stringMatching(/^clusterId: cluster id .* (is reserved|is not a DNS-1123 label)/) });
    }
    expect(telemetry.counts.get('IngestRejectedInvalid')).toBe(3);
  });

  it('appends a node event and asks every DaemonSet of the cluster to reconcile', async () => {
    const { store, ingest, enqueued } = await setup();
    expect(await ingest(envelope(nodeObserved('n1', '5')))).toEqual({ accepted: true, reconciles: 3 });
    expect(await store.latestCommit(`${CLUSTER}/nodes`)).toBe(1);
    expect(streamsOf(enqueued)).toEqual([
      `${CLUSTER}/daemonsets/default/agent`,
      `${CLUSTER}/daemonsets/default/other`,
      `${CLUSTER}/daemonsets/kube-system/logs`,
    ]);
  });

  it('routes a pod to its controlling DaemonSet, an orphan or a tombstone to its namespace, and a foreign pod nowhere', async () => {
    const { ingest, enqueued, waiting } = await setup();
    await ingest(envelope(podObserved('p1', '6', { owner: 'u1' })));
    expect(streamsOf(enqueued)).toEqual([`${CLUSTER}/daemonsets/default/agent`]);
    enqueued.length = 0;
    waiting.startAll();
    await ingest(envelope(podObserved('p2', '7')));
    expect(streamsOf(enqueued)).toEqual([`${CLUSTER}/daemonsets/default/agent`, `${CLUSTER}/daemonsets/default/other`]);
    enqueued.length = 0;
    waiting.startAll();
    await ingest(envelope(podDeleted('p1', '8')));
    expect(streamsOf(enqueued)).toEqual([`${CLUSTER}/daemonsets/default/agent`, `${CLUSTER}/daemonsets/default/other`]);
    enqueued.length = 0;
    const foreign = podObserved('p3', '9');
    foreign.pod.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs', controller: true }];
    await ingest(envelope(foreign));
    expect(enqueued).toEqual([]);
  });

  it('appends a redelivered event once, and names the event and the claim in each request', async () => {
    const { store, ingest, enqueued, waiting } = await setup();
    const event = nodeObserved('n1', '5');
    await ingest(envelope(event));
    waiting.startAll();
    await ingest(envelope(event));
    expect(await store.latestCommit(`${CLUSTER}/nodes`)).toBe(1);
    expect(enqueued).toHaveLength(6);
    expect(new Set(enqueued).size).toBe(6); // a new claim is a new request, never deduplicated away
    expect(enqueued[0]).toMatch(new RegExp(`#${CLUSTER}/NodeObserved/uid-n1/5#claim-\\d+$`));
  });

  it('asks once per DaemonSet while a request waits, and again once its reconcile has started', async () => {
    const { ingest, enqueued, waiting } = await setup();
    await ingest(envelope(nodeObserved('n1', '5')));
    await ingest(envelope(nodeObserved('n2', '6')));
    expect(enqueued).toHaveLength(3);
    await waiting.started({ clusterId: CLUSTER, namespace: 'default', name: 'agent' });
    await ingest(envelope(nodeObserved('n3', '7')));
    expect(streamsOf(enqueued.slice(3))).toEqual([`${CLUSTER}/daemonsets/default/agent`]);
  });
});
