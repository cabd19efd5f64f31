// The end-to-end harness: the local runtime on a VirtualClock against the simulator over HTTP,
// with the real handlers, dynalite and the forwarder — plus the invariants every test checks.
import type { V1DaemonSet, V1Pod } from '@kubernetes/client-node';
import { VirtualClock } from '../../functions/clock';
import { ControlPlane } from '../../functions/cli/control-plane';
import { kubeConfigFor } from '../../functions/adapters/kubernetes/kubeconfig';
import { DAEMONSET_API_VERSION } from '../../functions/adapters/kubernetes/custom-resource';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../functions/local/runtime';
import { Simulator, type SimulatorOptions } from '../../functions/local/simulator/simulator';
import { localTelemetry, type LocalTelemetry } from '../../functions/observability';

export const NAMESPACE = 'kube-system';

export interface Harness {
  clock: VirtualClock;
  /** The API as a user reaches it (what the CLI uses): apply, update and delete DaemonSets over HTTP. */
  cp: ControlPlane;
  sim: Simulator;
  runtime: LocalRuntime;
  telemetry: LocalTelemetry;
  /** Runs virtual time until `predicate` holds (checking the invariants after every step); throws when it never does. */
  until(predicate: () => boolean | Promise<boolean>, what: string, withinMs?: number): Promise<void>;
  /** Restarts the control plane (not the cluster) on the same data folder. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: { clock?: VirtualClock; nodes?: number; simulator?: SimulatorOptions; runtime?: Partial<LocalRuntimeOptions>; invariants?: (sim: Simulator) => void } = {}): Promise<Harness> {
  const clock = options.clock ?? new VirtualClock();
  const sim = new Simulator({ clock, kubelet: { startDelayMs: 1_000, readyDelayMs: 0 }, ...options.simulator });
  await sim.start();
  for (let i = 1; i <= (options.nodes ?? 3); i++) sim.addNode(`node-${i}`);
  const telemetry = localTelemetry('silent');
  const start = () => startLocalRuntime({ clock, cluster: { simulator: sim }, telemetry, ...options.runtime });
  let runtime = await start();
  const check = () => {
    assertOnePodPerNode(sim);
    options.invariants?.(sim);
  };
  const harness: Harness = {
    clock,
    cp: new ControlPlane(kubeConfigFor({ server: sim.url, token: sim.token })),
    sim,
    get runtime() {
      return runtime;
    },
    telemetry,
    async until(predicate, what, withinMs = 30 * 60_000) {
      const reached = await runtime.runUntil(() => {
        check();
        return predicate();
      }, withinMs);
      if (!reached) throw new Error(`never reached: ${what} (virtual time ${clock.now().toISOString()})`);
    },
    async restart() {
      await runtime.stop();
      runtime = await start();
    },
    async close() {
      await runtime.stop();
      await sim.close();
    },
  };
  return harness;
}

/** Never two live pods of one DaemonSet and one template revision on one node (a surge adds a new one beside the old). */
export function assertOnePodPerNode(sim: Simulator): void {
  const seen = new Map<string, string>();
  for (const pod of sim.pods()) {
    if (pod.metadata?.deletionTimestamp) continue;
    const owner = pod.metadata?.ownerReferences?.find((r) => r.controller)?.uid ?? 'orphan';
    const node = pod.spec?.nodeName ?? targetNode(pod);
    const key = `${owner}/${node}/${pod.metadata?.labels?.['controller-revision-hash']}`;
    if (seen.has(key)) throw new Error(`two live pods of ${owner} on node ${node}: ${seen.get(key)} and ${pod.metadata?.name}`);
    seen.set(key, pod.metadata!.name!);
  }
}

export const targetNode = (pod: V1Pod): string | undefined =>
  pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];

export function agentDaemonSet(overrides: { image?: string; maxUnavailable?: number | string; maxSurge?: number | string; minReadySeconds?: number; onDelete?: boolean; nodeSelector?: Record<string, string>; name?: string } = {}): V1DaemonSet {
  const name = overrides.name ?? 'agent';
  return {
    apiVersion: DAEMONSET_API_VERSION,
    kind: 'DaemonSet',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      selector: { matchLabels: { app: name } },
      minReadySeconds: overrides.minReadySeconds ?? 0,
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 0,
          ...(overrides.nodeSelector ? { nodeSelector: overrides.nodeSelector } : {}),
          containers: [{ name, image: overrides.image ?? `${name}:1` }],
        },
      },
      updateStrategy: overrides.onDelete
        ? { type: 'OnDelete' }
        : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: overrides.maxUnavailable ?? 1, ...(overrides.maxSurge !== undefined ? { maxSurge: overrides.maxSurge } : {}) } },
    },
  };
}

/** Ready for at least `minReadySeconds` at `now` (upstream's podutil.IsPodAvailable). */
export function isAvailable(pod: V1Pod, minReadySeconds: number, now: Date): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready) return false;
  return minReadySeconds === 0 || new Date(ready.lastTransitionTime!).getTime() + minReadySeconds * 1000 <= now.getTime();
}

/** Live pods of the DaemonSet, grouped by node name. */
export function livePodsByNode(sim: Simulator, app = 'agent'): Map<string, V1Pod[]> {
  const byNode = new Map<string, V1Pod[]>();
  for (const pod of sim.pods({ namespace: NAMESPACE, labelSelector: `app=${app}` })) {
    if (pod.metadata?.deletionTimestamp) continue;
    const node = pod.spec?.nodeName ?? targetNode(pod) ?? '?';
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  return byNode;
}

/** Live pods of the DaemonSet by node name (the last listed, where a node has several). */
export const podsByNode = (sim: Simulator, app = 'agent'): Map<string, V1Pod> =>
  new Map([...livePodsByNode(sim, app)].map(([node, pods]) => [node, pods.at(-1)!]));

export const isReady = (pod: V1Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
