// The watch forwarder, end to end: simulator → client-node informers → projections → the real
// EventBridge client → a local PutEvents endpoint.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { V1DaemonSet, V1Pod } from '@kubernetes/client-node';
import type { Observation } from '../../domain/events';
import { DAEMONSET_API_VERSION, DAEMONSET_KIND } from '../../functions/adapters/kubernetes/custom-resource';
import { forwarderSource } from '../../functions/bus/patterns';
import { systemClock, VirtualClock } from '../../functions/clock';
import { eventBridgeSink, runForwarder, type RunningForwarder } from '../../functions/forwarder';
import { localTelemetry, type LocalTelemetry } from '../../functions/observability';
import { startSimulator, type StartedSimulator } from '../support/simulator';
import { startPutEventsEndpoint, type PutEventsEndpoint } from './put-events-endpoint';
import { until as untilTrue } from '../support/until';

let s: StartedSimulator;
let bus: PutEventsEndpoint;
let forwarder: RunningForwarder | undefined;
let telemetry: LocalTelemetry;
let simClock: VirtualClock; // the cluster's time: heartbeats move only when a test says so
beforeEach(async () => {
  simClock = new VirtualClock();
  s = await startSimulator({ namespaces: ['agents'], clock: simClock });
  bus = await startPutEventsEndpoint();
  telemetry = localTelemetry('silent');
  forwarder = undefined;
});
afterEach(async () => {
  await forwarder?.stop();
  await bus.close();
  await s.close();
});

const start = async () => {
  forwarder = await runForwarder({
    clusterId: 'c1',
    kubeConfig: s.kubeConfig,
    eventBus: 'daemonloop',
    telemetry,
    sink: eventBridgeSink({ eventBus: 'daemonloop', clock: systemClock, client: bus.client() }),
  });
  await forwarder.idle();
};

const events = (): Observation[] => bus.accepted.map((e) => JSON.parse(e.Detail!) as Observation);
const describeEvent = (o: Observation): string => {
  switch (o.type) {
    case 'NodeObserved':
      return `NodeObserved ${o.node.metadata?.name}`;
    case 'PodObserved':
      return `PodObserved ${o.pod.metadata?.name}`;
    case 'DaemonSetObserved':
      return `DaemonSetObserved ${o.daemonSet.metadata?.name}`;
    case 'RelistCompleted':
      return `RelistCompleted ${o.kind} ${o.presentUids.length}`;
    case 'NodeRequestsObserved':
      return `NodeRequestsObserved ${o.nodeName}`;
    default:
      return `${o.type} ${o.ref.name}`;
  }
};
const seen = () => events().map(describeEvent);

async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
  await untilTrue(check, () => `${what}; saw ${JSON.stringify(seen())}`, ms);
  await forwarder?.idle();
}

const agent: V1DaemonSet = {
  apiVersion: DAEMONSET_API_VERSION,
  kind: DAEMONSET_KIND,
  metadata: { name: 'agent', namespace: 'agents' },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:1' }] } },
  },
};
const podWith = (name: string, labels: Record<string, string>, nodeName = 'n1'): V1Pod => ({
  metadata: { name, namespace: 'agents', labels },
  spec: { nodeName, containers: [{ name: 'c', image: 'x' }] },
});
const createPod = (pod: V1Pod) => s.sim.createPod(pod);

