// A model cluster for loop-level property tests: the API server's rules that make the loop safe
// or unsafe, and nothing else. Names are unique (a second create answers 409, and the adapter's
// rule decides whether that is "already done"); deletes carry a uid precondition; a deleted pod
// terminates for its whole grace period before it is gone; a kubelet makes a pod Ready a while
// after it is created. Every change of a daemon pod is one watch event in `watch`, for the test
// to deliver late, twice, out of order or never; a stranger's pod is never sent (the forwarder
// sends daemon pods only).
import type { V1DaemonSet, V1DaemonSetStatus, V1ObjectReference, V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import { podTargetNodeName } from '../../domain/daemon-pod';
import * as E from '../../domain/events';
import { CONTROLLER_REVISION_HASH_LABEL } from '../../domain/labels';
import { projectPod } from '../../domain/projection';
import type { ActionResult, ClusterApi } from '../../functions/adapters/kubernetes/cluster-api';
import type { DaemonSetEvent } from '../../functions/adapters/kubernetes/daemon-set-events';
import type { Clock } from '../../functions/clock';

export const CLUSTER_ID = 'model';
const POD_START_MS = 2_000;

interface ModelPod {
  pod: V1Pod;
  readyAt?: number; // ms
  goneAt?: number; // ms: the end of its grace period
}

export class ModelCluster implements ClusterApi {
  private readonly pods = new Map<string, ModelPod>(); // by name
  private readonly strangers = new Set<string>(); // uids of pods the forwarder does not send
  private rv = 100;
  private uids = 0;
  /** Watch events in the order the API server emitted them. */
  readonly watch: E.Observation[] = [];
  status?: V1DaemonSetStatus;
  /** The DaemonSet as the API server has it: what reconcile confirms its decision against. */
  daemonSet?: V1DaemonSet;

  constructor(
    private readonly clock: Clock,
    private readonly namespace: string,
  ) {}

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** The pods as they are now, terminating ones included. */
  list(): V1Pod[] {
    return [...this.pods.values()].map((p) => p.pod);
  }

  /** A pod nobody controls, holding a name (a pod relabelled out of a DaemonSet and released, say). */
  squat(name: string, nodeName: string): void {
    this.strangers.add(`uid-${this.uids + 1}`);
    this.put({ metadata: { name, namespace: this.namespace, labels: { app: 'squatter' } }, spec: { nodeName, containers: [] } });
  }

  /** The kubelet and the end of grace periods, up to now. */
  tick(): void {
    const now = this.clock.now().getTime();
    for (const [name, p] of [...this.pods]) {
      if (p.goneAt !== undefined && p.goneAt <= now) {
        this.pods.delete(name);
        this.rv++;
        const m = p.pod.metadata!;
        this.emit({ type: E.POD_DELETED, ...this.base(), ref: { namespace: m.namespace!, name, uid: m.uid!, resourceVersion: this.resourceVersion } });
      } else if (p.readyAt !== undefined && p.readyAt <= now && p.goneAt === undefined) {
        p.readyAt = undefined;
        p.pod.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(now) }] };
        this.bump(p.pod);
      }
    }
  }

  async createPod(namespace: string, pod: V1Pod): Promise<ActionResult> {
    const name = pod.metadata!.name!;
    const holder = this.pods.get(name)?.pod;
    if (!holder) {
      this.put(structuredClone(pod));
      return { outcome: 'succeeded' };
    }
    const controller = (p: V1Pod) => p.metadata?.ownerReferences?.find((r) => r.controller)?.uid;
    const hash = (p: V1Pod) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
    if (controller(holder) === controller(pod) && podTargetNodeName(holder) === podTargetNodeName(pod) && hash(holder) === hash(pod)) {
      return { outcome: 'already-done', reason: `pods "${name}" already exists` };
    }
    return { outcome: 'failed', reason: `the name ${name} is held by another pod in ${namespace}`, retryable: true, nameTaken: true };
  }

  async deletePod(_namespace: string, name: string, uid: string): Promise<ActionResult> {
    const p = this.pods.get(name);
    if (!p) return { outcome: 'already-done', reason: 'NotFound' };
    if (p.pod.metadata!.uid !== uid) return { outcome: 'already-done', reason: 'the pod was replaced' };
    if (p.goneAt !== undefined) return { outcome: 'succeeded' };
    const now = this.clock.now().getTime();
    const grace = p.pod.spec?.terminationGracePeriodSeconds ?? 30;
    p.goneAt = now + grace * 1000;
    p.pod.metadata!.deletionTimestamp = new Date(p.goneAt);
    this.bump(p.pod);
    return { outcome: 'succeeded' };
  }

  async adoptPod(_namespace: string, name: string, uid: string, owner: V1OwnerReference): Promise<ActionResult> {
    const p = this.pods.get(name);
    if (!p || p.pod.metadata!.uid !== uid) return { outcome: 'failed', reason: 'gone', retryable: false };
    p.pod.metadata!.ownerReferences = [owner];
    this.bump(p.pod);
    return { outcome: 'succeeded' };
  }

  async releasePod(_namespace: string, name: string, uid: string, ownerUid: string): Promise<ActionResult> {
    const p = this.pods.get(name);
    if (!p || p.pod.metadata!.uid !== uid) return { outcome: 'already-done', reason: 'gone' };
    p.pod.metadata!.ownerReferences = p.pod.metadata!.ownerReferences?.filter((r) => r.uid !== ownerUid);
    this.bump(p.pod);
    return { outcome: 'succeeded' };
  }

  async writeDaemonSetStatus(_namespace: string, _name: string, status: V1DaemonSetStatus): Promise<ActionResult> {
    this.status = status;
    return { outcome: 'succeeded' };
  }

  async readDaemonSet(): Promise<V1DaemonSet | undefined> {
    return this.daemonSet && structuredClone(this.daemonSet);
  }

  /** Kubernetes Events change nothing the model checks; kept, so a test can read what was recorded. */
  readonly events: DaemonSetEvent[] = [];
  async recordEvents(_involvedObject: V1ObjectReference, events: readonly DaemonSetEvent[]): Promise<ActionResult> {
    this.events.push(...events);
    return { outcome: 'succeeded' };
  }

  /** What an informer's list shows now: every pod's observation, then the relist marker in `parts` parts. */
  relist(relistId: string, parts: number): E.Observation[] {
    const pods = this.list().filter((p) => !this.strangers.has(p.metadata!.uid!));
    const observed = pods.map((pod): E.Observation => ({ type: E.POD_OBSERVED, ...this.base(), pod: projectPod(pod) }));
    const uids = pods.map((p) => p.metadata!.uid!);
    const size = Math.ceil(uids.length / parts) || 1;
    const markers = Array.from(
      { length: parts },
      (_, i): E.Observation => ({
        type: E.RELIST_COMPLETED,
        ...this.base(),
        kind: 'Pod',
        namespace: this.namespace,
        resourceVersion: this.resourceVersion,
        relistId,
        part: i + 1,
        parts,
        presentUids: uids.slice(i * size, (i + 1) * size),
      }),
    );
    return [...observed, ...markers];
  }

  private put(pod: V1Pod): void {
    const now = this.clock.now();
    pod.metadata = { ...pod.metadata, namespace: this.namespace, uid: `uid-${++this.uids}`, creationTimestamp: now };
    const nodeName = podTargetNodeName(pod);
    pod.spec = { ...pod.spec!, ...(nodeName ? { nodeName } : {}) }; // the scheduler binds at once
    pod.status = { phase: 'Pending' };
    this.pods.set(pod.metadata.name!, { pod, readyAt: now.getTime() + POD_START_MS });
    this.bump(pod);
  }

  private bump(pod: V1Pod): void {
    this.rv++;
    pod.metadata!.resourceVersion = this.resourceVersion;
    this.emit({ type: E.POD_OBSERVED, ...this.base(), pod: projectPod(structuredClone(pod)) });
  }

  private emit(event: E.Observation): void {
    const uid = event.type === E.POD_OBSERVED ? event.pod.metadata?.uid : event.type === E.POD_DELETED ? event.ref.uid : undefined;
    if (uid === undefined || !this.strangers.has(uid)) this.watch.push(event);
  }

  private base() {
    return { clusterId: CLUSTER_ID, schemaVersion: E.EVENT_SCHEMA_VERSION, time: this.clock.now().toISOString() };
  }
}
