// End to end in the local runtime: how fast a joining node gets its pod (real time: watch →
// forwarder → bus → ingest → log → FIFO → reconcile → create), and how close a 1,000-node
// rollout in virtual time comes to its theoretical minimum, and at what API cost.
import type { V1DaemonSet } from '@kubernetes/client-node';
import { VirtualClock } from '../functions/clock';
import { ControlPlane } from '../functions/cli/control-plane';
import { kubeConfigFor } from '../functions/adapters/kubernetes/kubeconfig';
import { DAEMONSET_API_VERSION } from '../functions/adapters/kubernetes/custom-resource';
import { startLocalRuntime } from '../functions/local/runtime';
import { Simulator } from '../functions/local/simulator/simulator';
import { localTelemetry } from '../functions/observability';
import { median, percentile, type BenchSuite } from './emit';

const NAMESPACE = 'kube-system';
/** The seeds' grace period: each wave waits out the old pods' termination (virtual time). */
const GRACE_PERIOD_SECONDS = 30;

function agent(image: string, maxUnavailable: number, minReadySeconds: number): V1DaemonSet {
  return {
    apiVersion: DAEMONSET_API_VERSION,
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: NAMESPACE },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      minReadySeconds,
      template: { metadata: { labels: { app: 'agent' } }, spec: { terminationGracePeriodSeconds: GRACE_PERIOD_SECONDS, containers: [{ name: 'agent', image }] } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable } },
    },
  };
}

/** Milliseconds from a node joining to its daemon pod existing, for `joins` joins one after another. */
async function nodeJoinToCreate(joins: number): Promise<number[]> {
  const sim = new Simulator({ kubelet: { startDelayMs: 50, readyDelayMs: 50 } });
  await sim.start();
  for (let i = 1; i <= 10; i++) sim.addNode(`node-${i}`);
  const runtime = await startLocalRuntime({ cluster: { simulator: sim }, telemetry: localTelemetry('silent') });
  try {
    const cp = new ControlPlane(kubeConfigFor({ kubeconfigPath: runtime.kubeconfigPath }));
    await cp.applyDaemonSet(agent('agent:1', 1, 0));
    const podOn = (node: string) => sim.pods({ namespace: NAMESPACE, nodeName: node }).length > 0;
    await runtime.runUntil(() => podOn('node-10'), 30_000);
    const latencies: number[] = [];
    for (let i = 0; i <= joins; i++) {
      const node = `joined-${i}`;
      const start = performance.now();
      sim.addNode(node);
      while (!podOn(node)) await new Promise((resolve) => setTimeout(resolve, 1));
      if (i > 0) latencies.push(performance.now() - start); // the first join warms the path up
      await runtime.settle();
    }
    return latencies;
  } finally {
    await runtime.stop();
    await sim.close();
  }
}

interface RolloutFigures {
  virtualMs: number;
  minimumMs: number;
  apiCalls: number;
}

/**
 * A template change on `nodes` nodes with `budget` = maxUnavailable, on a virtual clock. The
 * theoretical minimum: ceil(nodes / budget) waves, each the old pods' grace period, a pod start
 * and minReadySeconds.
 */
async function rollout(nodes: number, budget: number, minReadySeconds: number, podStartMs: number): Promise<RolloutFigures> {
  const clock = new VirtualClock();
  const sim = new Simulator({ clock, kubelet: { startDelayMs: podStartMs, readyDelayMs: 0 } });
  await sim.start();
  for (let i = 1; i <= nodes; i++) sim.addNode(`node-${i}`);
  const telemetry = localTelemetry('silent');
  // The client-side limit is raised so the figure measures the loop, not upstream's QPS 20 (2,000 calls would take 100 s alone).
  const runtime = await startLocalRuntime({ clock, cluster: { simulator: sim }, telemetry, clusterQps: 10_000, clusterBurst: 10_000 });
  try {
    const cp = new ControlPlane(kubeConfigFor({ kubeconfigPath: runtime.kubeconfigPath }));
    const done = (image: string) => () => {
      const status = sim.daemonSet(NAMESPACE, 'agent')?.status;
      const pods = sim.pods({ namespace: NAMESPACE });
      return status?.updatedNumberScheduled === nodes && status.numberAvailable === nodes && pods.length === nodes && pods.every((p) => p.spec!.containers[0]!.image === image);
    };
    await cp.applyDaemonSet(agent('agent:1', budget, minReadySeconds));
    if (!(await runtime.runUntil(done('agent:1')))) throw new Error('the first revision never became available');
    const calls = () => [...telemetry.counts].filter(([k]) => k.startsWith('ClusterApi.')).reduce((n, [, v]) => n + v, 0);
    const callsBefore = calls();
    const start = clock.now().getTime();
    await cp.applyDaemonSet(agent('agent:2', budget, minReadySeconds));
    if (!(await runtime.runUntil(done('agent:2')))) throw new Error('the rollout never completed');
    return {
      virtualMs: clock.now().getTime() - start,
      minimumMs: Math.ceil(nodes / budget) * (GRACE_PERIOD_SECONDS * 1000 + podStartMs + minReadySeconds * 1000),
      apiCalls: calls() - callsBefore,
    };
  } finally {
    await runtime.stop();
    await sim.close();
  }
}

const suite: BenchSuite = {
  name: 'e2e',
  async run(emit) {
    const latencies = await nodeJoinToCreate(40);
    emit('e2e.node_join_to_create.median_ms', median(latencies), 'ms');
    emit('e2e.node_join_to_create.p99_ms', percentile(latencies, 99), 'ms');

    const nodes = 1_000;
    const figures = await rollout(nodes, 100, 10, 1_000);
    emit('rollout.1000.duration_ratio_to_minimum', figures.virtualMs / figures.minimumMs, 'ratio');
    emit('rollout.1000.api_calls_per_replaced_pod', figures.apiCalls / nodes, 'calls');
  },
};

export default suite;
