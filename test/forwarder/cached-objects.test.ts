// What the informers keep stands in for the object everywhere the forwarder reads it: projecting
// the kept pod gives the projection of the whole pod (what is sent), and it requests what the
// whole pod requests (what NodeRequests sums); the kept node projects to the node's projection.
import { describe, expect, it } from 'vitest';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { podSpecRequests } from '../../domain/cost';
import { projectNode, projectPod } from '../../domain/projection';
import { cachedNode, cachedPod } from '../../functions/forwarder/cached-objects';

const pod: V1Pod = {
  metadata: {
    name: 'agent-x',
    namespace: 'agents',
    uid: 'u1',
    resourceVersion: '42',
    labels: { app: 'agent' },
    annotations: { big: 'x'.repeat(1000) },
    ownerReferences: [{ apiVersion: 'daemonloop.dev/v1alpha1', kind: 'DaemonSet', name: 'agent', uid: 'ds1', controller: true }],
    creationTimestamp: new Date('2026-01-01T00:00:00Z'),
    managedFields: [{ manager: 'daemonloop', operation: 'Update' }],
  },
  spec: {
    nodeName: 'n1',
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] },
      },
    },
    initContainers: [
      { name: 'setup', image: 'i', resources: { requests: { cpu: '500m', memory: '1Gi' } } },
      { name: 'proxy', image: 'p', restartPolicy: 'Always', resources: { requests: { cpu: '50m', memory: '32Mi' } } },
    ],
    containers: [
      { name: 'a', image: 'a', env: [{ name: 'X', value: 'y' }], resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1' } } },
      { name: 'b', image: 'b', resources: { limits: { cpu: '200m', memory: '64Mi' } } },
    ],
    overhead: { cpu: '10m', memory: '1Mi' },
  },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'Ready', status: 'True', lastTransitionTime: new Date('2026-01-01T00:01:00Z') },
      { type: 'PodScheduled', status: 'True' },
    ],
    containerStatuses: [
      { name: 'a', restartCount: 2, image: 'a', imageID: '', ready: true },
      { name: 'b', restartCount: 0, image: 'b', imageID: '', ready: true },
    ],
  },
};

describe('cachedPod', () => {
  it('projects to what the whole pod projects to, and requests what it requests', () => {
    const kept = cachedPod(pod);
    expect(projectPod(kept)).toEqual(projectPod(pod));
    expect(podSpecRequests(kept.spec)).toEqual(podSpecRequests(pod.spec));
    expect(podSpecRequests(kept.spec)).toEqual({ cpuMillicores: 510, memoryBytes: 1025 * 2 ** 20 }); // the init container's 500m and 1Gi, and the overhead
    expect(JSON.stringify(kept).length).toBeLessThan(JSON.stringify(pod).length / 3);
  });

  it('keeps the resources as they are when they cannot be read, so NodeRequests still reports them', () => {
    const bad: V1Pod = { ...pod, spec: { ...pod.spec!, containers: [{ name: 'a', image: 'a', resources: { requests: { cpu: 'lots' } } }] } };
    expect(() => podSpecRequests(bad.spec)).toThrow();
    expect(() => podSpecRequests(cachedPod(bad).spec)).toThrow();
  });
});

describe('cachedNode', () => {
  it('projects to what the whole node projects to', () => {
    const node: V1Node = {
      metadata: { name: 'n1', uid: 'n', resourceVersion: '7', labels: { zone: 'a' }, annotations: { a: 'b' } },
      spec: { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule', timeAdded: new Date() }], unschedulable: true, podCIDR: '10.0.0.0/24' },
      status: {
        allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
        images: [{ names: ['x'], sizeBytes: 1 }],
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    };
    expect(projectNode(cachedNode(node))).toEqual(projectNode(node));
  });
});
