// ClusterApi over @kubernetes/client-node: pods through CoreV1Api, the DaemonSet status through
// CustomObjectsApi, Events through EventsV1Api (core/v1 where the server lacks events.k8s.io),
// every request through one client-side rate limiter.
import {
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Event,
  type EventsV1Event,
  type KubeConfig,
  type V1DaemonSet,
  type V1DaemonSetStatus,
  type V1ObjectReference,
  type V1OwnerReference,
  type V1Pod,
} from '@kubernetes/client-node';
import { systemClock, type Clock } from '../../clock';
import { podTargetNodeName } from '../../../domain/daemon-pod';
import { CONTROLLER_REVISION_HASH_LABEL } from '../../../domain/labels';
import { classifyApiError, failureCode, type ApiFailure } from './api-errors';
import type { ActionResult, ClusterApi } from './cluster-api';
import type { DaemonSetEvent } from './daemon-set-events';
import { DAEMONSET_GROUP, DAEMONSET_PLURAL, DAEMONSET_VERSION } from './custom-resource';
import { DEFAULT_BURST, DEFAULT_QPS, TokenBucket, type RateLimiter } from './rate-limiter';
import { DEFAULT_REQUEST_TIMEOUT_MS, withTimeout } from './request-timeout';

export interface KubernetesClusterOptions {
  clock?: Clock;
  qps?: number;
  burst?: number;
  /** A limiter shared beyond this client (the cluster's, across reconciles); default: a bucket of its own. */
  limiter?: RateLimiter;
  /** Each request's deadline (default DEFAULT_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
  /** Told when the API server refuses the credentials (401, 403): the owner drops this client and its token. */
  onAuthFailure?: (code: number) => void;
  /** Told of every failed request, by failureCode (404, 409, 429, 5xx, timeout, network): the owner counts them per cluster. */
  onFailure?: (code: string) => void;
}

const succeeded: ActionResult = { outcome: 'succeeded' };
const alreadyDone = (reason: string): ActionResult => ({ outcome: 'already-done', reason });
const failed = (f: Pick<ApiFailure, 'message' | 'retryable' | 'retryAfterSeconds'>): ActionResult => ({
  outcome: 'failed',
  reason: f.message,
  retryable: f.retryable,
  ...(f.retryAfterSeconds !== undefined ? { retryAfterSeconds: f.retryAfterSeconds } : {}),
});

/** Merge patches carry metadata.uid and metadata.resourceVersion: the API server checks both (409 on a mismatch). */
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
/** Upstream's event source for the DaemonSet controller. */
const EVENT_SOURCE_COMPONENT = 'daemonset-controller';
/** events.k8s.io/v1 requires a reporting instance: the control loop, whichever Lambda runs it. */
const EVENT_REPORTING_INSTANCE = 'daemonloop';
/** Adopt and release read the pod, then patch it at that version; a concurrent writer costs a re-read. */
const CLAIM_ATTEMPTS = 3;

export class KubernetesCluster implements ClusterApi {
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly events: EventsV1Api;
  /** Whether the server serves events.k8s.io/v1: unknown until the first event, false after a 404. */
  private eventsV1: boolean | undefined;
  private readonly clock: Clock;
  private readonly limiter: RateLimiter;
  private readonly plain: ReturnType<typeof withTimeout>;
  private readonly patch: ReturnType<typeof withTimeout>;
  private readonly onAuthFailure?: (code: number) => void;
  private readonly onFailure?: (code: string) => void;

  constructor(kubeConfig: KubeConfig, options: KubernetesClusterOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.events = kubeConfig.makeApiClient(EventsV1Api);
    this.limiter = options.limiter ?? new TokenBucket(options.clock ?? systemClock, options.qps ?? DEFAULT_QPS, options.burst ?? DEFAULT_BURST);
    const timeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.plain = withTimeout(timeout);
    this.patch = withTimeout(timeout, mergePatch);
    this.onAuthFailure = options.onAuthFailure;
    this.onFailure = options.onFailure;
  }

  async createPod(namespace: string, pod: V1Pod): Promise<ActionResult> {
    try {
      await this.call(() => this.core.createNamespacedPod({ namespace, body: pod }, this.plain));
      return succeeded;
    } catch (error) {
      const f = classifyApiError(error);
      return f.statusReason === 'AlreadyExists' ? this.nameHolder(namespace, pod, f.message) : failed(f);
    }
  }

