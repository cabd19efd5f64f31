// A rollout end to end on the local runtime, shared by the e2e and rollout5000 suites: `nodes`
// simulated nodes, a template change with maxUnavailable = `budget`, on a virtual clock with the
// seeds' 30 s grace period, through the real handlers, dynalite and the simulator over HTTP.
import type { V1DaemonSet } from '@kubernetes/client-node';
import { kubeConfigFor } from '../functions/adapters/kubernetes/kubeconfig';
import { DAEMONSET_API_VERSION } from '../functions/adapters/kubernetes/custom-resource';
import { ControlPlane } from '../functions/cli/control-plane';
import { VirtualClock } from '../functions/clock';
import type { AwsMeter } from '../functions/local/aws-meter';
import { startLocalRuntime } from '../functions/local/runtime';
import { Simulator } from '../functions/local/simulator/simulator';
import { localTelemetry } from '../functions/observability';

export const NAMESPACE = 'kube-system';
/** The seeds' grace period: each wave waits out the old pods' termination (virtual time). */
export const GRACE_PERIOD_SECONDS = 30;

export function agent(image: string, maxUnavailable: number, minReadySeconds: number): V1DaemonSet {
  return {
    apiVersion: DAEMONSET_API_VERSION,
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: NAMESPACE },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      minReadySeconds,
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { terminationGracePeriodSeconds: GRACE_PERIOD_SECONDS, containers: [{ name: 'agent', image }] },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable } },
    },
  };
}

export interface RolloutOptions {
  nodes: number;
  budget: number; // maxUnavailable
  minReadySeconds: number;
  podStartMs: number; // a created pod runs (and turns Ready) this long after it is bound
  /** Counts the loop's AWS operations during the rollout only (reset when v2 is applied). */
  meter?: AwsMeter;
  /**
   * Stop after this many waves (of `budget` pods each) instead of the whole rollout: when the
   * wave after them starts, i.e. an old pod beyond them is deleted. For a steady-state sample of a
   * rollout too long to run whole (maxUnavailable 1 on thousands of nodes).
   */
  waves?: number;
}

export interface RolloutFigures {
  virtualMs: number;
  minimumMs: number;
  apiCalls: number;
  wallMs: number;
  replacedPods: number; // pods the figures cover: every node's, or the sampled waves'
}

/**
 * The theoretical minimum: ceil(nodes / budget) waves, each the old pods' grace period, a pod
 * start and minReadySeconds — with no time lost between waves.
 */
export const theoreticalMinimumMs = (o: Pick<RolloutOptions, 'nodes' | 'budget' | 'minReadySeconds' | 'podStartMs' | 'waves'>): number =>
  (o.waves ?? Math.ceil(o.nodes / o.budget)) * (GRACE_PERIOD_SECONDS * 1000 + o.podStartMs + o.minReadySeconds * 1000);

export async function rollout(o: RolloutOptions): Promise<RolloutFigures> {
  const { nodes, budget, minReadySeconds, podStartMs } = o;
  const clock = new VirtualClock();
  const sim = new Simulator({ clock, kubelet: { startDelayMs: podStartMs, readyDelayMs: 0 } });
  await sim.start();
  for (let i = 1; i <= nodes; i++) sim.addNode(`node-${i}`);
  const telemetry = localTelemetry('silent');
  // The client-side limit is raised so the figure measures the loop, not upstream's QPS 20 (2,000 calls would take 100 s alone).
  const runtime = await startLocalRuntime({
    clock,
    cluster: { simulator: sim },
    telemetry,
    clusterQps: 10_000,
    clusterBurst: 10_000,
    ...(o.meter ? { meter: o.meter } : {}),
  });
  try {
    const cp = new ControlPlane(kubeConfigFor({ kubeconfigPath: runtime.kubeconfigPath }));
    const done = (image: string) => () => {
      const status = sim.daemonSet(NAMESPACE, 'agent')?.status;
      if (status?.updatedNumberScheduled !== nodes || status.numberAvailable !== nodes) return false;
      const pods = sim.pods({ namespace: NAMESPACE });
      return pods.length === nodes && pods.every((p) => p.spec!.containers[0]!.image === image);
    };
    await cp.applyDaemonSet(agent('agent:1', budget, minReadySeconds));
    if (!(await runtime.runUntil(done('agent:1')))) throw new Error('the first revision never became available');
    const calls = () => [...telemetry.counts].filter(([k]) => k.startsWith('ClusterApi.')).reduce((n, [, v]) => n + v, 0);
    const callsBefore = calls();
    o.meter?.reset();
    const start = clock.now().getTime();
    const wallStart = performance.now();
    await cp.applyDaemonSet(agent('agent:2', budget, minReadySeconds));
    const sampled = o.waves === undefined ? undefined : o.waves * budget;
    // The sampled waves are done when an old pod beyond them is asked to go (the next wave starts).
    const wavesDone = () =>
      sim.pods({ namespace: NAMESPACE }).filter((p) => p.spec!.containers[0]!.image === 'agent:1' && !p.metadata?.deletionTimestamp).length < nodes - sampled!;
    if (!(await runtime.runUntil(sampled === undefined ? done('agent:2') : wavesDone, Number.MAX_SAFE_INTEGER))) throw new Error('the rollout never completed');
    return {
      virtualMs: clock.now().getTime() - start,
      minimumMs: theoreticalMinimumMs(o),
      apiCalls: calls() - callsBefore,
      wallMs: performance.now() - wallStart,
      replacedPods: sampled ?? nodes,
    };
  } finally {
    await runtime.stop();
    await sim.close();
  }
}
