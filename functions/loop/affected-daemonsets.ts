// Which DaemonSets an observation can change the decision of. Ingest does not fold state, so
// where the answer depends on state it errs towards more: an extra reconcile decides nothing
// new, a missed one leaves a DaemonSet stale until its next event.
import * as E from '../../domain/events';
import type { DaemonSetKey } from '../../domain/streams';
import { DAEMONSET_KIND } from '../adapters/kubernetes/custom-resource';
import type { IngestDeps } from './deps';

export async function affectedDaemonSets(event: E.Observation, log: IngestDeps['log']): Promise<DaemonSetKey[]> {
  const clusterId = event.clusterId;
  const ofCluster = () => log.daemonSetsOfCluster(clusterId);
  const ofNamespace = async (namespace: string | undefined) =>
    namespace === undefined ? ofCluster() : (await ofCluster()).filter((k) => k.namespace === namespace);

  switch (event.type) {
    case E.NODE_OBSERVED:
    case E.NODE_DELETED:
      return ofCluster(); // a node's labels and taints matter to every DaemonSet
    case E.DAEMONSET_OBSERVED:
      return [{ clusterId, namespace: event.daemonSet.metadata!.namespace!, name: event.daemonSet.metadata!.name! }];
    case E.DAEMONSET_DELETED:
      return [{ clusterId, namespace: event.ref.namespace!, name: event.ref.name }];
    case E.POD_OBSERVED: {
      const m = event.pod.metadata!;
      const controller = m.ownerReferences?.find((r) => r.controller);
      if (!controller) return ofNamespace(m.namespace); // an orphan: any DaemonSet whose selector matches may adopt it
      // Any DaemonSet kind: a namesake of another API group costs one idle reconcile at most.
      return controller.kind === DAEMONSET_KIND ? [{ clusterId, namespace: m.namespace!, name: controller.name }] : [];
    }
    case E.POD_DELETED:
      return ofNamespace(event.ref.namespace); // a tombstone names no owner
    case E.RELIST_COMPLETED:
      return event.kind === 'Node' ? ofCluster() : ofNamespace(event.namespace);
    case E.NODE_REQUESTS_OBSERVED:
      return []; // read by the planner, never by a decision
    default: {
      const unknown: never = event;
      throw new Error(`no affected DaemonSets for ${JSON.stringify((unknown as { type?: unknown }).type)}`);
    }
  }
}
