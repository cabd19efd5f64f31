// A small cluster for property tests: applies a decision's creates, deletes, adoptions and
// releases, binds pods, makes them Ready after a delay, lets deletions finish, and moves time.
// Deterministic: every random choice comes from the seeded PRNG it is given.
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { currentRevision, reconcile, type ReconcileResult, type Revision, type FailedPodBackoff } from '../../domain/index';

/** mulberry32, the planner's seeded PRNG: one implementation for the domain and its tests. */
export { seededRandom as prng } from '../../domain/plan/distribution';

interface SimPod {
  pod: V1Pod;
  readyAfterMs: number; // how long after binding the kubelet reports Ready
  boundAt?: number;
  goneAt?: number; // a terminating pod disappears then
}

export class Cluster {
  now: number;
  nodes: V1Node[] = [];
  pods = new Map<string, SimPod>();
  revisions: Revision[] = [];
  backoff: FailedPodBackoff = {};

  constructor(
    public ds: V1DaemonSet,
    private readonly random: () => number,
    start: number,
  ) {
    this.now = start;
  }

  podList(): V1Pod[] {
    return [...this.pods.values()].map((p) => p.pod);
  }

  /** One decision on the current state; the caller checks it before `apply`. */
  decide(): ReconcileResult {
    return reconcile({
      daemonSet: this.ds,
      nodes: this.nodes,
      pods: this.podList(),
      now: new Date(this.now),
      revisions: this.revisions,
      failedPodBackoff: this.backoff,
    });
  }

  /** Records the decision as the runtime would: revision, status, backoff; then the pod actions. */
  apply(r: ReconcileResult, readyDelayMs: () => number): void {
    const cur = currentRevision(this.ds, this.revisions);
    this.revisions = [...this.revisions.filter((rev) => rev.hash !== cur.hash), { revision: cur.revision, hash: cur.hash, template: cur.template }];
    this.ds = { ...this.ds, status: r.status };
    this.backoff = r.failedPodBackoff;
    for (const { pod } of r.create) {
      this.pods.set(pod.metadata!.name!, {
        pod: { ...pod, metadata: { ...pod.metadata, uid: `uid-${pod.metadata!.name}`, creationTimestamp: new Date(this.now) } },
        readyAfterMs: readyDelayMs(),
      });
    }
    for (const d of r.delete) {
      const sim = this.pods.get(d.podName)!;
      sim.pod = { ...sim.pod, metadata: { ...sim.pod.metadata, deletionTimestamp: new Date(this.now) } };
      sim.goneAt = this.now + Math.floor(this.random() * 3) * 1000;
    }
    const owner = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      name: this.ds.metadata!.name!,
      uid: this.ds.metadata!.uid!,
      controller: true,
      blockOwnerDeletion: true,
    };
    for (const a of r.adopt) {
      const sim = this.pods.get(a.podName)!;
      sim.pod = { ...sim.pod, metadata: { ...sim.pod.metadata, ownerReferences: [owner] } };
    }
    for (const a of r.release) {
      const sim = this.pods.get(a.podName)!;
      sim.pod = { ...sim.pod, metadata: { ...sim.pod.metadata, ownerReferences: [] } };
    }
  }

  /** Time passes: deletions finish, the scheduler binds, kubelets report Ready, pod GC removes pods of vanished nodes. */
  advance(ms: number): void {
    this.now += ms;
    const nodeNames = new Set(this.nodes.map((n) => n.metadata!.name!));
    for (const [name, sim] of this.pods) {
      const spec = sim.pod.spec!;
      if (sim.goneAt !== undefined && sim.goneAt <= this.now) {
        this.pods.delete(name);
        continue;
      }
      if (spec.nodeName && !nodeNames.has(spec.nodeName)) {
        this.pods.delete(name); // pod GC: bound to a node that is gone
        continue;
      }
      const target = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0];
      if (!spec.nodeName && target && nodeNames.has(target) && !sim.pod.metadata!.deletionTimestamp) {
        sim.pod = { ...sim.pod, spec: { ...spec, nodeName: target } };
        sim.boundAt = this.now;
      }
      const readyAt = sim.boundAt !== undefined ? sim.boundAt + sim.readyAfterMs : undefined;
      const phase = sim.pod.status?.phase;
      if (readyAt !== undefined && readyAt <= this.now && phase !== 'Failed' && !sim.pod.status?.conditions?.length) {
        sim.pod = { ...sim.pod, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(readyAt) }] } };
      }
    }
  }

  /** A running pod crashes for good: its kubelet reports Failed and not Ready. */
  fail(name: string): void {
    const sim = this.pods.get(name)!;
    sim.pod = { ...sim.pod, status: { phase: 'Failed', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: new Date(this.now) }] } };
  }
}
