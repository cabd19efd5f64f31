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
import { withDefaults } from '../../domain/defaults';
import { allowsSurge } from '../../domain/rolling-update';

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

export async function startHarness(
  options: {
    clock?: VirtualClock;
    nodes?: number;
    simulator?: SimulatorOptions;
    runtime?: Partial<LocalRuntimeOptions>;
    invariants?: (sim: Simulator) => void;
  } = {},
): Promise<Harness> {
  const clock = options.clock ?? new VirtualClock();
  const sim = new Simulator({ clock, kubelet: { startDelayMs: 1_000, readyDelayMs: 0 }, ...options.simulator });
  await sim.start();
  for (let i = 1; i <= (options.nodes ?? 3); i++) sim.addNode(`node-${i}`);
  const telemetry = localTelemetry('silent');
  const start = () => startLocalRuntime({ clock, cluster: { simulator: sim }, telemetry, ...options.runtime });
  let runtime = await start();
  const check = () => {
    assertPodsPerNode(sim);
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

/**
 * What a user means by "one pod per node", checked on the cluster after every step, terminating
 * pods included: without surge a node never holds two pods of a DaemonSet (a hostPort pod would
 * stay Pending, a hostNetwork agent would run twice); with surge never more than the old pod and
 * one new one running, and never two running pods of one revision.
 */
export function assertPodsPerNode(sim: Simulator): void {
  const groups = new Map<string, V1Pod[]>();
  for (const pod of sim.pods()) {
    const owner = pod.metadata?.ownerReferences?.find((r) => r.controller);
    if (!owner) continue;
    const key = JSON.stringify([pod.metadata?.namespace, owner.name, owner.uid, pod.spec?.nodeName ?? targetNode(pod)]);
    groups.set(key, [...(groups.get(key) ?? []), pod]);
  }
  for (const [key, pods] of groups) {
    if (pods.length < 2) continue;
    const [namespace, name, uid, node] = JSON.parse(key) as string[];
    const ds = sim.daemonSet(namespace!, name!);
    if (ds?.metadata?.uid !== uid) continue; // its DaemonSet is gone: the garbage collector's
    const names = pods.map((p) => `${p.metadata?.name}${p.metadata?.deletionTimestamp ? ' (terminating)' : ''}`).join(', ');
    if (!allowsSurge(withDefaults(ds))) throw new Error(`two pods of ${name} on node ${node} without surge: ${names}`);
    const running = pods.filter((p) => !p.metadata?.deletionTimestamp);
    const revisions = new Set(running.map((p) => p.metadata?.labels?.['controller-revision-hash']));
    if (running.length > 2 || revisions.size < running.length) throw new Error(`more than old + one new pod of ${name} on node ${node}: ${names}`);
  }
}

export const targetNode = (pod: V1Pod): string | undefined =>
  pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];

/** The seeds' grace period: a rollout waits it out on every node (on the virtual clock). */
export const GRACE_PERIOD_SECONDS = 30;

export function agentDaemonSet(
  overrides: {
    image?: string;
    maxUnavailable?: number | string;
    maxSurge?: number | string;
    minReadySeconds?: number;
    onDelete?: boolean;
    nodeSelector?: Record<string, string>;
    name?: string;
    terminationGracePeriodSeconds?: number;
  } = {},
): V1DaemonSet {
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
          terminationGracePeriodSeconds: overrides.terminationGracePeriodSeconds ?? GRACE_PERIOD_SECONDS,
          ...(overrides.nodeSelector ? { nodeSelector: overrides.nodeSelector } : {}),
          containers: [{ name, image: overrides.image ?? `${name}:1` }],
        },
      },
      updateStrategy: overrides.onDelete
        ? { type: 'OnDelete' }
        : {
            type: 'RollingUpdate',
            rollingUpdate: { maxUnavailable: overrides.maxUnavailable ?? 1, ...(overrides.maxSurge !== undefined ? { maxSurge: overrides.maxSurge } : {}) },
          },
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
