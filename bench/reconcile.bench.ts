// Median wall time of one reconcile on clusters of 1,000 and 5,000 nodes, steady and mid-rollout,
// and the 5,000/1,000 ratio from the same run (linear ≈ 5). Inputs are built outside the timed region.
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { CONTROLLER_REVISION_HASH_LABEL, reconcile, templateHash, type ReconcileInput } from '../domain/index';
import { median, medianMs, type BenchSuite } from './emit';

const NOW = new Date('2026-01-01T01:00:00Z');
const LONG_AGO = new Date('2026-01-01T00:00:00Z');
const labels = { app: 'agent' };

function daemonSet(image: string): V1DaemonSet {
  return {
    apiVersion: 'daemonloop.dev/v1alpha1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system', uid: 'ds-uid', generation: 2 },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'agent', image, resources: { requests: { cpu: '50m', memory: '64Mi' } } }],
          tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
        },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } },
      minReadySeconds: 10,
    },
  };
}

function node(i: number): V1Node {
  return {
    metadata: { name: `node-${i}`, labels: { 'kubernetes.io/os': 'linux', zone: `z${i % 3}` } },
    spec: i % 10 === 0 ? { taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] } : {},
  };
}

function pod(i: number, hash: string): V1Pod {
  return {
    metadata: {
      name: `agent-${i}`,
      namespace: 'kube-system',
      uid: `pod-uid-${i}`,
      labels: { ...labels, [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ownerReferences: [{ apiVersion: 'daemonloop.dev/v1alpha1', kind: 'DaemonSet', name: 'agent', uid: 'ds-uid', controller: true }],
      creationTimestamp: LONG_AGO,
    },
    spec: { nodeName: `node-${i}`, containers: [{ name: 'agent', image: 'x' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: LONG_AGO }] },
  };
}

/** Every node runs one available pod; `updatedShare` of them already runs the current template. */
function cluster(nodes: number, updatedShare: number): ReconcileInput {
  const v1 = daemonSet('agent:1'),
    v2 = daemonSet('agent:2');
  const current = updatedShare === 1 ? v1 : v2;
  const oldHash = templateHash(v1.spec!.template),
    newHash = templateHash(v2.spec!.template);
  const currentHash = updatedShare === 1 ? oldHash : newHash;
  const pods = Array.from({ length: nodes }, (_, i) => pod(i, updatedShare === 1 || i < nodes * updatedShare ? currentHash : oldHash));
  return {
    daemonSet: current,
    nodes: Array.from({ length: nodes }, (_, i) => node(i)),
    pods,
    now: NOW,
    revisions: [
      { revision: 1, hash: oldHash, template: v1.spec!.template },
      ...(updatedShare === 1 ? [] : [{ revision: 2, hash: newHash, template: v2.spec!.template }]),
    ],
    failedPodBackoff: {},
  };
}

/** Medians of the two sizes measured in alternation, so a busy machine slows both alike. */
function alternating(small: ReconcileInput, large: ReconcileInput, rounds: number): [number, number] {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < rounds + 5; i++) {
    [small, large].forEach((input, k) => {
      const start = performance.now();
      reconcile(input);
      if (i >= 5) times[k]!.push(performance.now() - start); // the first rounds warm the JIT up
    });
  }
  return [median(times[0]), median(times[1])];
}

const suite: BenchSuite = {
  name: 'reconcile',
  async run(emit) {
    const [steady1000, steady5000] = alternating(cluster(1_000, 1), cluster(5_000, 1), 61);
    const rollout = cluster(5_000, 0.5); // mid-rollout: maxUnavailable 10%, half the pods updated
    const rollout5000 = await medianMs(() => reconcile(rollout), 61);
    emit('reconcile.steady.1000.ms', steady1000, 'ms');
    emit('reconcile.steady.5000.ms', steady5000, 'ms');
    emit('reconcile.rollout.5000.ms', rollout5000, 'ms');
    emit('reconcile.scaling.5000_over_1000', steady5000 / steady1000, 'ratio'); // linear ≈ 5
  },
};

export default suite;
