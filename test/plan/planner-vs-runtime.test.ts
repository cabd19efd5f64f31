// The planner held against the thing it predicts: the local runtime (real handlers, dynalite, the
// simulator over HTTP) on a virtual clock, with two node groups whose kubelets start pods at
// different speeds (seeded draws) and three small nodes where a bigger revision cannot fit. The
// planner learns from the log of earlier rollouts, predicts the next one, and then it runs.
import type { V1DaemonSet } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENCOST_DEFAULT_PRICES } from '../../domain/cost';
import { seededRandom } from '../../domain/plan/distribution';
import { nextDaemonSet, planRollout, type RolloutPlan } from '../../domain/plan/plan';
import { DAEMONSET_API_VERSION } from '../../functions/adapters/kubernetes/custom-resource';
import { kubeConfigFor } from '../../functions/adapters/kubernetes/kubeconfig';
import { ControlPlane } from '../../functions/cli/control-plane';
import { VirtualClock } from '../../functions/clock';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import { Simulator } from '../../functions/local/simulator/simulator';
import type { KubeObject } from '../../functions/local/simulator/selectors';
import { planInputsFromLog } from '../../functions/log/plan-inputs';
import { localTelemetry } from '../../functions/observability';

const NS = 'kube-system';
const INSTANCE_TYPE = 'node.kubernetes.io/instance-type';
/** Start-up (bind → Ready) per node group, uniform between the bounds. */
const STARTUP_MS: Record<string, [number, number]> = { 'm5.large': [3_000, 6_000], 'c5.xlarge': [8_000, 14_000], 't3.small': [3_000, 6_000] };
const SMALL_NODES = ['z-small-1', 'z-small-2', 'z-small-3']; // last in node order: the rollout reaches them last

function agent(image: string, cpu: string): V1DaemonSet {
  return {
    apiVersion: DAEMONSET_API_VERSION,
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: NS },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      minReadySeconds: 5,
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'agent', image, resources: { requests: { cpu, memory: '100Mi' } } }] },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 3 } },
    },
  };
}

