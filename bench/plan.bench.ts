// The what-if planner: how close its p50 comes to a 1,000-node rollout it predicted (two node
// groups with different start-up times, learned from a history of the first rollout; see
// accuracy()), and what planning a 5,000-node rollout costs against one reconcile of that cluster
// in the same run.
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { OPENCOST_DEFAULT_PRICES } from '../domain/cost';
import { reconcile } from '../domain/index';
import { constant, seededRandom } from '../domain/plan/distribution';
import { defaultRuns, nextDaemonSet, planRollout, prepareRollout } from '../domain/plan/plan';
import { simulateRollout } from '../domain/plan/simulate-rollout';
import { DAEMONSET_API_VERSION } from '../functions/adapters/kubernetes/custom-resource';
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

/**
 * |predicted p50 − actual| / actual for a rollout on `nodes` nodes, half of each node group. The
 * planner learns start-up times from a history of the first rollout (one pod per node, drawn from
 * the kubelets' true per-group distributions); the actual rollout is the same model cluster — the
 * real reconcile on a virtual clock — drawing from the true distributions themselves, with seeds
 * the planner never used. (The local runtime at 1,000 nodes did not finish in 30 minutes on this
 * machine; test/plan/planner-vs-runtime.test.ts holds the planner against the runtime at 27 nodes.)
 */
function accuracy(nodes: number): { error: number; predictedMs: number; actualMs: number } {
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
  const common = { nodes: cluster, pods, revisions: [], samples, requested: new Map(), prices: OPENCOST_DEFAULT_PRICES, qps: 20, burst: 30, loopLatencyMs: 0, horizonMs: 24 * 3_600_000 };
  const plan = planRollout({ current, next, now: new Date(3_600_000), seed: 1, ...common });
  // The truth: uniform between the bounds (a dense quantile table draws it exactly); the grace period's 30 s to go.
  const uniform = ([low, high]: [number, number]) => ({ samples: Array.from({ length: 1001 }, (_, i) => low + ((high - low) * i) / 1000), source: 'true', trimmed: 0 });
  const actual = simulateRollout({
    ...prepareRollout({ current, next, ...common }).simulation(3_600_000, seededRandom(7_777)),
    timing: { startup: (g) => uniform(STARTUP_MS[g]!), termination: () => constant(30_000, 'grace period') },
  });
  if (!actual.completed) throw new Error('the actual rollout never completed');
  return { error: Math.abs(plan.durationP50Ms - actual.durationMs) / actual.durationMs, predictedMs: plan.durationP50Ms, actualMs: actual.durationMs };
}

/** The DaemonSet as the log knows it once created. */
const created = (ds: V1DaemonSet): V1DaemonSet => ({ ...ds, metadata: { ...ds.metadata, uid: 'ds-uid', generation: 1 } });

/** A cluster of `size` nodes, half of each node group, running revision 1 everywhere, in memory. */
function clusterOf(size: number): { nodes: V1Node[]; pods: V1Pod[] } {
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
    const accuracyStarted = performance.now();
    const { error, predictedMs, actualMs } = accuracy(1_000);
    emit('plan.accuracy.1000.ms', performance.now() - accuracyStarted, 'ms');
    emit('plan.accuracy.1000.predicted_p50_s', predictedMs / 1000, 's');
    emit('plan.accuracy.1000.actual_s', actualMs / 1000, 's');
    emit('plan.accuracy.1000.duration_error_ratio', error, 'ratio');

    const { nodes, pods } = clusterOf(5_000);
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
  },
};

export default suite;