  /**
   * A 409 means "already done" only when the pod holding the name is the one asked for: this
   * DaemonSet's, for this node and revision. Anyone else's pod (one relabelled out of the set and
   * released, say) holds the name for good: the outcome says so, and the next decision picks
   * another name instead of asking for this one forever.
   */
  private async nameHolder(namespace: string, pod: V1Pod, message: string): Promise<ActionResult> {
    const name = pod.metadata?.name ?? '';
    let holder: V1Pod;
    try {
      holder = await this.call(() => this.core.readNamespacedPod({ namespace, name }));
    } catch (error) {
      const f = classifyApiError(error);
      return f.code === 404 ? failed({ message: `${message}, then gone: try again`, retryable: true }) : failed(f);
    }
    const controllerOf = (p: V1Pod) => p.metadata?.ownerReferences?.find((r) => r.controller)?.uid;
    const hashOf = (p: V1Pod) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
    if (controllerOf(holder) === controllerOf(pod) && podTargetNodeName(holder) === podTargetNodeName(pod) && hashOf(holder) === hashOf(pod))
      return alreadyDone(message);
    const who = `controller ${controllerOf(holder) ?? 'none'}, node ${podTargetNodeName(holder) ?? 'none'}, revision ${hashOf(holder) ?? 'none'}`;
    return { outcome: 'failed', reason: `the name ${name} is held by another pod (${who})`, retryable: true, nameTaken: true };
  }

  async deletePod(namespace: string, name: string, uid: string): Promise<ActionResult> {
    try {
      await this.call(() => this.core.deleteNamespacedPod({ namespace, name, body: { preconditions: { uid }, propagationPolicy: 'Background' } }, this.plain));
      return succeeded;
    } catch (error) {
      const f = classifyApiError(error);
      if (f.code === 404) return alreadyDone(f.message);
      if (f.code === 409) return alreadyDone(`the pod was replaced: ${f.message}`);
      return failed(f);
    }
  }

  adoptPod(namespace: string, name: string, uid: string, owner: V1OwnerReference): Promise<ActionResult> {
    return this.claim(namespace, name, uid, (refs) => {
      const controller = refs.find((r) => r.controller);
      if (controller?.uid === owner.uid) return 'already ours';
      if (controller) return { refuse: `the pod is controlled by ${controller.kind} ${controller.name} (${controller.uid})` };
      return [...refs.filter((r) => r.uid !== owner.uid), { ...owner, controller: true, blockOwnerDeletion: true }];
    });
  }

  releasePod(namespace: string, name: string, uid: string, ownerUid: string): Promise<ActionResult> {
    return this.claim(namespace, name, uid, (refs) => (refs.some((r) => r.uid === ownerUid) ? refs.filter((r) => r.uid !== ownerUid) : 'not ours'), true);
  }

  async writeDaemonSetStatus(namespace: string, name: string, status: V1DaemonSetStatus): Promise<ActionResult> {
    try {
      await this.call(() =>
        this.custom.patchNamespacedCustomObjectStatus(
          { group: DAEMONSET_GROUP, version: DAEMONSET_VERSION, plural: DAEMONSET_PLURAL, namespace, name, body: { status } },
          this.patch,
        ),
      );
      return succeeded;
    } catch (error) {
      return failed(classifyApiError(error));
    }
  }

  async readDaemonSet(namespace: string, name: string): Promise<V1DaemonSet | undefined> {
    try {
      return (await this.call(() =>
        this.custom.getNamespacedCustomObject({ group: DAEMONSET_GROUP, version: DAEMONSET_VERSION, plural: DAEMONSET_PLURAL, namespace, name }),
      )) as V1DaemonSet;
    } catch (error) {
      const f = classifyApiError(error);
      if (f.code === 404) return undefined;
      throw new Error(`reading DaemonSet ${namespace}/${name}: ${f.message}`, { cause: error });
    }
  }

