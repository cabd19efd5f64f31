// The what-if planner: how close its p50 comes to a 1,000-node rollout it predicted (two node
// groups with different start-up times): against the local runtime itself (accuracyOnRuntime), and
// against the model cluster drawing from the true distributions (learningAccuracy: the error of
// learning and sampling alone); and what planning a 5,000-node rollout costs against one reconcile
// of that cluster in the same run.
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { OPENCOST_DEFAULT_PRICES } from '../domain/cost';
import { reconcile } from '../domain/index';
import { constant, seededRandom } from '../domain/plan/distribution';
import { defaultRuns, nextDaemonSet, planRollout, prepareRollout } from '../domain/plan/plan';
import { simulateRollout } from '../domain/plan/simulate-rollout';
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
    apiVersion: DAEMONSET_API_VERSION,
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: NS },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      minReadySeconds: 10,
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'agent', image, resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
    },
  };
}

/**
 * |predicted p50 − actual| / actual for a rollout on `nodes` nodes, half of each node group. The
 * planner learns start-up times from a history of the first rollout (one pod per node, drawn from
 * the kubelets' true per-group distributions); the actual rollout is the same model cluster — the
 * real reconcile on a virtual clock — drawing from the true distributions themselves, with seeds
 * the planner never used: the error of learning and sampling alone, beside accuracyOnRuntime's.
 */
function learningAccuracy(nodes: number): { error: number; predictedMs: number; actualMs: number } {
  const { nodes: cluster, pods } = clusterOf(nodes);
  const current = created(agent('agent:1'));
  const next = nextDaemonSet(current, agent('agent:2'));
  const history = seededRandom(7);
  const group = (n: V1Node) => n.metadata!.labels![INSTANCE_TYPE]!;
  const samples = {
    startup: cluster.map((n) => {
      const [low, high] = STARTUP_MS[group(n)]!;
      return { owner: 'ds-uid', group: group(n), ms: Math.round(low + (high - low) * history()) };
    }),
    termination: [],
  };
  const common = {
    nodes: cluster,
    pods,
    revisions: [],
    samples,
    requested: new Map(),
    prices: OPENCOST_DEFAULT_PRICES,
    qps: 20,
    burst: 30,
    loopLatencyMs: 0,
    horizonMs: 24 * 3_600_000,
  };
  const plan = planRollout({ current, next, now: new Date(3_600_000), seed: 1, ...common });
  // The truth: uniform between the bounds (a dense quantile table draws it exactly); the grace period's 30 s to go.
  const uniform = ([low, high]: [number, number]) => ({
    samples: Array.from({ length: 1001 }, (_, i) => low + ((high - low) * i) / 1000),
    source: 'true',
    trimmed: 0,
  });
  const actual = simulateRollout({
    ...prepareRollout({ current, next, ...common }).simulation(3_600_000, seededRandom(7_777)),
    timing: { startup: (g) => uniform(STARTUP_MS[g]!), termination: () => constant(30_000, 'grace period') },
  });
  if (!actual.completed) throw new Error('the actual rollout never completed');
  return { error: Math.abs(plan.durationP50Ms - actual.durationMs) / actual.durationMs, predictedMs: plan.durationP50Ms, actualMs: actual.durationMs };
}

/**
 * |predicted p50 − actual| / actual for a rollout on `nodes` nodes, half of each node group: the
 * actual is the local runtime (real handlers, dynalite, the simulator over HTTP, virtual clock),
 * the plan learned from the log of the DaemonSet's first rollout there.
 */
async function accuracyOnRuntime(nodes: number): Promise<{ error: number; predictedMs: number; actualMs: number }> {
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
      return (
        pods.length === nodes &&
        status?.numberAvailable === nodes &&
        status.updatedNumberScheduled === nodes &&
        pods.every((p) => p.spec!.containers[0]!.image === image && !p.metadata?.deletionTimestamp)
      );
    };
    await cp.applyDaemonSet(agent('agent:1'));
    if (!(await runtime.runUntil(done('agent:1'), 24 * 3_600_000))) throw new Error('the first revision never became available');
    const inputs = await planInputsFromLog(runtime.store, { clusterId: runtime.clusterId, namespace: NS, name: 'agent' }, clock.now());
    const plan = planRollout({
      ...(inputs.current ? { current: inputs.current } : {}),
      next: nextDaemonSet(inputs.current, agent('agent:2')),
      nodes: inputs.nodes,
      pods: inputs.pods,
      revisions: inputs.revisions,
      now: clock.now(),
      samples: inputs.samples,
      requested: inputs.requested,
      prices: OPENCOST_DEFAULT_PRICES,
      qps: 20,
      burst: 30,
      loopLatencyMs: 0,
      seed: 1,
      horizonMs: 24 * 3_600_000,
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

/** A cluster of `size` nodes, half of each node group, running revision 1 everywhere, in memory. */
function clusterOf(size: number): { nodes: V1Node[]; pods: V1Pod[] } {
  const nodes: V1Node[] = Array.from({ length: size }, (_, i) => ({
    metadata: { name: `node-${i}`, uid: `n${i}`, labels: { [INSTANCE_TYPE]: i % 2 ? 'm5.large' : 'c5.xlarge' } },
  }));
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
    const accuracyStarted = performance.now();
    const onRuntime = await accuracyOnRuntime(1_000);
    emit('plan.accuracy.1000.ms', performance.now() - accuracyStarted, 'ms');
    emit('plan.accuracy.1000.predicted_p50_s', onRuntime.predictedMs / 1000, 's');
    emit('plan.accuracy.1000.actual_s', onRuntime.actualMs / 1000, 's');
    emit('plan.accuracy.1000.duration_error_ratio', onRuntime.error, 'ratio');
    const learning = learningAccuracy(1_000);
    emit('plan.accuracy.1000.model.predicted_p50_s', learning.predictedMs / 1000, 's');
    emit('plan.accuracy.1000.model.actual_s', learning.actualMs / 1000, 's');
    emit('plan.accuracy.1000.model.duration_error_ratio', learning.error, 'ratio');

    const { nodes, pods } = clusterOf(5_000);
    const current = created(agent('agent:1'));
    const next = nextDaemonSet(current, agent('agent:2'));
    const reconcileMs = await medianMs(() => reconcile({ daemonSet: next, nodes, pods, now: new Date(3_600_000) }), 5);
    const planMs = await medianMs(
      () =>
        planRollout({
          current,
          next,
          nodes,
          pods,
          revisions: [],
          now: new Date(3_600_000),
          samples: { startup: [], termination: [] },
          requested: new Map(),
          prices: OPENCOST_DEFAULT_PRICES,
          qps: 20,
          burst: 30,
          loopLatencyMs: 200,
          seed: 1,
          horizonMs: 24 * 3_600_000,
        }),
      3,
    );
    emit('plan.5000.ms', planMs, 'ms');
    emit('plan.5000.runs', defaultRuns(5_000), 'runs');
    emit('plan.5000.ms_over_reconcile_ms', planMs / reconcileMs, 'ratio');
  },
};

export default suite;
