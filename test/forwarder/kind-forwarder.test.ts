// A kind's forwarder sends what the controller reads once: repeats and heartbeats are dropped,
// an object that stops being read is sent one last time, and deletions become tombstones.
import { describe, expect, it } from 'vitest';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { Observation } from '../../domain/events';
import { KindForwarder, NODE_KIND, POD_KIND } from '../../functions/forwarder/kind-forwarder';
import { localTelemetry } from '../../functions/observability';

function setup() {
  const sent: Observation[] = [];
  const deps = {
    send: (o: Observation) => sent.push(o),
    base: () => ({ clusterId: 'c1', schemaVersion: 1, time: '2026-01-01T00:00:00.000Z' }),
    telemetry: localTelemetry('silent'),
  };
  return { sent, deps };
}
const node = (rv: string, labels: Record<string, string>, heartbeat: string): V1Node => ({
  metadata: { name: 'n1', uid: 'u-n1', resourceVersion: rv, labels, managedFields: [{ manager: 'kubelet' }] },
  status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date(heartbeat) }] },
});
const pod = (rv: string, app: string): V1Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u-p', resourceVersion: rv, labels: { app } },
  spec: { containers: [] },
});

describe('KindForwarder', () => {
  it('drops an update that changes only what the controller does not read, and sends one that does', () => {
    const { sent, deps } = setup();
    const nodes = new KindForwarder(NODE_KIND, deps);
    nodes.upsert(node('1', { a: '1' }, '2026-01-01T00:00:00Z'));
    nodes.upsert(node('2', { a: '1' }, '2026-01-01T00:00:10Z'));
    nodes.upsert(node('3', { a: '2' }, '2026-01-01T00:00:20Z'));
    expect(sent.map((o) => (o.type === 'NodeObserved' ? `${o.node.metadata?.resourceVersion}:${o.node.metadata?.labels?.a}` : o.type))).toEqual(['1:1', '3:2']);
    expect(sent[0]).toMatchObject({ type: 'NodeObserved', node: { metadata: { name: 'n1' } } });
    expect((sent[0] as { node: V1Node }).node.metadata?.managedFields).toBeUndefined();
  });

  it('sends a pod that stops being read once more, then no longer, and no tombstone for it', () => {
    const { sent, deps } = setup();
    const pods = new KindForwarder(POD_KIND, deps, (p) => p.metadata?.labels?.app === 'agent');
    pods.upsert(pod('1', 'agent'));
    pods.upsert(pod('2', 'web'));
    pods.upsert(pod('3', 'web2'));
    pods.delete(pod('4', 'web2'));
    expect(sent.map((o) => (o.type === 'PodObserved' ? o.pod.metadata?.labels?.app : o.type))).toEqual(['agent', 'web']);
  });

  it('turns a deletion into a tombstone with the deleted version, and a list into a relist marker', () => {
    const { sent, deps } = setup();
    const pods = new KindForwarder(POD_KIND, deps, (p) => p.metadata?.labels?.app === 'agent');
    pods.upsert(pod('1', 'agent'));
    pods.delete(pod('5', 'agent'));
    pods.listed([pod('6', 'agent'), { ...pod('7', 'web'), metadata: { ...pod('7', 'web').metadata, uid: 'u-web' } }], '9');
    expect(sent.slice(1)).toMatchObject([
      { type: 'PodDeleted', ref: { namespace: 'ns', name: 'p', uid: 'u-p', resourceVersion: '5' } },
      { type: 'RelistCompleted', kind: 'Pod', resourceVersion: '9', presentUids: ['u-p'], part: 1, parts: 1 },
    ]);
  });
});