  /**
   * Events as upstream's recorders write them: named `<object>.<hex nanoseconds>`, from
   * daemonset-controller; through events.k8s.io/v1 (what `kubectl events` and modern controllers
   * use; the API server shows them through core/v1 too, so `kubectl describe` sees them), or
   * core/v1 where the server answers 404 for it (told once per client). Our clock counts
   * milliseconds, so the nanoseconds below one are random: two decisions in the same millisecond
   * (or on a virtual clock) do not collide.
   */
  async recordEvents(regarding: V1ObjectReference, events: readonly DaemonSetEvent[]): Promise<ActionResult> {
    const now = this.clock.now();
    const namespace = regarding.namespace ?? 'default';
    let failure: ActionResult | undefined;
    for (const e of events) {
      const name = `${regarding.name}.${(BigInt(now.getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000))).toString(16)}`;
      try {
        if (this.eventsV1 !== false) {
          try {
            await this.call(() => this.events.createNamespacedEvent({ namespace, body: eventsV1Event(name, namespace, regarding, e, now) }));
            this.eventsV1 = true;
            continue;
          } catch (error) {
            if (this.eventsV1 === true || classifyApiError(error).code !== 404) throw error;
            this.eventsV1 = false; // no events.k8s.io/v1 on this server: core/v1 from now on
          }
        }
        await this.call(() => this.core.createNamespacedEvent({ namespace, body: coreV1Event(name, namespace, regarding, e, now) }));
      } catch (error) {
        failure ??= failed(classifyApiError(error));
      }
    }
    return failure ?? succeeded;
  }

  /**
   * Rewrites the pod's ownerReferences at the version read, as upstream's ClaimPods patches do.
   * `change` returns the new references, a reason there is nothing to do, or a refusal.
   * A pod that is gone or replaced is nothing to release (already-done) but cannot be adopted (failed).
   */
  private async claim(
    namespace: string,
    name: string,
    uid: string,
    change: (refs: V1OwnerReference[]) => V1OwnerReference[] | string | { refuse: string },
    goneIsDone = false,
  ): Promise<ActionResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        const pod = await this.call(() => this.core.readNamespacedPod({ namespace, name }, this.plain));
        if (pod.metadata?.uid !== uid)
          return goneIsDone
            ? alreadyDone('the pod was replaced')
            : failed({ message: `the pod was replaced (uid ${pod.metadata?.uid}, want ${uid})`, retryable: false });
        const next = change(pod.metadata?.ownerReferences ?? []);
        if (typeof next === 'string') return alreadyDone(next);
        if (!Array.isArray(next)) return failed({ message: next.refuse, retryable: false });
        const metadata = { uid, resourceVersion: pod.metadata.resourceVersion, ownerReferences: next.length ? next : null };
        await this.call(() => this.core.patchNamespacedPod({ namespace, name, body: { metadata } }, this.patch));
        return succeeded;
      } catch (error) {
        const f = classifyApiError(error);
        if (f.code === 404) return goneIsDone ? alreadyDone(f.message) : failed(f);
        if (f.statusReason === 'Conflict' && attempt < CLAIM_ATTEMPTS) continue; // read again and retry
        return failed(f);
      }
    }
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    await this.limiter.acquire();
    try {
      return await request();
    } catch (error) {
      this.onFailure?.(failureCode(error)); // expected ones too (a 404 on delete is "already done"): the alarm picks the codes that matter
      const code = classifyApiError(error).code;
      if (code === 401 || code === 403) this.onAuthFailure?.(code);
      throw error;
    }
  }
}

/** RFC 3339 with microseconds, as the API server parses a MicroTime (client-node would send milliseconds). */
const microTime = (date: Date): string => date.toISOString().replace(/Z$/, '000Z');

/** An events.k8s.io/v1 Event: a combined event carries its count as a series (deprecatedCount is refused on create). */
function eventsV1Event(name: string, namespace: string, regarding: V1ObjectReference, e: DaemonSetEvent, now: Date): EventsV1Event {
  return {
    metadata: { name, namespace },
    regarding,
    type: e.type,
    reason: e.reason,
    action: e.action,
    note: e.message,
    eventTime: microTime(now) as unknown as Date, // sent as written: the serializer passes strings through
    ...(e.count > 1 ? { series: { count: e.count, lastObservedTime: microTime(now) as unknown as Date } } : {}),
    reportingController: EVENT_SOURCE_COMPONENT,
    reportingInstance: EVENT_REPORTING_INSTANCE,
  };
}

/** The same event as core/v1 has it, for a server without events.k8s.io/v1. */
function coreV1Event(name: string, namespace: string, involvedObject: V1ObjectReference, e: DaemonSetEvent, now: Date): CoreV1Event {
  return {
    metadata: { name, namespace },
    involvedObject,
    type: e.type,
    reason: e.reason,
    action: e.action,
    message: e.message,
    count: e.count,
    firstTimestamp: now,
    lastTimestamp: now,
    source: { component: EVENT_SOURCE_COMPONENT },
    reportingComponent: EVENT_SOURCE_COMPONENT,
    reportingInstance: EVENT_REPORTING_INSTANCE,
  };
}
