// Projections keep exactly what the controller reads, so a node heartbeat is no change at all.
import { describe, expect, it } from 'vitest';
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { projectDaemonSet, projectNode, projectPod, sameForController } from '../../domain/projection';

const aNode = (rv: string, heartbeat: string): V1Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name: 'n1',
    uid: 'u-n1',
    resourceVersion: rv,
    labels: { zone: 'a' },
    managedFields: [{ manager: 'kubelet', operation: 'Update' }],
    annotations: { 'node.alpha/ttl': '0' },
  },
  spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule', timeAdded: new Date(heartbeat) }], podCIDR: '10.0.0.0/24' },
  status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date(heartbeat) }], images: [{ names: ['x'], sizeBytes: 1 }] },
});

const aPod = (): V1Pod => ({
  metadata: {
    name: 'ds-abc',
    namespace: 'kube-system',
    uid: 'u-p',
    resourceVersion: '12',
    labels: { app: 'x' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'u-ds', controller: true }],
    creationTimestamp: new Date('2026-01-01T00:00:00Z'),
    managedFields: [{ manager: 'm' }],
  },
  spec: {
    containers: [{ name: 'c', image: 'busybox' }],
    nodeName: 'n1',
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }], matchExpressions: [{ key: 'a', operator: 'Exists' }] },
            { matchExpressions: [{ key: 'b', operator: 'Exists' }] },
          ],
        },
      },
    },
  },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'True', lastTransitionTime: new Date('2026-01-01T00:01:00Z'), lastProbeTime: new Date(0), reason: 'x' },
    ],
    containerStatuses: [],
  },
});

describe('projection', () => {
  it('keeps a node’s identity, labels, taints and unschedulable, and drops status and managedFields', () => {
    expect(projectNode(aNode('7', '2026-01-01T00:00:00Z'))).toEqual({
      metadata: { name: 'n1', uid: 'u-n1', resourceVersion: '7', labels: { zone: 'a' } },
      spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
    });
  });

  it('treats a node heartbeat (new resourceVersion, new status times) as the same node', () => {
    const before = projectNode(aNode('7', '2026-01-01T00:00:00Z'));
    const after = projectNode(aNode('8', '2026-01-01T00:00:10Z'));
    expect(sameForController(before, after)).toBe(true);
  });

  it('sees a label change as a change', () => {
    const changed = aNode('8', '2026-01-01T00:00:00Z');
    changed.metadata!.labels = { zone: 'b' };
    expect(sameForController(projectNode(aNode('7', '2026-01-01T00:00:00Z')), projectNode(changed))).toBe(false);
  });

  it('keeps a pod’s target-node matchFields term, phase and Ready condition only', () => {
    expect(projectPod(aPod())).toEqual({
      metadata: {
        name: 'ds-abc',
        namespace: 'kube-system',
        uid: 'u-p',
        resourceVersion: '12',
        labels: { app: 'x' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'u-ds', controller: true }],
        creationTimestamp: new Date('2026-01-01T00:00:00Z'),
      },
      spec: {
        containers: [],
        nodeName: 'n1',
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }],
            },
          },
        },
      },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date('2026-01-01T00:01:00Z') }] },
    });
  });

  it('compares a projection equal to itself after a JSON round trip (Dates become strings)', () => {
    const p = projectPod(aPod());
    expect(sameForController(p, JSON.parse(JSON.stringify(p)) as V1Pod)).toBe(true);
  });

  it('sees a Ready transition as a change', () => {
    const later = aPod();
    later.status!.conditions![1]!.lastTransitionTime = new Date('2026-01-01T00:02:00Z');
    expect(sameForController(projectPod(aPod()), projectPod(later))).toBe(false);
  });

  it('keeps a DaemonSet’s whole spec and status, and its annotations and generation', () => {
    const ds: V1DaemonSet = {
      apiVersion: 'daemonloop.dev/v1',
      kind: 'DaemonSet',
      metadata: { name: 'ds', namespace: 'ns', uid: 'u', resourceVersion: '3', generation: 2, annotations: { a: 'b' }, managedFields: [] },
      spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [] } }, minReadySeconds: 10 },
      status: { currentNumberScheduled: 1, desiredNumberScheduled: 1, numberMisscheduled: 0, numberReady: 1 },
    };
    const { managedFields: _, ...metadata } = ds.metadata!;
    expect(projectDaemonSet(ds)).toEqual({ ...ds, metadata: { ...metadata, managedFields: [] } });
  });

  it('keeps who wrote a DaemonSet — each managedFields manager, operation, subresource and time — without the field sets', () => {
    const time = new Date('2026-01-01T00:00:10Z');
    const ds: V1DaemonSet = {
      metadata: {
        name: 'ds',
        namespace: 'ns',
        uid: 'u',
        resourceVersion: '3',
        managedFields: [
          { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } },
          { manager: 'daemonloop', operation: 'Update', subresource: 'status', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} } },
        ],
      },
      spec: { selector: {}, template: {} },
    };
    expect(projectDaemonSet(ds).metadata!.managedFields).toEqual([
      { manager: 'kubectl-client-side-apply', operation: 'Update', time },
      { manager: 'daemonloop', operation: 'Update', subresource: 'status', time },
    ]);
  });
});
