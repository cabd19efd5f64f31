// A simulated kubelet for every node: a bound pod starts (Running) after `startDelayMs` and turns
// Ready after `readyDelayMs` more, on the simulator's clock; a deleted pod terminates when its grace
// period ends. Faults on demand: an image that fails to pull keeps its pods Pending with a waiting
// reason; a crashed pod goes Failed. A NotReady node runs nothing: its pods lose Ready and a
// terminating pod there stays until the node returns or is removed.
import type { V1Container, V1PodCondition } from '@kubernetes/client-node';
import { timestamp, type Registry } from './registry';
import { NODES, PODS } from './resources';
import type { KubeObject } from './selectors';
import type { Change } from './store';

export interface KubeletOptions {
  /** From binding to Running: a number, or per pod (a node group's image pulls are slower). */
  startDelayMs: number | ((pod: KubeObject) => number);
  readyDelayMs: number;
}

const isNodeReady = (node: KubeObject | undefined) =>
  (node?.status?.conditions as V1PodCondition[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

const conditionsOf = (pod: KubeObject) => (pod.status?.conditions as V1PodCondition[] | undefined) ?? [];

export class Kubelet {
  /** pod uid → its pending lifecycle step (for a terminating pod: the deletionTimestamp it waits for) */
  private readonly timers = new Map<string, { cancel: () => void; deletionTimestamp?: string }>();
  private readonly failingImages = new Set<string>();

  constructor(
    private readonly registry: Registry,
    private readonly options: KubeletOptions,
  ) {
    registry.store.onChange((change) => this.observe(change));
  }

  /** Cancels every pending step (the simulator is closing). */
  stop(): void {
    for (const uid of [...this.timers.keys()]) this.cancel(uid);
  }

  /** Pods using `image` fail to pull it from now on (or pull again when `failing` is false). */
  setImagePullFailure(image: string, failing: boolean): void {
    if (failing) this.failingImages.add(image);
    else this.failingImages.delete(image);
    for (const pod of this.registry.store.list(PODS)) this.sync(pod);
  }

  /** The pod's containers exit with an error: phase Failed, as upstream's controller sees a crashed daemon pod. */
  crash(pod: KubeObject): void {
    this.cancel(pod.metadata.uid);
    const now = timestamp(this.registry.clock.now());
    const containerStatuses = this.containers(pod).map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: false,
      restartCount: 1,
      started: false,
      state: { terminated: { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now } },
    }));
    this.writeStatus(pod, { phase: 'Failed', containerStatuses }, [
      { type: 'Ready', status: 'False', reason: 'PodFailed' },
      { type: 'ContainersReady', status: 'False', reason: 'PodFailed' },
    ]);
  }

  /** The node lifecycle controller marks every pod of a NotReady node not Ready; a returning node's kubelet runs them again. */
  nodeReadinessChanged(nodeName: string): void {
    const ready = isNodeReady(this.registry.store.get(NODES, undefined, nodeName));
    for (const pod of this.registry.store.list(PODS, { nodeName })) {
      if (!ready) {
        this.cancel(pod.metadata.uid);
        if (pod.status?.phase === 'Running') this.writeStatus(pod, {}, [{ type: 'Ready', status: 'False', reason: 'NodeNotReady' }]);
      } else this.sync(pod);
    }
  }

  private observe({ resource, type, object }: Change): void {
    if (resource !== PODS) return;
    const uid = object.metadata.uid;
    if (type === 'DELETED') return this.cancel(uid);
    // A deletion (or a second one with a shorter grace period) replaces whatever step was pending.
    if (object.metadata.deletionTimestamp !== this.timers.get(uid)?.deletionTimestamp) this.cancel(uid);
    this.sync(object);
  }

  /** Schedules the pod's next lifecycle step, if it has one. */
  private sync(pod: KubeObject): void {
    const nodeName = pod.spec?.nodeName as string | undefined;
    if (!nodeName || this.timers.has(pod.metadata.uid)) return;
    if (!isNodeReady(this.registry.store.get(NODES, undefined, nodeName))) return;
    const uid = pod.metadata.uid;
    if (pod.metadata.deletionTimestamp) {
      const remaining = new Date(pod.metadata.deletionTimestamp).getTime() - this.registry.clock.now().getTime();
      this.schedule(uid, remaining, () => this.terminate(pod), pod.metadata.deletionTimestamp);
      return;
    }
    const phase = pod.status?.phase;
    const ready = conditionsOf(pod).some((c) => c.type === 'Ready' && c.status === 'True');
    if (phase === 'Pending') {
      const failing = this.containers(pod).find((c) => c.image && this.failingImages.has(c.image));
      if (failing) this.failImagePull(pod, failing);
      else
        this.schedule(uid, typeof this.options.startDelayMs === 'number' ? this.options.startDelayMs : this.options.startDelayMs(pod), () => this.start(uid));
    } else if (phase === 'Running' && !ready) this.schedule(uid, this.options.readyDelayMs, () => this.becomeReady(uid));
  }

  private schedule(uid: string, ms: number, step: () => void, deletionTimestamp?: string): void {
    const cancel = this.registry.clock.setTimer(ms, () => {
      this.timers.delete(uid);
      step();
    });
    this.timers.set(uid, { cancel, deletionTimestamp });
  }

  private cancel(uid: string): void {
    this.timers.get(uid)?.cancel();
    this.timers.delete(uid);
  }

  private current(uid: string): KubeObject | undefined {
    const found = this.registry.store.findByUid(uid);
    return found?.resource === PODS && !found.object.metadata.deletionTimestamp ? found.object : undefined;
  }

  private start(uid: string): void {
    const pod = this.current(uid);
    if (pod?.status?.phase !== 'Pending') return;
    const now = timestamp(this.registry.clock.now());
    const containerStatuses = this.containers(pod).map((c) => ({
      name: c.name,
      image: c.image,
      imageID: `${c.image}@sha256:simulated`,
      ready: false,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: now } },
    }));
    this.writeStatus(pod, { phase: 'Running', startTime: now, hostIP: '10.0.0.1', podIP: '10.244.0.1', containerStatuses }, [
      { type: 'Initialized', status: 'True' },
      { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady' },
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
    ]);
  }

  private becomeReady(uid: string): void {
    const pod = this.current(uid);
    if (pod?.status?.phase !== 'Running') return;
    const containerStatuses = ((pod.status.containerStatuses as object[] | undefined) ?? []).map((s) => ({ ...s, ready: true }));
    this.writeStatus(pod, { containerStatuses }, [
      { type: 'ContainersReady', status: 'True' },
      { type: 'Ready', status: 'True' },
    ]);
  }

  private failImagePull(pod: KubeObject, container: V1Container): void {
    const containerStatuses = this.containers(pod).map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: false,
      restartCount: 0,
      started: false,
      state:
        c === container
          ? { waiting: { reason: 'ErrImagePull', message: `failed to pull and unpack image "${c.image}": not found` } }
          : { waiting: { reason: 'PodInitializing' } },
    }));
    this.writeStatus(pod, { containerStatuses }, [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }]);
  }

  /** The grace period is over: the kubelet confirms the deletion (a grace-0 delete). */
  private terminate(pod: KubeObject): void {
    const current = this.registry.store.get(PODS, pod.metadata.namespace, pod.metadata.name);
    if (current?.metadata.uid !== pod.metadata.uid) return;
    this.registry.delete(PODS, pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
  }

  private containers(pod: KubeObject): V1Container[] {
    return (pod.spec?.containers as V1Container[] | undefined) ?? [];
  }

  /** Writes status fields and conditions; a condition's lastTransitionTime moves only when its status does. */
  private writeStatus(pod: KubeObject, fields: Record<string, unknown>, changed: V1PodCondition[]): void {
    const now = timestamp(this.registry.clock.now());
    const conditions = [...conditionsOf(pod)];
    for (const c of changed) {
      const i = conditions.findIndex((x) => x.type === c.type);
      const lastTransitionTime = i >= 0 && conditions[i]!.status === c.status ? conditions[i]!.lastTransitionTime : now;
      const next = { ...c, lastProbeTime: null, lastTransitionTime } as unknown as V1PodCondition;
      if (i >= 0) conditions[i] = next;
      else conditions.push(next);
    }
    this.registry.replace(PODS, pod, { ...pod, status: { ...pod.status, ...fields, conditions } });
  }
}
