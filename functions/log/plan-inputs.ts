// What the planner starts from, as the log knows it: the cluster's nodes and the DaemonSet's pods
// and revisions (the same fold a decision uses), how long pods took to start and to go on each
// node group (from every pod and DaemonSet stream of the cluster), and what each node's pods
// request (the newest NodeRequestsObserved per node).
import type { V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { parseQuantity, type PodRequests } from '../../domain/cost';
import { NODE_OBSERVED, NODE_REQUESTS_OBSERVED, type LogEvent } from '../../domain/events';
import { lifecycleSamples, type LifecycleSamples } from '../../domain/plan/timing-model';
import { isNewer } from '../../domain/resource-version';
import { nodesStreamId, type DaemonSetKey } from '../../domain/streams';
import type { Revision } from '../../domain/types';
import type { EventStore } from '../adapters/event-store/port';
import { EventLog } from './event-log';

export interface PlanInputs {
  current?: V1DaemonSet;
  nodes: V1Node[];
  pods: V1Pod[];
  revisions: Revision[];
  samples: LifecycleSamples;
  requested: Map<string, PodRequests>;
}

export async function planInputsFromLog(store: EventStore, key: DaemonSetKey, now: Date): Promise<PlanInputs> {
  const rebuilt = await new EventLog(store).rebuild(key, now);
  const nodes = Object.values(rebuilt.state.nodes);

  // Node groups of nodes since gone still explain the pods that ran on them.
  const nodeByName = new Map<string, V1Node>();
  const requested = new Map<string, { rv: string; requests: PodRequests }>();
  for await (const commit of store.read(nodesStreamId(key.clusterId))) {
    for (const event of commit.events) {
      if (event.type === NODE_OBSERVED) nodeByName.set(event.node.metadata!.name!, event.node);
      else if (event.type === NODE_REQUESTS_OBSERVED) {
        const known = requested.get(event.nodeName);
        if (known && !isNewer(event.resourceVersion, known.rv)) continue;
        requested.set(event.nodeName, {
          rv: event.resourceVersion,
          requests: { cpuMillicores: parseQuantity(event.requested.cpu, 3), memoryBytes: parseQuantity(event.requested.memory) },
        });
      }
    }
  }
  for (const node of nodes) nodeByName.set(node.metadata!.name!, node);

  const streams = [
    ...(await store.listStreams(key.clusterId, `${key.clusterId}/pods/`)),
    ...(await store.listStreams(key.clusterId, `${key.clusterId}/daemonsets/`)),
  ];
  const events: LogEvent[] = [];
  for (const stream of streams) for await (const commit of store.read(stream)) events.push(...commit.events);

  const input = rebuilt.input;
  return {
    ...(input ? { current: input.daemonSet } : {}),
    nodes,
    pods: input?.pods ?? [],
    revisions: input?.revisions ?? [],
    samples: lifecycleSamples(events, nodeByName),
    requested: new Map([...requested].map(([node, r]) => [node, r.requests])),
  };
}
