// The watch forwarder (docs/DESIGN.md §1): informers on our DaemonSets, nodes and daemon pods; each
// change becomes one projected observation, unless the controller could not tell it from the
// last one sent (node heartbeats); every (re)list is followed by a relist marker. Observations
// leave through the outbox, which retries until the sink takes them.
import type { KubeConfig, KubernetesObject, V1DaemonSet, V1Pod } from '@kubernetes/client-node';
import { EVENT_SCHEMA_VERSION, type ForwardedEvent, type Observation } from '../../domain/events';
import { kubeConfigFor } from '../adapters/kubernetes/kubeconfig';
import { clusterListWatch, type ListWatchSource } from '../adapters/kubernetes/list-watch';
import { systemClock, type Clock } from '../clock';
import { localTelemetry, type Telemetry } from '../observability';
import { DaemonPodSelector } from './daemon-pods';
import { eventBridgeSink, type EventSink } from './event-sink';
import { startHeartbeat } from './heartbeat';
import { DAEMONSET_KIND, KindForwarder, NODE_KIND, POD_KIND } from './kind-forwarder';
import { NodeRequests } from './node-requests';
import { Outbox } from './outbox';
import { cachedNode, cachedPod } from './cached-objects';
import { startInformer, type InformerHealth, type RunningInformer } from './resilient-informer';

export interface ForwarderOptions {
  clusterId: string;
  /** The cluster: a kubeconfig file, or client-node's default (in-cluster service account) when neither this nor kubeConfig is given. */
  kubeconfigPath?: string;
  kubeConfig?: KubeConfig;
  eventBus: string;
  /** The EventBridge source to put, when it is not `forwarderSource(clusterId)` (EKS: forwarderSource(<EKS cluster name>)). */
  source?: string;
  /** Where observations (and heartbeats) go; by default PutEvents on `eventBus`. */
  sink?: EventSink<ForwardedEvent>;
  /** Send a ForwarderHeartbeat every minute (the deployed forwarder does: `daemonloop forward`); off by default, so a virtual clock is never kept busy. */
  heartbeat?: boolean;
  clock?: Clock;
  telemetry?: Telemetry;
  /**
   * What the informers keep: each object's projection (default), or the whole object as client-node
   * fetched it — what the forwarder did before, kept as bench/forwarder.bench.ts's same-run baseline.
   */
  cache?: 'projected' | 'whole';
}

export interface ForwarderHealth {
  informers: InformerHealth[];
  /** The last send to the sink failed and is being retried. */
  sinkFailing: boolean;
}

export interface RunningForwarder {
  /** Each informer's sync and progress, and whether the sink takes what is sent (the health endpoint). */
  health(): ForwarderHealth;
  /** Resolves once every observation made so far has been sent. */
  idle(): Promise<void>;
  /** Stops the informers, then waits until the outbox is empty; `drain: false` drops what it holds instead (a crash). */
  stop(options?: { drain?: boolean }): Promise<void>;
}

/** Starts forwarding; resolves once every informer has listed. */
export async function runForwarder(options: ForwarderOptions): Promise<RunningForwarder> {
  const clock = options.clock ?? systemClock;
  const telemetry = options.telemetry ?? localTelemetry('warn');
  const kubeConfig = options.kubeConfig ?? kubeConfigFor({ kubeconfigPath: options.kubeconfigPath });
  const sink = options.sink ?? eventBridgeSink({ eventBus: options.eventBus, clock, ...(options.source ? { source: options.source } : {}) });
  const outbox = new Outbox(sink, clock, telemetry);
  const deps = {
    send: (o: Observation) => outbox.push(o),
    base: () => ({ clusterId: options.clusterId, schemaVersion: EVENT_SCHEMA_VERSION, time: clock.now().toISOString() }),
    telemetry,
  };
  const sources = clusterListWatch(kubeConfig);
  const daemonPods = new DaemonPodSelector();
  const daemonSets = new KindForwarder(DAEMONSET_KIND, deps);
  const nodes = new KindForwarder(NODE_KIND, deps);
  const pods = new KindForwarder(POD_KIND, deps, (pod) => daemonPods.isDaemonPod(pod));
  let podInformer: RunningInformer<V1Pod> | undefined;

  const nodeRequests = new NodeRequests(deps, clock);
  const watch = <T extends KubernetesObject>(
    name: string,
    source: ListWatchSource<T>,
    forwarder: KindForwarder<T>,
    before: { project?(o: T): T; upsert?(o: T): void; delete?(o: T): void; listed?(items: T[], rv: string): void } = {},
  ) =>
    startInformer(
      kubeConfig,
      {
        name,
        ...source,
        ...(before.project ? { project: before.project } : {}),
        onUpsert: (o) => {
          before.upsert?.(o);
          forwarder.upsert(o);
        },
        onDelete: (o) => {
          before.delete?.(o);
          forwarder.delete(o);
        },
        onListed: (items, rv) => {
          before.listed?.(items, rv);
          forwarder.listed(items, rv);
        },
      },
      { clock, telemetry },
    );

  // DaemonSets first: the pod informer's first list is filtered by their selectors.
  const informers: RunningInformer<KubernetesObject>[] = [];
  informers.push(
    await watch<V1DaemonSet>('daemonsets', sources.daemonSets, daemonSets, {
      upsert(ds) {
        // A new or changed selector can make pods the informer already holds daemon pods.
        if (!daemonPods.upsertDaemonSet(ds) || !podInformer) return;
        for (const pod of podInformer.cached()) if (!pods.sent(pod.metadata?.uid ?? '')) pods.upsert(pod);
      },
      delete: (ds) => daemonPods.deleteDaemonSet(ds.metadata?.uid ?? ''),
    }),
  );
  const whole = options.cache === 'whole';
  informers.push(await watch('nodes', sources.nodes, nodes, whole ? {} : { project: cachedNode }));
  // Every pod, daemon or not, counts towards what its node has left (the planner's fit check);
  // the informer keeps only the projection and the summed requests of each.
  podInformer = await watch('pods', sources.pods, pods, {
    ...(whole ? {} : { project: cachedPod }),
    upsert: (pod) => nodeRequests.upsert(pod),
    delete: (pod) => nodeRequests.delete(pod),
    listed: (items, rv) => nodeRequests.listed(items, rv),
  });
  informers.push(podInformer);
  telemetry.info('forwarder: watching', { clusterId: options.clusterId });
  const heartbeat = options.heartbeat ? startHeartbeat(sink, options.clusterId, clock, { telemetry }) : undefined; // once watching: a beat means observations flow

  return {
    health: () => ({ informers: informers.map((i) => i.health()), sinkFailing: outbox.failing }),
    idle: () => outbox.idle(),
    async stop({ drain = true } = {}) {
      heartbeat?.stop();
      await Promise.all(informers.map((i) => i.stop()));
      if (!drain) {
        nodeRequests.stop();
        outbox.discard();
        return;
      }
      nodeRequests.flush();
      nodeRequests.stop();
      await outbox.idle();
    },
  };
}
