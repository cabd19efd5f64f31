// What the pods bound to each node request, summed as the scheduler sums them (every pod that is
// not Succeeded or Failed, terminating ones included), so the planner can tell whether a new
// revision fits. Kept per pod uid — a few numbers, never the pod — and sent as one
// NodeRequestsObserved per node whose total changed, at most once per FLUSH_MS: a busy node
// does not turn every scheduled pod into an event.
import type { V1Pod } from '@kubernetes/client-node';
import { podSpecRequests } from '../../domain/cost';
import { NODE_REQUESTS_OBSERVED, type Observation } from '../../domain/events';
import { isNewer } from '../../domain/resource-version';
import type { Clock } from '../clock';
import type { Telemetry } from '../observability';
import type { ObservationBase } from './kind-forwarder';

export const FLUSH_MS = 10_000;

interface Contribution {
  node: string;
  cpuMillicores: number;
  memoryBytes: number;
}

export class NodeRequests {
  private readonly byPod = new Map<string, Contribution>();
  private readonly totals = new Map<string, { cpuMillicores: number; memoryBytes: number; pods: number }>();
  private readonly lastSent = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private resourceVersion = '0';
  private cancelFlush: (() => void) | undefined;

  constructor(
    private readonly deps: { send(o: Observation): void; base(): ObservationBase; telemetry: Telemetry },
    private readonly clock: Clock,
  ) {}

  upsert(pod: V1Pod): void {
    this.saw(pod.metadata?.resourceVersion);
    const uid = pod.metadata?.uid ?? '';
    const node = pod.spec?.nodeName;
    const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    this.remove(uid);
    if (!node || terminal) return this.scheduleFlush();
    let requests = { cpuMillicores: 0, memoryBytes: 0 };
    try {
      requests = podSpecRequests(pod.spec);
    } catch (error) {
      this.deps.telemetry.warn('forwarder: pod requests unreadable; counted as none', {
        pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`,
        error: (error as Error).message,
      });
    }
    this.byPod.set(uid, { node, ...requests });
    this.change(node, requests.cpuMillicores, requests.memoryBytes, +1);
    this.scheduleFlush();
  }

  delete(pod: V1Pod): void {
    this.saw(pod.metadata?.resourceVersion);
    this.remove(pod.metadata?.uid ?? '');
    this.scheduleFlush();
  }

  /** A (re)list: the pods listed are all there is. */
  listed(pods: readonly V1Pod[], resourceVersion: string): void {
    for (const node of this.totals.keys()) this.dirty.add(node);
    this.byPod.clear();
    this.totals.clear();
    for (const pod of pods) this.upsert(pod);
    this.saw(resourceVersion);
    this.scheduleFlush();
  }

  /** Sends the totals that changed since they were last sent. */
  flush(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    if (this.resourceVersion === '0') return; // nothing seen yet
    for (const node of this.dirty) {
      const total = this.totals.get(node) ?? { cpuMillicores: 0, memoryBytes: 0, pods: 0 };
      const requested = { cpu: `${total.cpuMillicores}m`, memory: `${total.memoryBytes}` };
      const key = `${requested.cpu}/${requested.memory}/${total.pods}`;
      if (this.lastSent.get(node) === key) continue;
      this.lastSent.set(node, key);
      this.deps.send({ type: NODE_REQUESTS_OBSERVED, ...this.deps.base(), nodeName: node, requested, pods: total.pods, resourceVersion: this.resourceVersion });
    }
    this.dirty.clear();
  }

  stop(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
  }

  private remove(uid: string): void {
    const old = this.byPod.get(uid);
    if (!old) return;
    this.byPod.delete(uid);
    this.change(old.node, -old.cpuMillicores, -old.memoryBytes, -1);
  }

  private change(node: string, cpuMillicores: number, memoryBytes: number, pods: number): void {
    const total = this.totals.get(node) ?? { cpuMillicores: 0, memoryBytes: 0, pods: 0 };
    total.cpuMillicores += cpuMillicores;
    total.memoryBytes += memoryBytes;
    total.pods += pods;
    if (total.pods === 0) this.totals.delete(node);
    else this.totals.set(node, total);
    this.dirty.add(node);
  }

  private saw(resourceVersion: string | undefined): void {
    if (resourceVersion && /^[1-9][0-9]*$/.test(resourceVersion) && isNewer(resourceVersion, this.resourceVersion)) this.resourceVersion = resourceVersion;
  }

  private scheduleFlush(): void {
    if (this.cancelFlush || this.dirty.size === 0) return;
    this.cancelFlush = this.clock.setTimer(FLUSH_MS, () => this.flush());
  }
}
