// End to end in the local runtime: how fast a joining node gets its pod (real time: watch →
// forwarder → bus → ingest → log → FIFO → reconcile → create), and how close a 1,000-node
// rollout in virtual time comes to its theoretical minimum, and at what API cost.
import { ControlPlane } from '../functions/cli/control-plane';
import { kubeConfigFor } from '../functions/adapters/kubernetes/kubeconfig';
import { startLocalRuntime } from '../functions/local/runtime';
import { Simulator } from '../functions/local/simulator/simulator';
import { localTelemetry } from '../functions/observability';
import { agent, NAMESPACE, rollout } from './e2e-rollout';
import { median, percentile, type BenchSuite } from './emit';

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

const suite: BenchSuite = {
  name: 'e2e',
  async run(emit) {
    const latencies = await nodeJoinToCreate(40);
    emit('e2e.node_join_to_create.median_ms', median(latencies), 'ms');
    emit('e2e.node_join_to_create.p99_ms', percentile(latencies, 99), 'ms');

    const nodes = 1_000;
    const figures = await rollout({ nodes, budget: 100, minReadySeconds: 10, podStartMs: 1_000 });
    emit('rollout.1000.duration_ratio_to_minimum', figures.virtualMs / figures.minimumMs, 'ratio');
    emit('rollout.1000.api_calls_per_replaced_pod', figures.apiCalls / nodes, 'calls');
  },
};

export default suite;
