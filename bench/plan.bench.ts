// The what-if planner: how close its p50 comes to a 1,000-node rollout it predicted (the local
// runtime on a virtual clock, two node groups with different start-up times, learned from the
// log of the DaemonSet's first rollout), and what planning a 5,000-node rollout costs against one
// reconcile of that cluster in the same run.
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { OPENCOST_DEFAULT_PRICES } from '../domain/cost';
import { reconcile } from '../domain/index';
import { seededRandom } from '../domain/plan/distribution';
import { defaultRuns, nextDaemonSet, planRollout } from '../domain/plan/plan';
import { DAEMONSET_API_VERSION } from '../functions/adapters/kubernetes/custom-resource';
import { kubeConfigFor } from '../functions/adapters/kubernetes/kubeconfig';
import { ControlPlane } from '../functions/cli/control-plane';
import { VirtualClock } from '../functions/clock';
import { startLocalRuntime } from '../functions/local/runtime';
import { Simulator } from '../functions/local/simulator/simulator';
import type { KubeObject } from '../functions/local/simulator/selectors';
import { planInputsFromLog } from '../functions/log/plan-inputs';
import { localTelemetry } from '../functions/observability';
import { medianMs, type BenchSuite } from './emit';

const NS = 'kube-system';
const INSTANCE_TYPE = 'node.kubernetes.io/instance-type';
const STARTUP_MS: Record<string, [number, number]> = { 'm5.large': [3_000, 6_000], 'c5.xlarge': [8_000, 14_000] };

function agent(image: string): V1DaemonSet {
  return {
    apiVersion: DAEMONSET_API_VERSION, kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: NS },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      minReadySeconds: 10,
      template: { metadata: { labels: { app: 'agent' } }, spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'agent', image, resources: { requests: { cpu: '100m', memory: '128Mi' } } }] } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
    },
  };
}

/** |predicted p50 − actual| / actual for a rollout on `nodes` nodes, half of each node group. */
async function accuracy(nodes: number): Promise<{ error: number; predictedMs: number; actualMs: number }> {
  const clock = new VirtualClock();
  const random = seededRandom(7);
  const sim: Simulator = new Simulator({
    clock,
    kubelet: {
      readyDelayMs: 0,
      startDelayMs: (pod: KubeObject) => {
        const [low, high] = STARTUP_MS[sim.node(pod.spec?.nodeName as string)?.metadata?.labels?.[INSTANCE_TYPE] ?? 'm5.large']!;
        return Math.round(low + (high - low) * random());
      },
    },
  });
  await sim.start();
  for (let i = 1; i <= nodes; i++) sim.addNode(`node-${String(i).padStart(5, '0')}`, { labels: { [INSTANCE_TYPE]: i % 2 ? 'm5.large' : 'c5.xlarge' } });
  const runtime = await startLocalRuntime({ clock, cluster: { simulator: sim }, telemetry: localTelemetry('silent') });
  try {
    const cp = new ControlPlane(kubeConfigFor({ kubeconfigPath: runtime.kubeconfigPath }));
    const done = (image: string) => () => {
      const pods = sim.pods({ namespace: NS });
      const status = sim.daemonSet(NS, 'agent')?.status;
      return pods.length === nodes && status?.numberAvailable === nodes && status.updatedNumberScheduled === nodes && pods.every((p) => p.spec!.containers[0]!.image === image && !p.metadata?.deletionTimestamp);
    };
    await cp.applyDaemonSet(agent('agent:1'));
    if (!(await runtime.runUntil(done('agent:1'), 24 * 3_600_000))) throw new Error('the first revision never became available');
    const inputs = await planInputsFromLog(runtime.store, { clusterId: runtime.clusterId, namespace: NS, name: 'agent' }, clock.now());
    const plan = planRollout({
      ...(inputs.current ? { current: inputs.current } : {}), next: nextDaemonSet(inputs.current, agent('agent:2')), nodes: inputs.nodes, pods: inputs.pods, revisions: inputs.revisions,
      now: clock.now(), samples: inputs.samples, requested: inputs.requested, prices: OPENCOST_DEFAULT_PRICES, qps: 20, burst: 30, loopLatencyMs: 0, seed: 1, horizonMs: 24 * 3_600_000,
    });
    const start = clock.now().getTime();
    await cp.applyDaemonSet(agent('agent:2'));
    if (!(await runtime.runUntil(done('agent:2'), 24 * 3_600_000))) throw new Error('the rollout never completed');
    const actualMs = clock.now().getTime() - start;
    return { error: Math.abs(plan.durationP50Ms - actualMs) / actualMs, predictedMs: plan.durationP50Ms, actualMs };
  } finally {
    await runtime.stop();
    await sim.close();
  }
}

/** The DaemonSet as the log knows it once created. */
const created = (ds: V1DaemonSet): V1DaemonSet => ({ ...ds, metadata: { ...ds.metadata, uid: 'ds-uid', generation: 1 } });

/** A 5,000-node cluster running revision 1 everywhere, in memory. */
function cluster(size: number): { nodes: V1Node[]; pods: V1Pod[] } {
  const nodes: V1Node[] = Array.from({ length: size }, (_, i) => ({ metadata: { name: `node-${i}`, uid: `n${i}`, labels: { [INSTANCE_TYPE]: i % 2 ? 'm5.large' : 'c5.xlarge' } } }));
  const pods = reconcile({ daemonSet: created(agent('agent:1')), nodes, pods: [], now: new Date(0) }).create.map((c, i) => ({
    ...c.pod,
    metadata: { ...c.pod.metadata, uid: `p${i}` },
    spec: { ...c.pod.spec!, nodeName: c.nodeName },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(0) }] },
  }));
  return { nodes, pods };
}

const suite: BenchSuite = {
  name: 'plan',
  async run(emit) {
    const { nodes, pods } = cluster(5_000);
    const current = created(agent('agent:1'));
    const next = nextDaemonSet(current, agent('agent:2'));
    const reconcileMs = await medianMs(() => reconcile({ daemonSet: next, nodes, pods, now: new Date(3_600_000) }), 5);
    const planMs = await medianMs(
      () => planRollout({ current, next, nodes, pods, revisions: [], now: new Date(3_600_000), samples: { startup: [], termination: [] }, requested: new Map(), prices: OPENCOST_DEFAULT_PRICES, qps: 20, burst: 30, loopLatencyMs: 200, seed: 1, horizonMs: 24 * 3_600_000 }),
      3,
    );
    emit('plan.5000.ms', planMs, 'ms');
    emit('plan.5000.runs', defaultRuns(5_000), 'runs');
    emit('plan.5000.ms_over_reconcile_ms', planMs / reconcileMs, 'ratio');

    const { error, predictedMs, actualMs } = await accuracy(1_000);
    emit('plan.accuracy.1000.predicted_p50_s', predictedMs / 1000, 's');
    emit('plan.accuracy.1000.actual_s', actualMs / 1000, 's');
    emit('plan.accuracy.1000.duration_error_ratio', error, 'ratio');
  },
};

export default suite;
