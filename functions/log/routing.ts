// Which stream an observation belongs to (domain/streams.ts). A relist of pods across namespaces,
// or of DaemonSets, concerns every such stream of the cluster, so it goes to each of them.
import * as E from '../../domain/events';
import { daemonSetStreamId, nodesStreamId, podsStreamId } from '../../domain/streams';

export type Route = { stream: string } | { streamsWithPrefix: string };

export function routeOf(event: E.Observation): Route {
  const c = event.clusterId;
  switch (event.type) {
    case E.NODE_OBSERVED:
    case E.NODE_DELETED:
    case E.NODE_REQUESTS_OBSERVED:
      return { stream: nodesStreamId(c) };
    case E.POD_OBSERVED:
      return { stream: podsStreamId(c, event.pod.metadata!.namespace!) };
    case E.POD_DELETED:
      return { stream: podsStreamId(c, event.ref.namespace!) };
    case E.DAEMONSET_OBSERVED:
      return { stream: daemonSetStreamId({ clusterId: c, namespace: event.daemonSet.metadata!.namespace!, name: event.daemonSet.metadata!.name! }) };
    case E.DAEMONSET_DELETED:
      return { stream: daemonSetStreamId({ clusterId: c, namespace: event.ref.namespace!, name: event.ref.name }) };
    case E.RELIST_COMPLETED:
      if (event.kind === 'Node') return { stream: nodesStreamId(c) };
      if (event.kind === 'Pod' && event.namespace !== undefined) return { stream: podsStreamId(c, event.namespace) };
      if (event.kind === 'Pod') return { streamsWithPrefix: `${c}/pods/` };
      return { streamsWithPrefix: `${c}/daemonsets/${event.namespace === undefined ? '' : `${event.namespace}/`}` };
    default: {
      const unknown: never = event;
      throw new Error(`no stream for ${JSON.stringify((unknown as { type?: unknown }).type)}`);
    }
  }
}

/** What makes two observations the same delivery: its type, object uid and resourceVersion. */
export function observationIdentity(event: E.Observation): string {
  switch (event.type) {
    case E.NODE_OBSERVED:
      return `${event.clusterId}/${event.type}/${event.node.metadata!.uid}/${event.node.metadata!.resourceVersion}`;
    case E.POD_OBSERVED:
      return `${event.clusterId}/${event.type}/${event.pod.metadata!.uid}/${event.pod.metadata!.resourceVersion}`;
    case E.DAEMONSET_OBSERVED:
      return `${event.clusterId}/${event.type}/${event.daemonSet.metadata!.uid}/${event.daemonSet.metadata!.resourceVersion}`;
    case E.NODE_DELETED:
    case E.POD_DELETED:
    case E.DAEMONSET_DELETED:
      return `${event.clusterId}/${event.type}/${event.ref.uid}/${event.ref.resourceVersion}`;
    case E.RELIST_COMPLETED:
      return `${event.clusterId}/${event.type}/${event.relistId}/${event.part}`;
    case E.NODE_REQUESTS_OBSERVED:
      return `${event.clusterId}/${event.type}/${event.nodeName}/${event.resourceVersion}`;
    default: {
      const unknown: never = event;
      throw new Error(`no identity for ${JSON.stringify((unknown as { type?: unknown }).type)}`);
    }
  }
}
