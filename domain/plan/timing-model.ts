// How long a daemon pod takes to start (created → Ready) and to go (delete requested → gone), per
// node group, learned from what the log recorded. A scope too thin to stand alone widens: this
// DaemonSet on this node group → this DaemonSet anywhere → any DaemonSet on this node group → any
// DaemonSet anywhere → the defaults.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { POD_DELETED, POD_DELETE_REQUESTED, POD_OBSERVED, type LogEvent } from '../events';
import { millisOf } from '../timestamps';
import { constant, learnDistribution, type Distribution } from './distribution';

/** The labels that name a node group, most specific first. */
const NODE_GROUP_LABELS = ['node.kubernetes.io/instance-type', 'karpenter.sh/nodepool', 'eks.amazonaws.com/nodegroup', 'topology.kubernetes.io/zone'];

export function nodeGroupOf(node: V1Node | undefined): string {
  const labels = node?.metadata?.labels ?? {};
  for (const label of NODE_GROUP_LABELS) if (labels[label]) return labels[label];
  return 'default';
}

export interface LifecycleSample {
  /** The owning DaemonSet's uid. */
  owner: string;
  group: string;
  ms: number;
}

export interface LifecycleSamples {
  startup: LifecycleSample[];
  termination: LifecycleSample[];
}

const ownerUid = (pod: V1Pod): string => pod.metadata?.ownerReferences?.find((o) => o.controller)?.uid ?? '';
const readySince = (pod: V1Pod): number | undefined => {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  return ready ? millisOf(ready.lastTransitionTime) : undefined;
};

/**
 * Start-up: the Ready condition's transition time minus the pod's creation time — both written by
 * the cluster, so the forwarder's lag is not counted. Termination: the time the pod's deletion
 * was observed minus the time its delete was requested. Each pod counts once.
 */
export function lifecycleSamples(events: Iterable<LogEvent>, nodeByName: ReadonlyMap<string, V1Node>): LifecycleSamples {
  const started = new Map<string, LifecycleSample>();
  const deleteRequested = new Map<string, number>(); // pod uid → request time
  const podInfo = new Map<string, { owner: string; group: string }>();
  const gone = new Map<string, number>();
  for (const event of events) {
    if (event.type === POD_OBSERVED) {
      const pod = event.pod;
      const uid = pod.metadata?.uid;
      if (!uid) continue;
      const group = nodeGroupOf(nodeByName.get(pod.spec?.nodeName ?? ''));
      podInfo.set(uid, { owner: ownerUid(pod), group });
      const ready = readySince(pod);
      const created = millisOf(pod.metadata?.creationTimestamp);
      if (ready !== undefined && created !== undefined && !started.has(uid)) started.set(uid, { owner: ownerUid(pod), group, ms: ready - created });
    } else if (event.type === POD_DELETE_REQUESTED) {
      const at = millisOf(event.time);
      if (at !== undefined && !deleteRequested.has(event.podUid)) deleteRequested.set(event.podUid, at);
    } else if (event.type === POD_DELETED) {
      const at = millisOf(event.time);
      if (at !== undefined && !gone.has(event.ref.uid)) gone.set(event.ref.uid, at);
    }
  }
  const termination: LifecycleSample[] = [];
  for (const [uid, requested] of deleteRequested) {
    const at = gone.get(uid);
    const info = podInfo.get(uid);
    if (at !== undefined && info) termination.push({ ...info, ms: at - requested });
  }
  return { startup: [...started.values()], termination };
}

export interface TimingDefaults {
  startupMs: number;
  terminationMs: number;
}

/**
 * With nothing in the log: a cached agent image starts in about 5 s, and an agent that ignores
 * SIGTERM is killed at the end of its grace period (the seeds' 30 s) — the worst case a plan should show.
 */
export const SEED_TIMING_DEFAULTS: TimingDefaults = { startupMs: 5_000, terminationMs: 30_000 };

export interface TimingModel {
  startup(group: string): Distribution;
  termination(group: string): Distribution;
}

export function timingModel(samples: LifecycleSamples, daemonSetUid: string | undefined, defaults: TimingDefaults): TimingModel {
  const pick = (kind: 'startup' | 'termination', fallbackMs: number) => {
    const all = samples[kind];
    const cache = new Map<string, Distribution>();
    return (group: string): Distribution => {
      const cached = cache.get(group);
      if (cached) return cached;
      const scopes: [string, LifecycleSample[]][] = [
        [`this DaemonSet on ${group}`, all.filter((s) => s.owner === daemonSetUid && s.group === group)],
        ['this DaemonSet', all.filter((s) => s.owner === daemonSetUid)],
        [`any DaemonSet on ${group}`, all.filter((s) => s.group === group)],
        ['any DaemonSet', all],
      ];
      let found: Distribution | undefined;
      for (const [source, scoped] of scopes) {
        found = learnDistribution(
          scoped.map((s) => s.ms),
          `${source} (${scoped.length} pods)`,
        );
        if (found) break;
      }
      const distribution = found ?? constant(fallbackMs, 'default');
      cache.set(group, distribution);
      return distribution;
    };
  };
  return { startup: pick('startup', defaults.startupMs), termination: pick('termination', defaults.terminationMs) };
}