describe('the planner against the local runtime', () => {
  const clock = new VirtualClock();
  const random = seededRandom(42);
  let sim: Simulator;
  let runtime: LocalRuntime;
  let cp: ControlPlane;

  const startDelay = (pod: KubeObject): number => {
    const type = sim.node(pod.spec?.nodeName as string)?.metadata?.labels?.[INSTANCE_TYPE] ?? 'm5.large';
    const [low, high] = STARTUP_MS[type]!;
    return Math.round(low + (high - low) * random());
  };
  const rolledOut = (image: string, nodes: number) => () => {
    const pods = sim.pods({ namespace: NS, labelSelector: 'app=agent' });
    const status = sim.daemonSet(NS, 'agent')?.status;
    return (
      pods.length === nodes &&
      pods.every((p) => p.spec?.containers[0]?.image === image && !p.metadata?.deletionTimestamp) &&
      status?.numberAvailable === nodes &&
      status.updatedNumberScheduled === nodes
    );
  };
  /** Applies the spec and runs until `done`; the rollout's virtual duration. */
  const rollout = async (ds: V1DaemonSet, done: () => boolean): Promise<number> => {
    const start = clock.now().getTime();
    await cp.applyDaemonSet(ds);
    if (!(await runtime.runUntil(done, 6 * 3_600_000))) throw new Error(`${ds.spec!.template.spec!.containers[0]!.image} never rolled out`);
    return clock.now().getTime() - start;
  };
  const plan = async (ds: V1DaemonSet): Promise<RolloutPlan> => {
    const inputs = await planInputsFromLog(runtime.store, { clusterId: runtime.clusterId, namespace: NS, name: 'agent' }, clock.now());
    return planRollout({
      ...(inputs.current ? { current: inputs.current } : {}),
      next: nextDaemonSet(inputs.current, ds),
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
      runs: 20,
      seed: 1,
      horizonMs: 24 * 3_600_000, // the runtime's client limits; virtual time has no loop latency
    });
  };

  beforeAll(async () => {
    sim = new Simulator({ clock, kubelet: { startDelayMs: startDelay, readyDelayMs: 0 } });
    await sim.start();
    for (let i = 1; i <= 12; i++) sim.addNode(`m5-${String(i).padStart(2, '0')}`, { labels: { [INSTANCE_TYPE]: 'm5.large' } });
    for (let i = 1; i <= 12; i++) sim.addNode(`c5-${String(i).padStart(2, '0')}`, { labels: { [INSTANCE_TYPE]: 'c5.xlarge' } });
    for (const name of SMALL_NODES) {
      sim.addNode(name, { labels: { [INSTANCE_TYPE]: 't3.small' }, allocatable: { cpu: '1', memory: '2Gi' } });
      // Another team's workload already takes most of the small nodes.
      sim.createPod({
        metadata: { name: `app-${name}`, namespace: 'default' },
        spec: { nodeName: name, containers: [{ name: 'app', image: 'app:1', resources: { requests: { cpu: '850m', memory: '1Gi' } } }] },
      });
    }
    runtime = await startLocalRuntime({ clock, cluster: { simulator: sim }, telemetry: localTelemetry('silent') });
    cp = new ControlPlane(kubeConfigFor({ kubeconfigPath: runtime.kubeconfigPath }));
    // History for the planner to learn from: the first revision everywhere, then one image update.
    await rollout(agent('agent:1', '100m'), rolledOut('agent:1', 27));
    await rollout(agent('agent:2', '100m'), rolledOut('agent:2', 27));
  }, 600_000);

  afterAll(async () => {
    await runtime?.stop();
    await sim?.close();
  });

  it('predicts the next rollout’s duration within 10% (p50), from start-up times it learned per node group', async () => {
    const predicted = await plan(agent('agent:3', '100m'));
    expect(predicted.unfit).toEqual([]);
    expect(predicted.timing.map((t) => [t.group, t.startup.source.startsWith(`this DaemonSet on ${t.group}`)])).toEqual([
      ['c5.xlarge', true],
      ['m5.large', true],
      ['t3.small', true],
    ]);
    expect(predicted.timing.find((t) => t.group === 'c5.xlarge')!.startup.p50Ms).toBeGreaterThan(
      predicted.timing.find((t) => t.group === 'm5.large')!.startup.p50Ms,
    );
    expect(predicted.timing[0]!.termination.p50Ms).toBeGreaterThanOrEqual(29_000); // the 30 s grace period, learned

    const actual = await rollout(agent('agent:3', '100m'), rolledOut('agent:3', 27));
    const error = Math.abs(predicted.durationP50Ms - actual) / actual;
    expect(error, `predicted p50 ${predicted.durationP50Ms} ms, actual ${actual} ms`).toBeLessThanOrEqual(0.1);
    expect(predicted.peakUnavailable).toBeLessThanOrEqual(3);
  }, 600_000);

  it('names exactly the nodes where a bigger revision ends Pending', async () => {
    const bigger = agent('agent:4', '200m');
    const predicted = await plan(bigger);
    expect(predicted.unfit.map((f) => f.nodeName).sort()).toEqual(SMALL_NODES);
    expect(predicted.unfit.every((f) => f.reason === 'Insufficient cpu')).toBe(true);
    expect(predicted.completedRuns).toBe(0);

    await cp.applyDaemonSet(bigger);
    const pending = () => sim.pods({ namespace: NS, labelSelector: 'app=agent' }).filter((p) => !p.spec?.nodeName && !p.metadata?.deletionTimestamp);
    const stuck = () => {
      const pods = sim.pods({ namespace: NS, labelSelector: 'app=agent' });
      return pending().length === SMALL_NODES.length && pods.filter((p) => p.spec?.containers[0]?.image === 'agent:4' && p.spec?.nodeName).length === 24;
    };
    expect(await runtime.runUntil(stuck, 6 * 3_600_000)).toBe(true);
    const targets = pending()
      .map((p) => p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0])
      .sort();
    expect(targets).toEqual(SMALL_NODES);
    expect(pending()[0]!.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message).toContain('Insufficient cpu');
  }, 600_000);
});