describe('runForwarder', () => {
  it('sends every DaemonSet, node and daemon pod once, each kind followed by its relist marker, and no other pods', async () => {
    s.sim.addNode('n1');
    s.sim.addNode('n2');
    s.sim.createDaemonSet(agent);
    createPod(podWith('agent-1', { app: 'agent' }));
    createPod(podWith('web-1', { app: 'web' }));
    await start();
    expect(seen()).toEqual([
      'DaemonSetObserved agent',
      'RelistCompleted DaemonSet 1',
      'NodeObserved n1',
      'NodeObserved n2',
      'RelistCompleted Node 2',
      'PodObserved agent-1',
      'RelistCompleted Pod 1',
    ]);
    expect(bus.accepted.every((e) => e.Source === forwarderSource('c1') && e.EventBusName === 'daemonloop')).toBe(true);
    expect(bus.accepted.map((e) => e.DetailType)).toEqual(events().map((o) => o.type));
    const pod = events().find((o) => o.type === 'PodObserved');
    expect(pod).toMatchObject({ clusterId: 'c1', schemaVersion: 1, pod: { metadata: { name: 'agent-1', namespace: 'agents' }, spec: { nodeName: 'n1' } } });
  });

  it('drops node heartbeats but sends a label change', async () => {
    s.sim.addNode('n1');
    await start();
    const before = bus.accepted.length;
    for (const _ of [1, 2]) {
      simClock.advance(10_000);
      s.sim.heartbeat();
    }
    await until(() => (telemetry.counts.get('forwarder.unchanged_dropped') ?? 0) >= 2, 'two dropped heartbeats');
    expect(bus.accepted.length).toBe(before);
    s.sim.labelNode('n1', { ssd: 'true' });
    await until(() => bus.accepted.length === before + 1, 'the label change');
    expect(events().at(-1)).toMatchObject({ type: 'NodeObserved', node: { metadata: { labels: { ssd: 'true' } } } });
  });

  it('follows pod changes: a pod becoming a daemon pod, its updates and its deletion', async () => {
    s.sim.addNode('n1');
    s.sim.createDaemonSet(agent);
    createPod(podWith('late', { app: 'other' }));
    await start();
    expect(seen()).not.toContain('PodObserved late');
    s.sim.labelPod('agents', 'late', { app: 'agent' });
    await until(() => seen().includes('PodObserved late'), 'the pod once it matches');
    s.sim.deletePod('agents', 'late', 0);
    await until(() => seen().includes('PodDeleted late'), 'the tombstone');
    const tombstone = events().find((o) => o.type === 'PodDeleted');
    expect(tombstone).toMatchObject({ ref: { namespace: 'agents', name: 'late' } });
  });

  it('sends pods a newly created DaemonSet selects', async () => {
    s.sim.addNode('n1');
    createPod(podWith('early', { app: 'agent' }));
    await start();
    expect(seen()).not.toContain('PodObserved early');
    s.sim.createDaemonSet(agent);
    await until(() => seen().includes('PodObserved early'), 'the pod the new DaemonSet selects');
  });

  it('sends again only the entries PutEvents failed', async () => {
    s.sim.addNode('n1');
    s.sim.addNode('n2');
    s.sim.addNode('n3');
    let failures = 3;
    const isN2 = (e: PutEventsRequestEntry) =>
      e.DetailType === 'NodeObserved' && (JSON.parse(e.Detail!) as { node: { metadata: { name: string } } }).node.metadata.name === 'n2';
    bus.failWith = (e) => (isN2(e) && failures-- > 0 ? 'ThrottlingException' : undefined);
    await start();
    expect(
      seen()
        .filter((e) => e.startsWith('NodeObserved'))
        .sort(),
    ).toEqual(['NodeObserved n1', 'NodeObserved n2', 'NodeObserved n3']);
    expect(bus.attempts.filter(isN2)).toHaveLength(4);
    expect(bus.attempts.filter((e) => !isN2(e))).toHaveLength(bus.accepted.length - 1); // every other entry went once
  });

  it('relists after a 410, sending a tombstone for what was deleted meanwhile and a new marker', async () => {
    s.sim.addNode('n1');
    s.sim.addNode('n2');
    await start();
    s.sim.closeWatches();
    s.sim.removeNode('n2'); // before the informers reconnect: they resume from a compacted version
    s.sim.compact();
    await until(() => seen().includes('NodeDeleted n2') && seen().filter((e) => e.startsWith('RelistCompleted Node')).length === 2, 'the relist');
    expect(seen().filter((e) => e.startsWith('RelistCompleted Node'))).toEqual(['RelistCompleted Node 2', 'RelistCompleted Node 1']);
  });

  it('restarts an informer that failed and catches up on what changed meanwhile', async () => {
    s.sim.addNode('n1');
    await start();
    s.sim.failNext({ verb: 'watch', path: '/api/v1/nodes', code: 500 });
    s.sim.closeWatches();
    await until(() => (telemetry.counts.get('forwarder.nodes.restarts') ?? 0) === 1, 'the informer error');
    s.sim.addNode('n2');
    await until(() => seen().includes('NodeObserved n2'), 'the node added while the informer was down');
  });
});
